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

G_BEGIN_DECLS

#define GST_TYPE_SHRBUF_SINK (gst_shrbuf_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstShrbufSink, gst_shrbuf_sink, GST, SHRBUF_SINK,
    GstVideoSink)

/* How many capture->flip latencies the p99 is taken over. */
#define SHRBUF_SINK_LATENCY_WINDOW 1024

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

  /* Between start () and stop (); owned here, made in start () */
  ShrbufKmsOutput *out;
  ShrbufFbCache *cache;
  GstAllocator *dumb_allocator;
  GstCaps *device_caps;
  gchar *device_formats;        /* for messages: "BGRx (XR24), ..." */

  /* Set in set_caps () */
  gboolean configured;
  GstVideoInfo info;
  guint32 drm_format;
  GstClockTime frame_duration;
  GstBufferPool *copy_pool;     /* dumb buffers to copy into, made on demand */
  gboolean copy_warned;
  GstCaps *refused_caps;        /* the last caps set_caps () refused */

  /* Scanout state, shared with the flip handler (event thread) */
  GMutex lock;
  GCond cond;
  GstBuffer *pending;           /* committed, not yet on screen */
  ShrbufFb *pending_fb;
  gint64 pending_since;         /* g_get_monotonic_time () of the commit */
  guint64 pending_capture;      /* CLOCK_MONOTONIC ns, 0: unknown */
  gboolean pending_capture_from_meta;   /* else from the PTS */
  guint64 pending_seq;          /* GST_BUFFER_OFFSET, for the log */
  guint64 pending_deadline;     /* CLOCK_MONOTONIC ns, 0: unknown */
  GstBuffer *on_screen;         /* being scanned out */
  gboolean on_screen_marked;    /* its broker slot held by the sink */
  ShrbufFb *on_screen_fb;

  /* Statistics, under lock */
  guint64 shown, imported, copied, dropped, late, framebuffers;
  guint64 latency_sum, latency_count;
  guint64 latencies[SHRBUF_SINK_LATENCY_WINDOW];
};

GST_ELEMENT_REGISTER_DECLARE (shrbufsink);

G_END_DECLS

#endif /* __GST_SHRBUF_SINK_H__ */
