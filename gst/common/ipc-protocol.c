/* gst-shrbuf: the messages between shrbufipcsink and shrbufipcsrc
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

#include "ipc-protocol.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The header every packet starts with. */
typedef struct
{
  guint32 magic;
  guint16 version;
  guint16 type;
  guint32 length;               /* bytes after the header */
  guint32 pad;
} Header;

GQuark
shrbuf_ipc_error_quark (void)
{
  return g_quark_from_static_string ("shrbuf-ipc-error-quark");
}

/* The fixed body of @type, or -1 for an unknown type. */
static gssize
body_size (guint type)
{
  switch (type) {
    case SHRBUF_IPC_HELLO:
      return sizeof (ShrbufIpcHello);
    case SHRBUF_IPC_CAPS:
      return sizeof (ShrbufIpcCaps);
    case SHRBUF_IPC_FRAME:
      return sizeof (ShrbufIpcFrame);
    case SHRBUF_IPC_EOS:
      return 0;
    case SHRBUF_IPC_DONE:
      return sizeof (ShrbufIpcDone);
    default:
      return -1;
  }
}

static gboolean
malformed (GError ** error, const gchar * why)
{
  g_set_error (error, SHRBUF_IPC_ERROR, SHRBUF_IPC_ERROR_MALFORMED,
      "malformed message: %s", why);
  return FALSE;
}

/* The fields of a body, whichever side made it. */
static gboolean
check_body (const ShrbufIpcMessage * m, GError ** error)
{
  const ShrbufIpcCaps *c = &m->u.caps;
  guint i;

  switch (m->type) {
    case SHRBUF_IPC_HELLO:
      if (m->u.hello.max_held == 0)
        return malformed (error, "HELLO with max-held 0");
      return TRUE;
    case SHRBUF_IPC_CAPS:
      if (c->n_planes == 0 || c->n_planes > SHRBUF_IPC_MAX_PLANES)
        return malformed (error, "CAPS with a bad plane count");
      if (c->width == 0 || c->height == 0 || c->size == 0 || c->pad != 0)
        return malformed (error, "CAPS with a zero size or a nonzero pad");
      for (i = c->n_planes; i < SHRBUF_IPC_MAX_PLANES; i++)
        if (c->offset[i] != 0 || c->stride[i] != 0)
          return malformed (error, "CAPS with a layout past its planes");
      return TRUE;
    case SHRBUF_IPC_DONE:
      if (m->u.done.skipped > 1)
        return malformed (error, "DONE with skipped neither 0 nor 1");
      return TRUE;
    case SHRBUF_IPC_FRAME:
    case SHRBUF_IPC_EOS:
      return TRUE;
    default:
      return malformed (error, "unknown type");
  }
}

GBytes *
shrbuf_ipc_message_pack (const ShrbufIpcMessage * m, GError ** error)
{
  gssize body = body_size (m->type);
  gsize text = 0, size;
  Header h = { SHRBUF_IPC_MAGIC, SHRBUF_IPC_VERSION, m->type, 0, 0 };
  guint8 *data;

  if (body < 0 || !check_body (m, error)) {
    if (body < 0)
      malformed (error, "unknown type");
    return NULL;
  }
  if (m->type == SHRBUF_IPC_CAPS) {
    if (!m->caps_text || !*m->caps_text) {
      malformed (error, "CAPS without caps");
      return NULL;
    }
    text = strlen (m->caps_text) + 1;
  }
  size = sizeof (h) + body + text;
  if (size > SHRBUF_IPC_MAX_SIZE) {
    malformed (error, "longer than the largest packet");
    return NULL;
  }
  h.length = body + text;
  data = g_malloc (size);
  memcpy (data, &h, sizeof (h));
  memcpy (data + sizeof (h), &m->u, body);
  if (text)
    memcpy (data + sizeof (h) + body, m->caps_text, text);
  return g_bytes_new_take (data, size);
}

/* The caps text after a CAPS body: one NUL at its very end, UTF-8. */
static gboolean
unpack_text (const guint8 * text, gsize len, ShrbufIpcMessage * m,
    GError ** error)
{
  if (len < 2 || text[len - 1] != '\0' || memchr (text, '\0', len - 1))
    return malformed (error, "CAPS text not one NUL-terminated string");
  if (!g_utf8_validate ((const gchar *) text, len - 1, NULL))
    return malformed (error, "CAPS text not UTF-8");
  m->caps_text = g_strndup ((const gchar *) text, len - 1);
  return TRUE;
}

gboolean
shrbuf_ipc_message_unpack (const guint8 * data, gsize size,
    ShrbufIpcMessage * m, GError ** error)
{
  Header h;
  gssize body;

  memset (m, 0, sizeof (*m));
  if (size < sizeof (h))
    return malformed (error, "shorter than its header");
  memcpy (&h, data, sizeof (h));
  if (h.magic != SHRBUF_IPC_MAGIC)
    return malformed (error, "bad magic");
  if (h.version != SHRBUF_IPC_VERSION) {
    g_set_error (error, SHRBUF_IPC_ERROR, SHRBUF_IPC_ERROR_VERSION,
        "protocol version %u, not %u", h.version, SHRBUF_IPC_VERSION);
    return FALSE;
  }
  body = body_size (h.type);
  if (body < 0)
    return malformed (error, "unknown type");
  if (h.pad != 0 || h.length != size - sizeof (h))
    return malformed (error, "length does not match the packet");
  if (h.type == SHRBUF_IPC_CAPS ? h.length <= (gsize) body
      : h.length != (gsize) body)
    return malformed (error, "body of the wrong size for its type");
  m->type = h.type;
  memcpy (&m->u, data + sizeof (h), body);
  if (!check_body (m, error))
    return FALSE;
  if (h.type == SHRBUF_IPC_CAPS
      && !unpack_text (data + sizeof (h) + body, h.length - body, m, error))
    return FALSE;
  return TRUE;
}

void
shrbuf_ipc_message_clear (ShrbufIpcMessage * m)
{
  g_clear_pointer (&m->caps_text, g_free);
}

static gboolean
io_error (GError ** error, const gchar * call)
{
  gint e = errno;

  if (e == EPIPE || e == ECONNRESET) {
    g_set_error (error, SHRBUF_IPC_ERROR, SHRBUF_IPC_ERROR_CLOSED,
        "%s: %s", call, g_strerror (e));
    return FALSE;
  }
  g_set_error (error, SHRBUF_IPC_ERROR, SHRBUF_IPC_ERROR_IO, "%s failed: %s",
      call, g_strerror (e));
  return FALSE;
}

gboolean
shrbuf_ipc_send (gint sock, const ShrbufIpcMessage * m, gint fd,
    GError ** error)
{
  g_autoptr (GBytes) packet = shrbuf_ipc_message_pack (m, error);
  union
  {
    struct cmsghdr align;
    gchar buf[CMSG_SPACE (sizeof (gint))];
  }
  control;
  struct iovec iov;
  struct msghdr msg = { 0, };
  gssize r;

  if (!packet)
    return FALSE;
  iov.iov_base = (gpointer) g_bytes_get_data (packet, &iov.iov_len);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (fd >= 0) {
    struct cmsghdr *c;

    memset (&control, 0, sizeof (control));
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof (control.buf);
    c = CMSG_FIRSTHDR (&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN (sizeof (gint));
    memcpy (CMSG_DATA (c), &fd, sizeof (gint));
  }
  do
    r = sendmsg (sock, &msg, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return io_error (error, "sendmsg");
  return TRUE;
}

/* The fds that came in @msg: the first in @fd, any more closed; returns
 * how many came. */
static guint
take_fds (struct msghdr *msg, gint * fd)
{
  struct cmsghdr *c;
  guint n = 0;

  for (c = CMSG_FIRSTHDR (msg); c; c = CMSG_NXTHDR (msg, c)) {
    gsize i, count;

    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
      continue;
    count = (c->cmsg_len - CMSG_LEN (0)) / sizeof (gint);
    for (i = 0; i < count; i++, n++) {
      gint f;

      memcpy (&f, CMSG_DATA (c) + i * sizeof (gint), sizeof (gint));
      if (*fd < 0)
        *fd = f;
      else
        close (f);
    }
  }
  return n;
}

gboolean
shrbuf_ipc_recv (gint sock, ShrbufIpcMessage * m, gint * fd, GError ** error)
{
  guint8 data[SHRBUF_IPC_MAX_SIZE];
  union
  {
    struct cmsghdr align;
    gchar buf[CMSG_SPACE (4 * sizeof (gint))];
  }
  control;
  struct iovec iov = { data, sizeof (data) };
  struct msghdr msg = { 0, };
  gboolean ok, want_fd;
  gssize r;
  guint n;

  *fd = -1;
  memset (m, 0, sizeof (*m));
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof (control.buf);
  do
    r = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return io_error (error, "recvmsg");
  n = take_fds (&msg, fd);
  if (r == 0) {
    g_set_error (error, SHRBUF_IPC_ERROR, SHRBUF_IPC_ERROR_CLOSED,
        "the other end closed the connection");
    ok = FALSE;
  } else if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
    ok = malformed (error, "truncated packet");
  } else {
    ok = shrbuf_ipc_message_unpack (data, r, m, error);
  }
  want_fd = ok && m->type == SHRBUF_IPC_HELLO;
  if (ok && (n != (want_fd ? 1 : 0)))
    ok = malformed (error, want_fd ? "HELLO without exactly one fd"
        : "an fd with a message that takes none");
  if (!ok) {
    shrbuf_ipc_message_clear (m);
    if (*fd >= 0)
      close (*fd);
    *fd = -1;
  }
  return ok;
}
