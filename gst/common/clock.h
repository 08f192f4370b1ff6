/* gst-shrbuf: capture time on CLOCK_MONOTONIC, and its pipeline time
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SHRBUF_CLOCK_H__
#define __SHRBUF_CLOCK_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* A frame's capture time travels as a GstReferenceTimestampMeta with these
 * caps, its timestamp in ns of CLOCK_MONOTONIC (the clock V4L2 drivers
 * stamp buffers with, V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC). The only
 * spelling the elements write; the sink also reads timestamp/x-unix
 * (CLOCK_REALTIME, as other producers write it). */
#define SHRBUF_CAPTURE_TIME_CAPS "timestamp/x-linux-monotonic"

guint64 shrbuf_clock_monotonic_ns (void);

void shrbuf_buffer_add_capture_time (GstBuffer * buffer, guint64 mono_ns);
gboolean shrbuf_buffer_get_capture_time (GstBuffer * buffer,
    guint64 * mono_ns);

GstClockTime shrbuf_clock_running_time_of (GstElement * element,
    guint64 mono_ns);
guint64 shrbuf_clock_monotonic_of (GstElement * element,
    GstClockTime running_time);

GstClockTime shrbuf_frame_duration (gint fps_n, gint fps_d);

G_END_DECLS

#endif /* __SHRBUF_CLOCK_H__ */
