/* gst-shrbuf: capture time on CLOCK_MONOTONIC, and its pipeline time
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* One definition of how the elements tell a frame's capture time: the
 * reference timestamp meta's caps, and the conversions between
 * CLOCK_MONOTONIC and an element's running time (through its pipeline
 * clock, whatever that clock is: the offset between the two is read at
 * the moment of the conversion). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "clock.h"

#include <time.h>

static GstStaticCaps capture_caps = GST_STATIC_CAPS (SHRBUF_CAPTURE_TIME_CAPS);
static GstStaticCaps unix_caps = GST_STATIC_CAPS ("timestamp/x-unix");

guint64
shrbuf_clock_monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (guint64) ts.tv_sec * GST_SECOND + ts.tv_nsec;
}

static guint64
realtime_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (guint64) ts.tv_sec * GST_SECOND + ts.tv_nsec;
}

/* @mono_ns: CLOCK_MONOTONIC ns, as the driver stamped the frame. */
void
shrbuf_buffer_add_capture_time (GstBuffer * buffer, guint64 mono_ns)
{
  GstCaps *caps = gst_static_caps_get (&capture_caps);

  gst_buffer_add_reference_timestamp_meta (buffer, caps, mono_ns,
      GST_CLOCK_TIME_NONE);
  gst_caps_unref (caps);
}

/* The capture time of @buffer on CLOCK_MONOTONIC, from its reference
 * timestamp meta (SHRBUF_CAPTURE_TIME_CAPS, else timestamp/x-unix
 * converted); FALSE when it has neither. */
gboolean
shrbuf_buffer_get_capture_time (GstBuffer * buffer, guint64 * mono_ns)
{
  GstReferenceTimestampMeta *meta;
  GstCaps *caps;
  gint64 to_mono;

  caps = gst_static_caps_get (&capture_caps);
  meta = gst_buffer_get_reference_timestamp_meta (buffer, caps);
  gst_caps_unref (caps);
  if (meta) {
    *mono_ns = meta->timestamp;
    return TRUE;
  }
  caps = gst_static_caps_get (&unix_caps);
  meta = gst_buffer_get_reference_timestamp_meta (buffer, caps);
  gst_caps_unref (caps);
  if (!meta)
    return FALSE;
  to_mono = (gint64) shrbuf_clock_monotonic_ns () - (gint64) realtime_ns ();
  if ((gint64) meta->timestamp + to_mono <= 0)
    return FALSE;
  *mono_ns = meta->timestamp + to_mono;
  return TRUE;
}

/* CLOCK_MONOTONIC minus the pipeline clock of @element, now; FALSE when
 * it has no clock. */
static gboolean
clock_offset (GstElement * element, gint64 * offset)
{
  GstClock *clock = gst_element_get_clock (element);
  GstClockTime now;

  if (clock == NULL)
    return FALSE;
  now = gst_clock_get_time (clock);
  *offset = (gint64) shrbuf_clock_monotonic_ns () - (gint64) now;
  gst_object_unref (clock);
  return TRUE;
}

/* @mono_ns as running time of @element (0 if it falls before the
 * element's base time); GST_CLOCK_TIME_NONE without a clock. */
GstClockTime
shrbuf_clock_running_time_of (GstElement * element, guint64 mono_ns)
{
  GstClockTime base = gst_element_get_base_time (element);
  gint64 offset, clock_time;

  if (!clock_offset (element, &offset))
    return GST_CLOCK_TIME_NONE;
  clock_time = (gint64) mono_ns - offset;
  if (clock_time < (gint64) base)
    return 0;
  return clock_time - base;
}

/* @running_time of @element on CLOCK_MONOTONIC (ns); 0 when it has no
 * clock or the time is not valid or before the clock's epoch. */
guint64
shrbuf_clock_monotonic_of (GstElement * element, GstClockTime running_time)
{
  GstClockTime base = gst_element_get_base_time (element);
  gint64 offset, mono;

  if (!GST_CLOCK_TIME_IS_VALID (running_time)
      || !clock_offset (element, &offset))
    return 0;
  mono = (gint64) (running_time + base) + offset;
  return mono > 0 ? (guint64) mono : 0;
}

/* One frame's time at @fps_n/@fps_d; GST_CLOCK_TIME_NONE without a rate. */
GstClockTime
shrbuf_frame_duration (gint fps_n, gint fps_d)
{
  if (fps_n <= 0 || fps_d <= 0)
    return GST_CLOCK_TIME_NONE;
  return gst_util_uint64_scale_int (GST_SECOND, fps_d, fps_n);
}
