/* gst-shrbuf: capture time and its conversions (gst/common/clock.c)
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

#include "clock.h"

/* What the source writes is what the sink reads, to the ns; other
 * spellings are not taken for it. */
GST_START_TEST (test_capture_time_meta)
{
  GstBuffer *buf = gst_buffer_new ();
  GstCaps *other = gst_caps_new_empty_simple ("timestamp/x-monotonic");
  guint64 t = 0;

  fail_if (shrbuf_buffer_get_capture_time (buf, &t));
  gst_buffer_add_reference_timestamp_meta (buf, other, 123456789,
      GST_CLOCK_TIME_NONE);
  fail_if (shrbuf_buffer_get_capture_time (buf, &t));
  shrbuf_buffer_add_capture_time (buf, 987654321987);
  fail_unless (shrbuf_buffer_get_capture_time (buf, &t));
  fail_unless_equals_uint64 (t, 987654321987);
  gst_caps_unref (other);
  gst_buffer_unref (buf);
}

GST_END_TEST;

/* A timestamp/x-unix meta (CLOCK_REALTIME) comes back on CLOCK_MONOTONIC. */
GST_START_TEST (test_capture_time_unix)
{
  GstBuffer *buf = gst_buffer_new ();
  GstCaps *unix_caps = gst_caps_new_empty_simple ("timestamp/x-unix");
  guint64 mono = shrbuf_clock_monotonic_ns (), t = 0;
  guint64 real = (guint64) g_get_real_time () * GST_USECOND;

  gst_buffer_add_reference_timestamp_meta (buf, unix_caps, real,
      GST_CLOCK_TIME_NONE);
  fail_unless (shrbuf_buffer_get_capture_time (buf, &t));
  fail_unless (t + 10 * GST_MSECOND > mono && t < mono + 10 * GST_MSECOND,
      "%" G_GUINT64_FORMAT " vs %" G_GUINT64_FORMAT, t, mono);
  gst_caps_unref (unix_caps);
  gst_buffer_unref (buf);
}

GST_END_TEST;

/* Monotonic -> running time -> monotonic on an element whose clock is not
 * CLOCK_MONOTONIC (a test clock far away from it) and has a base time. */
GST_START_TEST (test_running_time_round_trip)
{
  GstElement *e = gst_bin_new (NULL);
  GstClock *clock = gst_system_clock_obtain ();
  guint64 mono = shrbuf_clock_monotonic_ns (), back;
  GstClockTime rt;

  fail_unless_equals_uint64 (shrbuf_clock_running_time_of (e, mono),
      GST_CLOCK_TIME_NONE);
  fail_unless_equals_uint64 (shrbuf_clock_monotonic_of (e, 0), 0);
  g_object_set (clock, "clock-type", GST_CLOCK_TYPE_REALTIME, NULL);
  gst_element_set_clock (e, clock);
  gst_element_set_base_time (e, gst_clock_get_time (clock) - GST_SECOND);

  rt = shrbuf_clock_running_time_of (e, mono);
  fail_unless (rt > GST_SECOND - 10 * GST_MSECOND
      && rt < GST_SECOND + 10 * GST_MSECOND, "%" GST_TIME_FORMAT,
      GST_TIME_ARGS (rt));
  back = shrbuf_clock_monotonic_of (e, rt);
  fail_unless (back + GST_MSECOND > mono && back < mono + GST_MSECOND);
  /* Before the base time: running time 0. */
  fail_unless_equals_uint64 (shrbuf_clock_running_time_of (e,
          mono - 5 * GST_SECOND), 0);
  fail_unless_equals_uint64 (shrbuf_clock_monotonic_of (e,
          GST_CLOCK_TIME_NONE), 0);

  g_object_set (clock, "clock-type", GST_CLOCK_TYPE_MONOTONIC, NULL);
  gst_object_unref (clock);
  gst_object_unref (e);
}

GST_END_TEST;

GST_START_TEST (test_frame_duration)
{
  fail_unless_equals_uint64 (shrbuf_frame_duration (30, 1), 33333333);
  fail_unless_equals_uint64 (shrbuf_frame_duration (30000, 1001), 33366666);
  fail_unless_equals_uint64 (shrbuf_frame_duration (0, 1), GST_CLOCK_TIME_NONE);
  fail_unless_equals_uint64 (shrbuf_frame_duration (30, 0),
      GST_CLOCK_TIME_NONE);
}

GST_END_TEST;

static Suite *
clock_suite (void)
{
  Suite *s = suite_create ("shrbuf-clock");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_capture_time_meta);
  tcase_add_test (tc, test_capture_time_unix);
  tcase_add_test (tc, test_running_time_round_trip);
  tcase_add_test (tc, test_frame_duration);
  return s;
}

GST_CHECK_MAIN (clock);
