/* gst-shrbuf: shrbufsink, dma-buf frames on a DRM/KMS plane
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

#ifndef __GST_SHRBUF_SINK_H__
#define __GST_SHRBUF_SINK_H__

#include <gst/video/video.h>
#include <gst/video/gstvideosink.h>

#include "kms-output.h"
#include "fb-cache.h"
#include "scanout.h"

G_BEGIN_DECLS

#define GST_TYPE_SHRBUF_SINK (gst_shrbuf_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstShrbufSink, gst_shrbuf_sink, GST, SHRBUF_SINK,
    GstVideoSink)

struct _GstShrbufSink
{
  GstVideoSink parent;

  /* Properties, under the object lock */
  gchar *device;
  gchar *driver_name;
  gint fd;
  gint connector_id;
  gint plane_id;
  gboolean force_modesetting;
  GstVideoRectangle render_rect;        /* w == 0: default placement */
  guint display_width, display_height;

  /* Serialises the commits of the streaming thread (show_frame, drain)
   * and of the application's expose (), and expose () with stop (). */
  GMutex commit_lock;

  /* Between start () and stop (); owned here, made in start () */
  ShrbufKmsOutput *out;
  ShrbufFbCache *cache;
  GstAllocator *dumb_allocator;
  GstCaps *device_caps;
  gchar *device_formats;        /* for messages: "BGRx (XR24), ..." */

  /* Set in set_caps () */
  gboolean configured;
  GstVideoInfo info;            /* a real format, also for DMA_DRM caps */
  guint32 drm_format;
  guint64 modifier;             /* DRM_FORMAT_MOD_LINEAR for plain caps */
  GstClockTime frame_duration;
  GstBufferPool *copy_pool;     /* dumb buffers to copy into, made on demand */
  GstVideoInfo copy_info;       /* ... of this size (a frame's, see
                                 * frame_geometry ()) */
  gboolean copy_warned;
  GstCaps *refused_caps;        /* the last caps set_caps () refused */

  /* The frames committed and on screen, shared with the flip handler
   * (event thread), and the stats' counters: scanout.c */
  ShrbufScanouts scanouts;
};

GST_ELEMENT_REGISTER_DECLARE (shrbufsink);

G_END_DECLS

#endif /* __GST_SHRBUF_SINK_H__ */
