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

/*
 * The frames shrbufsink scans out, and the counters of its stats.
 *
 * The sink holds at most two frames: the one committed, whose flip has not
 * completed ("pending"), and the one on screen. Both are a ShrbufScanout:
 * the GstBuffer, its framebuffer, its times (commit, capture and where the
 * capture time came from, deadline) and its offset.
 *
 * Ownership, in one place each:
 *
 * - A scanout owns one reference to its GstBuffer and one to its
 *   framebuffer (the framebuffer cache holds another while it is cached).
 *   The buffer keeps upstream's memory, the framebuffer the kernel's scanout
 *   of it: neither goes while the frame can be on screen.
 * - The streaming thread makes a frame the pending scanout
 *   (shrbuf_scanouts_queue ()), only when none is pending: one flip at a
 *   time. A commit that fails takes it back (shrbuf_scanouts_unqueue ()).
 * - The output's event thread, on the flip event (shrbuf_scanouts_flipped
 *   ()), makes the pending scanout the one on screen, and releases the one
 *   it replaces at once: its buffer may go back to upstream's pool.
 * - The frame on screen stays referenced until it is replaced or the sink
 *   stops; stop restores the CRTC first, then shrbuf_scanouts_release ()
 *   drops both.
 * - With a shrbuf pool, the scanout on screen holds its pool slot
 *   (slot_marked) and releases it EMPTY when it is replaced, before its
 *   buffer goes back; another sink of the same frame (a tee) finds the slot
 *   held already and leaves it.
 *
 * Locking: everything in ShrbufScanouts is under its lock, taken by the
 * streaming thread (queue, wait, stats), the event thread (flip) and the
 * application thread (stats property). Buffers and framebuffers are unreffed
 * outside it: the last unref of a buffer may call into upstream, of a
 * framebuffer into the cache (which takes its own lock).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "scanout.h"
#include "pool.h"

#include <string.h>

GST_DEBUG_CATEGORY_EXTERN (shrbuf_sink_debug);
#define GST_CAT_DEFAULT shrbuf_sink_debug

void
shrbuf_scanouts_init (ShrbufScanouts * s, GstObject * owner)
{
  memset (s, 0, sizeof (*s));
  s->owner = owner;
  g_mutex_init (&s->lock);
  g_cond_init (&s->cond);
}

void
shrbuf_scanouts_clear (ShrbufScanouts * s)
{
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->cond);
}

void
shrbuf_scanouts_reset_stats (ShrbufScanouts * s)
{
  g_mutex_lock (&s->lock);
  s->shown = s->imported = s->copied = s->dropped = 0;
  s->late = s->framebuffers = 0;
  s->latency_sum = s->latency_count = 0;
  g_mutex_unlock (&s->lock);
}

void
shrbuf_scanouts_set_frame_duration (ShrbufScanouts * s, GstClockTime duration)
{
  g_mutex_lock (&s->lock);
  s->frame_duration = duration;
  g_mutex_unlock (&s->lock);
}

void
shrbuf_scanout_clear (ShrbufScanout * frame)
{
  gst_clear_buffer (&frame->buffer);
  g_clear_pointer (&frame->fb, shrbuf_fb_unref);
  frame->slot_marked = FALSE;
}

/* The pool slot of a frame going on screen: held if it has one. */
static gboolean
slot_hold (GstBuffer * buffer)
{
  ShrbufSlotMeta *m = buffer ? shrbuf_buffer_get_slot_meta (buffer) : NULL;

  return m && shrbuf_pool_hold (m->shrbuf_pool, m->slot, FALSE, NULL);
}

/* ... and of the frame it replaces: released EMPTY if we held it. */
static void
slot_release (ShrbufScanout * frame)
{
  ShrbufSlotMeta *m =
      frame->buffer ? shrbuf_buffer_get_slot_meta (frame->buffer) : NULL;

  if (frame->slot_marked && m)
    shrbuf_pool_release (m->shrbuf_pool, m->slot, SHRBUF_STATE_EMPTY, m->seq,
        m->timestamp_ns, NULL);
  frame->slot_marked = FALSE;
}

/* With the lock held: latency and lateness of the frame just shown. The
 * DEBUG line, function name included, is what tests/vm/cases/53-e2e-latency
 * reads. */
static void
on_flip (ShrbufScanouts * s, const ShrbufScanout * shown, guint64 flip_time)
{
  if (shown->capture && flip_time > shown->capture) {
    guint64 l = flip_time - shown->capture;

    s->latencies[s->latency_count % SHRBUF_SCANOUT_LATENCY_WINDOW] = l;
    s->latency_count++;
    s->latency_sum += l;
    /* One line a frame, for the tests that check the latency against
     * the source's own timestamps. */
    GST_DEBUG_OBJECT (s->owner, "flip: offset %" G_GUINT64_FORMAT
        ", capture %" G_GUINT64_FORMAT " ns (%s), flip %" G_GUINT64_FORMAT
        " ns, latency %" G_GUINT64_FORMAT " ns", shown->seq, shown->capture,
        shown->capture_from_meta ? "reference timestamp" : "PTS", flip_time, l);
  }
  if (shown->deadline && flip_time > shown->deadline + s->frame_duration)
    s->late++;
}

void
shrbuf_scanouts_flipped (guint64 flip_time_ns, gpointer scanouts)
{
  ShrbufScanouts *s = scanouts;
  ShrbufScanout old = { NULL, };

  g_mutex_lock (&s->lock);
  if (s->pending.buffer) {
    old = s->on_screen;
    /* Before the buffer goes back: its source re-holds the slot then. */
    slot_release (&old);
    s->on_screen = s->pending;
    s->on_screen.slot_marked = slot_hold (s->on_screen.buffer);
    memset (&s->pending, 0, sizeof (s->pending));
    s->shown++;
    on_flip (s, &s->on_screen, flip_time_ns);
    s->releasing = TRUE;
  }
  g_mutex_unlock (&s->lock);

  /* Outside the lock: the buffer may go back to upstream's pool. Waiters
   * wake only once it has: a DRAIN returns with it given back. */
  shrbuf_scanout_clear (&old);
  g_mutex_lock (&s->lock);
  s->releasing = FALSE;
  g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->lock);
}

void
shrbuf_scanouts_count_framebuffer (ShrbufScanouts * s)
{
  g_mutex_lock (&s->lock);
  s->framebuffers++;
  g_mutex_unlock (&s->lock);
}

/* With the lock held: waits until no flip is pending and the frame the last
 * flip replaced has been released, at most until @until (monotonic us). */
static gboolean
wait_locked (ShrbufScanouts * s, gint64 until)
{
  while (s->pending.buffer || s->releasing) {
    if (!g_cond_wait_until (&s->cond, &s->lock, until))
      return s->pending.buffer == NULL && !s->releasing;
  }
  return TRUE;
}

ShrbufScanoutQueueResult
shrbuf_scanouts_queue (ShrbufScanouts * s, ShrbufScanout * frame,
    gboolean copied, gint64 wait_us, gint64 stuck_us)
{
  ShrbufScanoutQueueResult res = SHRBUF_SCANOUT_QUEUED;

  g_mutex_lock (&s->lock);
  if (!wait_locked (s, g_get_monotonic_time () + wait_us)) {
    s->dropped++;
    /* Only a flip that never came is stuck: the wait can also time out
     * while the flip handler is still releasing the frame it replaced
     * (its buffer going back upstream), with nothing pending. */
    if (s->pending.buffer
        && g_get_monotonic_time () - s->pending.committed > stuck_us)
      res = SHRBUF_SCANOUT_STUCK;
    else
      res = SHRBUF_SCANOUT_DROPPED;
  } else {
    if (copied)
      s->copied++;
    else
      s->imported++;
    s->pending = *frame;
    s->pending.slot_marked = FALSE;
    s->pending.committed = g_get_monotonic_time ();
    frame->buffer = NULL;
    frame->fb = NULL;
  }
  g_mutex_unlock (&s->lock);
  return res;
}

void
shrbuf_scanouts_unqueue (ShrbufScanouts * s, GstBuffer * buffer)
{
  ShrbufScanout old = { NULL, };

  g_mutex_lock (&s->lock);
  if (s->pending.buffer == buffer) {
    old = s->pending;
    memset (&s->pending, 0, sizeof (s->pending));
  }
  g_mutex_unlock (&s->lock);
  shrbuf_scanout_clear (&old);
}

gboolean
shrbuf_scanouts_wait (ShrbufScanouts * s, gint64 timeout_us)
{
  gboolean ok;

  g_mutex_lock (&s->lock);
  ok = wait_locked (s, g_get_monotonic_time () + timeout_us);
  g_mutex_unlock (&s->lock);
  if (!ok)
    GST_WARNING_OBJECT (s->owner, "no page-flip event after %"
        G_GINT64_FORMAT " us", timeout_us);
  return ok;
}

GstBuffer *
shrbuf_scanouts_ref_on_screen (ShrbufScanouts * s)
{
  GstBuffer *buffer;

  g_mutex_lock (&s->lock);
  buffer = s->on_screen.buffer ? gst_buffer_ref (s->on_screen.buffer) : NULL;
  g_mutex_unlock (&s->lock);
  return buffer;
}

gboolean
shrbuf_scanouts_ref_on_screen_frame (ShrbufScanouts * s, ShrbufScanout * frame)
{
  memset (frame, 0, sizeof (*frame));
  g_mutex_lock (&s->lock);
  if (s->on_screen.buffer) {
    frame->buffer = gst_buffer_ref (s->on_screen.buffer);
    frame->fb = shrbuf_fb_ref (s->on_screen.fb);
    frame->seq = s->on_screen.seq;
  }
  g_mutex_unlock (&s->lock);
  return frame->buffer != NULL;
}

void
shrbuf_scanouts_release (ShrbufScanouts * s)
{
  ShrbufScanout pending, on_screen;

  g_mutex_lock (&s->lock);
  slot_release (&s->on_screen);
  pending = s->pending;
  on_screen = s->on_screen;
  memset (&s->pending, 0, sizeof (s->pending));
  memset (&s->on_screen, 0, sizeof (s->on_screen));
  g_mutex_unlock (&s->lock);
  shrbuf_scanout_clear (&pending);
  shrbuf_scanout_clear (&on_screen);
}

static gint
cmp_u64 (gconstpointer a, gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

GstStructure *
shrbuf_scanouts_get_stats (ShrbufScanouts * s)
{
  guint64 mean = 0, p50 = 0, p99 = 0;
  g_autofree guint64 *lat = g_new (guint64, SHRBUF_SCANOUT_LATENCY_WINDOW);
  GstStructure *st;
  guint n;

  g_mutex_lock (&s->lock);
  n = MIN (s->latency_count, SHRBUF_SCANOUT_LATENCY_WINDOW);
  memcpy (lat, s->latencies, n * sizeof (guint64));
  if (s->latency_count)
    mean = s->latency_sum / s->latency_count;
  st = gst_structure_new ("application/x-shrbufsink-stats",
      "shown", G_TYPE_UINT64, s->shown,
      "imported", G_TYPE_UINT64, s->imported,
      "copied", G_TYPE_UINT64, s->copied,
      "dropped", G_TYPE_UINT64, s->dropped,
      "late", G_TYPE_UINT64, s->late,
      "framebuffers", G_TYPE_UINT64, s->framebuffers,
      "latency-mean", G_TYPE_UINT64, mean, NULL);
  g_mutex_unlock (&s->lock);

  if (n) {
    qsort (lat, n, sizeof (guint64), cmp_u64);
    p50 = lat[MIN (n - 1, (n * 50 + 99) / 100 - 1)];
    p99 = lat[MIN (n - 1, (n * 99 + 99) / 100 - 1)];
  }
  gst_structure_set (st, "latency-p50", G_TYPE_UINT64, p50,
      "latency-p99", G_TYPE_UINT64, p99, NULL);
  return st;
}
