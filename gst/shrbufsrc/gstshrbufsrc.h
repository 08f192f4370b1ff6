/* gst-shrbuf: V4L2 capture exported as dma-buf
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

#ifndef __GST_SHRBUF_SRC_H__
#define __GST_SHRBUF_SRC_H__

#include <gst/gst.h>
#include <gst/base/gstpushsrc.h>
#include <gst/video/video.h>

#include "v4l2-device.h"
#include "src-copy.h"
#include "pool.h"

G_BEGIN_DECLS

/**
 * GstShrbufSrcPool:
 * @GST_SHRBUF_SRC_POOL_AUTO: record the buffers in a /dev/shrbuf pool
 *   when the shrbuf module is loaded
 * @GST_SHRBUF_SRC_POOL_OFF: do not
 */
typedef enum
{
  GST_SHRBUF_SRC_POOL_AUTO,
  GST_SHRBUF_SRC_POOL_OFF,
} GstShrbufSrcPool;

GType gst_shrbuf_src_pool_get_type (void);
#define GST_TYPE_SHRBUF_SRC_POOL (gst_shrbuf_src_pool_get_type ())

/* How the frames go downstream: as the driver's buffers, exported as
 * dma-buf, or copied (src-copy.c) when they cannot be exported. */
typedef enum
{
  SHRBUF_SRC_MODE_EXPORT,
  SHRBUF_SRC_MODE_COPY,
} ShrbufSrcMode;

#define GST_TYPE_SHRBUF_SRC (gst_shrbuf_src_get_type ())
G_DECLARE_FINAL_TYPE (GstShrbufSrc, gst_shrbuf_src, GST, SHRBUF_SRC,
    GstPushSrc)

struct _GstShrbufSrc
{
  GstPushSrc parent;

  /* Properties; object lock. */
  gchar *device;
  gint device_fd;
  guint queue_depth;
  GstShrbufSrcPool pool;        /* the "pool" property (alias "broker") */

  /* From start() to stop(), streaming thread (and state changes). */
  ShrbufV4l2Device *dev;        /* owned: opened in start, freed in stop */
  GstCaps *probed_caps;
  ShrbufV4l2Format current;     /* the device's format before we set ours */
  GstPoll *poll;                /* owned; set flushing by unlock() */
  GstPollFD pollfd;             /* the device */

  /* The configuration streaming now; see configure(). */
  GstCaps *caps;                /* negotiated */
  gboolean dma_drm;             /* the caps are DMA_DRM (GStreamer >= 1.24) */
  guint padding_right;          /* asked for by downstream */
  GstVideoInfo info;            /* with the driver's strides and offsets */
  ShrbufV4l2Format fmt;
  guint n_buffers;
  ShrbufSrcMode mode;
  GstAllocator *allocator;      /* owned, exporting: retired before it is
                                 * dropped */
  ShrbufPool *shrbuf_pool;      /* owned, or NULL: the shrbuf pool, a slot
                                 * per frame, held while in the driver */
  ShrbufSrcCopy copy;           /* copying: the mappings (src-copy.c) */
  gboolean streaming;
  gboolean have_sequence;
  guint32 last_sequence;

  /* Statistics; object lock, except queued (atomic). */
  guint64 frames;
  guint64 dropped;
  guint64 exported;
  guint64 copied;
  gint queued;
};

GST_ELEMENT_REGISTER_DECLARE (shrbufsrc);

G_END_DECLS

#endif /* __GST_SHRBUF_SRC_H__ */
