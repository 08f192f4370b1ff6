/* gst-shrbuf: what shrbufsink has committed and on screen
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

#ifndef __SHRBUF_SCANOUT_H__
#define __SHRBUF_SCANOUT_H__

#include <gst/gst.h>

#include "fb-cache.h"

G_BEGIN_DECLS

/* How many capture->flip latencies the p99 is taken over. */
#define SHRBUF_SCANOUT_LATENCY_WINDOW 1024

/* One frame the sink scans out: committed ("pending") or on screen. */
typedef struct
{
  GstBuffer *buffer;            /* a reference, NULL: no frame */
  ShrbufFb *fb;                 /* a reference */
  gboolean slot_marked;         /* on screen: its pool slot held by us */
  gint64 committed;             /* g_get_monotonic_time () of the commit */
  guint64 capture;              /* CLOCK_MONOTONIC ns, 0: unknown */
  gboolean capture_from_meta;   /* else from the PTS */
  guint64 seq;                  /* GST_BUFFER_OFFSET, for the log */
  guint64 deadline;             /* CLOCK_MONOTONIC ns, 0: unknown */
} ShrbufScanout;

/* The sink's two scanouts and the counters of its stats, under one lock
 * (see scanout.c for who touches what). Embedded in the sink. */
typedef struct
{
  GstObject *owner;             /* the sink, for the log; not a reference */
  GMutex lock;
  GCond cond;
  GstClockTime frame_duration;
  ShrbufScanout pending;
  ShrbufScanout on_screen;
  gboolean releasing;           /* the flip handler is releasing the frame
                                 * it replaced */

  guint64 shown, imported, copied, dropped, late, framebuffers;
  guint64 latency_sum, latency_count;
  guint64 latencies[SHRBUF_SCANOUT_LATENCY_WINDOW];
} ShrbufScanouts;

typedef enum
{
  SHRBUF_SCANOUT_QUEUED,        /* now the pending scanout: commit it */
  SHRBUF_SCANOUT_DROPPED,       /* the previous flip is still pending */
  SHRBUF_SCANOUT_STUCK,         /* ... and has been for too long */
} ShrbufScanoutQueueResult;

void shrbuf_scanouts_init (ShrbufScanouts * s, GstObject * owner);
void shrbuf_scanouts_clear (ShrbufScanouts * s);
void shrbuf_scanouts_reset_stats (ShrbufScanouts * s);
void shrbuf_scanouts_set_frame_duration (ShrbufScanouts * s,
    GstClockTime duration);

/* The ShrbufKmsFlipFunc (event thread): the pending scanout is on screen. */
void shrbuf_scanouts_flipped (guint64 flip_time_ns, gpointer scanouts);

/* Counts a framebuffer made for the next frame. */
void shrbuf_scanouts_count_framebuffer (ShrbufScanouts * s);

/* Waits at most @wait_us for the previous flip, then makes @frame the
 * pending scanout (taking its references) and counts it as @copied or
 * imported. Otherwise @frame keeps its references and is counted dropped;
 * STUCK when a flip is still pending, committed more than @stuck_us ago. */
ShrbufScanoutQueueResult shrbuf_scanouts_queue (ShrbufScanouts * s,
    ShrbufScanout * frame, gboolean copied, gint64 wait_us, gint64 stuck_us);

/* The commit of the pending scanout @buffer failed: drops it. */
void shrbuf_scanouts_unqueue (ShrbufScanouts * s, GstBuffer * buffer);

/* Waits at most @timeout_us until no flip is pending and the frame the
 * last flip replaced is released. */
gboolean shrbuf_scanouts_wait (ShrbufScanouts * s, gint64 timeout_us);

/* A reference to the buffer on screen, or NULL. */
GstBuffer *shrbuf_scanouts_ref_on_screen (ShrbufScanouts * s);
/* References to the buffer and the framebuffer on screen, in @frame (its
 * times unset: no latency is counted for it); FALSE when none is. */
gboolean shrbuf_scanouts_ref_on_screen_frame (ShrbufScanouts * s,
    ShrbufScanout * frame);

/* Releases both scanouts (after the CRTC is restored). */
void shrbuf_scanouts_release (ShrbufScanouts * s);

/* The stats structure: counters, latency-mean, -p50, -p99. */
GstStructure *shrbuf_scanouts_get_stats (ShrbufScanouts * s);

/* Drops the references of a scanout that is not queued. */
void shrbuf_scanout_clear (ShrbufScanout * frame);

G_END_DECLS

#endif /* __SHRBUF_SCANOUT_H__ */
