/* gst-shrbuf: the messages between shrbufipcsink and shrbufipcsrc
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SHRBUF_IPC_PROTOCOL_H__
#define __SHRBUF_IPC_PROTOCOL_H__

#include <glib.h>

G_BEGIN_DECLS

/* The producer (shrbufipcsink) and each client (shrbufipcsrc) talk over
 * one AF_UNIX SOCK_SEQPACKET connection: one message a packet, in the
 * byte order of the machine (both ends are on it). A message is a header
 * (magic, version, type, body length), the fixed body of its type and,
 * for CAPS, the caps as text. Only HELLO carries an fd (SCM_RIGHTS): the
 * client's own handle on the producer's shrbuf pool. docs/ipc.md is the
 * reference; this file only packs, checks and unpacks, and sends and
 * receives one message with its fd. It owns nothing beyond a message's
 * caps text (shrbuf_ipc_message_clear ()). */

#define SHRBUF_IPC_MAGIC 0x49524853u    /* "SHRI" */
#define SHRBUF_IPC_VERSION 1
/* The largest packet either side sends or accepts. */
#define SHRBUF_IPC_MAX_SIZE 16384
#define SHRBUF_IPC_MAX_PLANES 4

typedef enum
{
  /* producer -> client */
  SHRBUF_IPC_HELLO = 1,         /* first message, with the pool handle fd */
  SHRBUF_IPC_CAPS = 2,          /* the caps and video layout of the frames
                                 * that follow */
  SHRBUF_IPC_FRAME = 3,         /* a frame is in a slot: acquire it */
  SHRBUF_IPC_EOS = 4,           /* no more frames */
  /* client -> producer */
  SHRBUF_IPC_DONE = 5,          /* the client let go of a frame (or skipped
                                 * it) */
} ShrbufIpcType;

typedef struct
{
  guint32 client_id;            /* the producer's name for this client */
  guint32 max_held;             /* frames the client may hold at once */
} ShrbufIpcHello;

/* A GstVideoMeta's worth of layout, and the caps. */
typedef struct
{
  guint32 generation;           /* FRAME says which CAPS it follows */
  guint32 format;               /* GstVideoFormat */
  guint32 width, height;
  guint32 n_planes;             /* 1 to SHRBUF_IPC_MAX_PLANES */
  guint32 pad;
  guint64 offset[SHRBUF_IPC_MAX_PLANES];
  gint32 stride[SHRBUF_IPC_MAX_PLANES];
  guint64 size;                 /* bytes of the frame in its dma-buf */
} ShrbufIpcCaps;

typedef struct
{
  guint32 slot;                 /* the pool slot the frame is in */
  guint32 generation;           /* of the CAPS it follows */
  guint64 seq;                  /* the producer's frame number */
  guint64 pts_ns;               /* capture time, CLOCK_MONOTONIC */
  guint64 duration_ns;          /* 0: unknown */
} ShrbufIpcFrame;

typedef struct
{
  guint32 slot;
  guint32 skipped;              /* 1: never acquired (too late, or the
                                 * client held its max) */
  guint64 seq;
} ShrbufIpcDone;

typedef struct
{
  ShrbufIpcType type;
  union
  {
    ShrbufIpcHello hello;
    ShrbufIpcCaps caps;
    ShrbufIpcFrame frame;
    ShrbufIpcDone done;
  } u;
  gchar *caps_text;             /* CAPS only: owned, NUL-terminated */
} ShrbufIpcMessage;

/* Why a packet is not a message (GError codes). */
#define SHRBUF_IPC_ERROR (shrbuf_ipc_error_quark ())
typedef enum
{
  SHRBUF_IPC_ERROR_MALFORMED,   /* bad magic, length, field or text */
  SHRBUF_IPC_ERROR_VERSION,     /* another protocol version */
  SHRBUF_IPC_ERROR_CLOSED,      /* the other end closed the connection */
  SHRBUF_IPC_ERROR_IO,          /* sendmsg/recvmsg failed (errno text) */
} ShrbufIpcError;

GQuark shrbuf_ipc_error_quark (void);

/* The packet of @m, at most SHRBUF_IPC_MAX_SIZE bytes, or NULL (@error
 * MALFORMED: caps text missing or too long, a field out of range). */
GBytes *shrbuf_ipc_message_pack (const ShrbufIpcMessage * m, GError ** error);
/* Checks and unpacks @size bytes into @m (its caps text newly allocated). */
gboolean shrbuf_ipc_message_unpack (const guint8 * data, gsize size,
    ShrbufIpcMessage * m, GError ** error);
void shrbuf_ipc_message_clear (ShrbufIpcMessage * m);

/* Sends @m on @sock with @fd (-1: none) as SCM_RIGHTS; never raises
 * SIGPIPE. */
gboolean shrbuf_ipc_send (gint sock, const ShrbufIpcMessage * m, gint fd,
    GError ** error);
/* Receives one message; an fd that came with it is returned in @fd
 * (O_CLOEXEC, the caller's to close), else -1. A HELLO without an fd, any
 * other message with one, a truncated packet: MALFORMED (with any fd that
 * came closed); the other end gone: CLOSED. */
gboolean shrbuf_ipc_recv (gint sock, ShrbufIpcMessage * m, gint * fd,
    GError ** error);

G_END_DECLS

#endif /* __SHRBUF_IPC_PROTOCOL_H__ */
