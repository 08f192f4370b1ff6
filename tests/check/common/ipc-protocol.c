/* gst-shrbuf: the IPC messages (gst/common/ipc-protocol.c)
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipc-protocol.h"

static ShrbufIpcMessage
msg (ShrbufIpcType type)
{
  ShrbufIpcMessage m;

  memset (&m, 0, sizeof (m));
  m.type = type;
  return m;
}

static ShrbufIpcMessage
caps_message (void)
{
  ShrbufIpcMessage m = msg (SHRBUF_IPC_CAPS);

  m.u.caps.generation = 7;
  m.u.caps.format = 8;
  m.u.caps.width = 640;
  m.u.caps.height = 480;
  m.u.caps.n_planes = 2;
  m.u.caps.offset[1] = 307200;
  m.u.caps.stride[0] = m.u.caps.stride[1] = 640;
  m.u.caps.size = 460800;
  m.caps_text = (gchar *) "video/x-raw, format=(string)NV12, width=(int)640";
  return m;
}

/* Packed and unpacked, each type comes back field for field. */
GST_START_TEST (test_round_trip)
{
  ShrbufIpcMessage in[5];
  guint i;

  in[0] = msg (SHRBUF_IPC_HELLO);
  in[1] = caps_message ();
  in[2] = msg (SHRBUF_IPC_FRAME);
  in[3] = msg (SHRBUF_IPC_EOS);
  in[4] = msg (SHRBUF_IPC_DONE);
  in[0].u.hello.client_id = 3;
  in[0].u.hello.max_held = 2;
  in[2].u.frame.slot = 5;
  in[2].u.frame.generation = 7;
  in[2].u.frame.seq = G_GUINT64_CONSTANT (1) << 40;
  in[2].u.frame.pts_ns = 123456789012;
  in[2].u.frame.duration_ns = 33333333;
  in[4].u.done.slot = 5;
  in[4].u.done.skipped = 1;
  in[4].u.done.seq = 99;
  for (i = 0; i < G_N_ELEMENTS (in); i++) {
    g_autoptr (GError) err = NULL;
    g_autoptr (GBytes) b = shrbuf_ipc_message_pack (&in[i], &err);
    ShrbufIpcMessage out;
    gsize size;
    const guint8 *data;

    fail_unless (b != NULL, "type %d: %s", in[i].type, err ? err->message : "");
    data = g_bytes_get_data (b, &size);
    fail_unless (shrbuf_ipc_message_unpack (data, size, &out, &err));
    fail_unless_equals_int (out.type, in[i].type);
    fail_unless (memcmp (&out.u, &in[i].u, sizeof (out.u)) == 0);
    if (in[i].caps_text) {
      fail_unless_equals_string (out.caps_text, in[i].caps_text);
    } else {
      fail_unless (out.caps_text == NULL);
    }
    shrbuf_ipc_message_clear (&out);
  }
}

GST_END_TEST;

/* unpack_err: what unpacking @data says, as a GError code (-1: accepted). */
static gint
unpack_err (const guint8 * data, gsize size)
{
  g_autoptr (GError) err = NULL;
  ShrbufIpcMessage m;

  if (shrbuf_ipc_message_unpack (data, size, &m, &err)) {
    shrbuf_ipc_message_clear (&m);
    return -1;
  }
  fail_unless (err->domain == SHRBUF_IPC_ERROR);
  fail_unless (m.caps_text == NULL);
  return err->code;
}

/* Every way a packet can be wrong is refused, none crashes. */
GST_START_TEST (test_malformed)
{
  ShrbufIpcMessage caps = caps_message ();
  g_autoptr (GBytes) b = shrbuf_ipc_message_pack (&caps, NULL);
  gsize size, i;
  const guint8 *good = g_bytes_get_data (b, &size);
  guint8 *p = g_memdup2 (good, size);
  const gsize header = 16;

  fail_unless_equals_int (unpack_err (p, size), -1);
  /* Every shorter packet: no message. */
  for (i = 0; i < size; i++)
    fail_unless_equals_int (unpack_err (p, i), SHRBUF_IPC_ERROR_MALFORMED);
  /* Magic, version, type, length, pad. */
  p[0] ^= 1;
  fail_unless_equals_int (unpack_err (p, size), SHRBUF_IPC_ERROR_MALFORMED);
  p[0] ^= 1;
  p[4] = 2;
  fail_unless_equals_int (unpack_err (p, size), SHRBUF_IPC_ERROR_VERSION);
  p[4] = SHRBUF_IPC_VERSION;
  p[6] = 9;
  fail_unless_equals_int (unpack_err (p, size), SHRBUF_IPC_ERROR_MALFORMED);
  p[6] = SHRBUF_IPC_CAPS;
  p[8]++;
  fail_unless_equals_int (unpack_err (p, size), SHRBUF_IPC_ERROR_MALFORMED);
  p[8]--;
  p[12] = 1;
  fail_unless_equals_int (unpack_err (p, size), SHRBUF_IPC_ERROR_MALFORMED);
  p[12] = 0;
  /* The caps text: a NUL inside, none at the end, not UTF-8. */
  p[size - 5] = '\0';
  fail_unless_equals_int (unpack_err (p, size), SHRBUF_IPC_ERROR_MALFORMED);
  p[size - 5] = 'x';
  p[size - 1] = 'x';
  fail_unless_equals_int (unpack_err (p, size), SHRBUF_IPC_ERROR_MALFORMED);
  p[size - 1] = '\0';
  p[size - 2] = 0xff;
  fail_unless_equals_int (unpack_err (p, size), SHRBUF_IPC_ERROR_MALFORMED);
  memcpy (p, good, size);
  /* The layout: planes 0 and 5, a stride past the planes. */
  p[header + G_STRUCT_OFFSET (ShrbufIpcCaps, n_planes)] = 0;
  fail_unless_equals_int (unpack_err (p, size), SHRBUF_IPC_ERROR_MALFORMED);
  p[header + G_STRUCT_OFFSET (ShrbufIpcCaps, n_planes)] = 5;
  fail_unless_equals_int (unpack_err (p, size), SHRBUF_IPC_ERROR_MALFORMED);
  memcpy (p, good, size);
  p[header + G_STRUCT_OFFSET (ShrbufIpcCaps, stride) + 3 * 4] = 1;
  fail_unless_equals_int (unpack_err (p, size), SHRBUF_IPC_ERROR_MALFORMED);
  g_free (p);
}

GST_END_TEST;

/* What cannot be packed is not. */
GST_START_TEST (test_pack_refused)
{
  ShrbufIpcMessage m = caps_message ();
  ShrbufIpcMessage hello = msg (SHRBUF_IPC_HELLO);
  ShrbufIpcMessage done = msg (SHRBUF_IPC_DONE);
  gchar *big = g_strnfill (SHRBUF_IPC_MAX_SIZE, 'c');
  g_autoptr (GError) err = NULL;

  m.caps_text = NULL;
  fail_unless (shrbuf_ipc_message_pack (&m, &err) == NULL);
  g_clear_error (&err);
  m.caps_text = big;
  fail_unless (shrbuf_ipc_message_pack (&m, &err) == NULL);
  g_clear_error (&err);
  fail_unless (shrbuf_ipc_message_pack (&hello, &err) == NULL);
  g_clear_error (&err);
  done.u.done.skipped = 2;
  fail_unless (shrbuf_ipc_message_pack (&done, &err) == NULL);
  fail_unless_equals_int (err->code, SHRBUF_IPC_ERROR_MALFORMED);
  g_free (big);
}

GST_END_TEST;

static gint
open_fds (void)
{
  gint fd, n = 0;

  for (fd = 0; fd < 1024; fd++)
    if (fcntl (fd, F_GETFD) >= 0)
      n++;
  return n;
}

/* Over a socket: HELLO brings its fd (the same file), other messages none;
 * an fd where none belongs is refused and closed; a closed peer is
 * CLOSED. No fd is left behind. */
GST_START_TEST (test_socket)
{
  ShrbufIpcMessage hello = msg (SHRBUF_IPC_HELLO);
  ShrbufIpcMessage eos = msg (SHRBUF_IPC_EOS);
  ShrbufIpcMessage m;
  g_autoptr (GError) err = NULL;
  struct stat a, b;
  gint sv[2], memfd, got, base;

  base = open_fds ();
  fail_unless (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
  memfd = memfd_create ("pool", MFD_CLOEXEC);
  fail_unless (memfd >= 0);
  hello.u.hello.client_id = 1;
  hello.u.hello.max_held = 2;

  fail_unless (shrbuf_ipc_send (sv[0], &hello, memfd, &err));
  fail_unless (shrbuf_ipc_recv (sv[1], &m, &got, &err));
  fail_unless_equals_int (m.type, SHRBUF_IPC_HELLO);
  fail_unless (got >= 0 && got != memfd);
  fail_unless (fcntl (got, F_GETFD) & FD_CLOEXEC);
  fstat (memfd, &a);
  fstat (got, &b);
  fail_unless (a.st_ino == b.st_ino && a.st_dev == b.st_dev);
  close (got);

  /* HELLO without its fd, EOS with one. */
  fail_unless (shrbuf_ipc_send (sv[0], &hello, -1, &err));
  fail_if (shrbuf_ipc_recv (sv[1], &m, &got, &err));
  fail_unless_equals_int (err->code, SHRBUF_IPC_ERROR_MALFORMED);
  g_clear_error (&err);
  fail_unless (shrbuf_ipc_send (sv[0], &eos, memfd, &err));
  fail_if (shrbuf_ipc_recv (sv[1], &m, &got, &err));
  fail_unless_equals_int (err->code, SHRBUF_IPC_ERROR_MALFORMED);
  fail_unless_equals_int (got, -1);
  g_clear_error (&err);

  fail_unless (shrbuf_ipc_send (sv[0], &eos, -1, &err));
  fail_unless (shrbuf_ipc_recv (sv[1], &m, &got, &err));
  fail_unless_equals_int (m.type, SHRBUF_IPC_EOS);

  close (sv[0]);
  fail_if (shrbuf_ipc_recv (sv[1], &m, &got, &err));
  fail_unless_equals_int (err->code, SHRBUF_IPC_ERROR_CLOSED);
  g_clear_error (&err);
  /* Sending to a closed peer: an error, no SIGPIPE. */
  fail_if (shrbuf_ipc_send (sv[1], &eos, -1, &err));
  fail_unless_equals_int (err->code, SHRBUF_IPC_ERROR_CLOSED);
  close (sv[1]);
  close (memfd);
  fail_unless_equals_int (open_fds (), base);
}

GST_END_TEST;

static Suite *
ipc_protocol_suite (void)
{
  Suite *s = suite_create ("ipc-protocol");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_round_trip);
  tcase_add_test (tc, test_malformed);
  tcase_add_test (tc, test_pack_refused);
  tcase_add_test (tc, test_socket);
  return s;
}

GST_CHECK_MAIN (ipc_protocol);
