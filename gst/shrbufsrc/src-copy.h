/* gst-shrbuf: shrbufsrc's copy path
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Library General Public License for more details.
 */

#ifndef __SHRBUF_SRC_COPY_H__
#define __SHRBUF_SRC_COPY_H__

#include <gst/gst.h>
#include <gst/video/video.h>

#include "v4l2-device.h"

G_BEGIN_DECLS

/* See src-copy.c for what it is for and who owns what. */
typedef struct
{
  GstElement *element;          /* the source: not owned */
  GHashTable *warned;           /* owned: reasons warned about since the
                                 * last shrbuf_src_copy_forget_warnings() */

  /* From shrbuf_src_copy_start() to shrbuf_src_copy_stop(). */
  ShrbufV4l2Device *dev;        /* the element's: not owned */
  gchar *reason;                /* owned: why the frames are copied */
  ShrbufV4l2Format fmt;
  GstVideoInfo info;            /* the driver's layout */
  guint n_buffers;
  gpointer *mapped;             /* owned: n_buffers * fmt.n_planes */
  gsize *mapped_lengths;

  /* From shrbuf_src_copy_decide_pool(). */
  GstVideoInfo pool_info;       /* the caps of the pool's buffers */
} ShrbufSrcCopy;

void shrbuf_src_copy_init (ShrbufSrcCopy * copy, GstElement * element);
void shrbuf_src_copy_clear (ShrbufSrcCopy * copy);
void shrbuf_src_copy_forget_warnings (ShrbufSrcCopy * copy);

gboolean shrbuf_src_copy_start (ShrbufSrcCopy * copy, ShrbufV4l2Device * dev,
    const ShrbufV4l2Format * fmt, const GstVideoInfo * info, guint n_buffers,
    const gchar * reason);
void shrbuf_src_copy_stop (ShrbufSrcCopy * copy);

gboolean shrbuf_src_copy_decide_pool (ShrbufSrcCopy * copy, GstQuery * query,
    GstCaps * caps, GstBufferPool * pool, guint size, guint min, guint max);
GstFlowReturn shrbuf_src_copy_create (ShrbufSrcCopy * copy,
    GstBufferPool * pool, const ShrbufV4l2Dequeued * dq, GstBuffer ** outbuf);

G_END_DECLS

#endif /* __SHRBUF_SRC_COPY_H__ */
