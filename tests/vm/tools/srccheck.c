/* srccheck: drives shrbufsrc in the VM and checks what it pushes.
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * The pipeline must hold a "shrbufsrc name=src" and end in
 * "appsink name=sink". Every buffer pulled is checked: each memory is a
 * dma-buf with an fd, the buffer has a GstVideoMeta and a
 * GstReferenceTimestampMeta, and in "frames" PTS and driver timestamps
 * increase from buffer to buffer. Prints key=value lines for the case script,
 * among them each warning posted on the bus ("warning=TEXT") and their count
 * ("warnings=N").
 * dma-bufs are counted system-wide from /sys/kernel/debug/dma_buf/bufinfo,
 * mappings of V4L2 devices in /proc/self/maps.
 *
 *   srccheck frames N [OUT.raw] PIPELINE
 *       pulls N buffers; writes the last one's planes, rows without their
 *       padding (read through GstVideoMeta), to OUT.raw. Prints the source's
 *       stats while playing ("stats=") and after NULL ("stats_stopped="),
 *       the buffers the source pushed until then ("pushed=") and the gaps
 *       in their sequence numbers ("sequence_gaps=").
 *   srccheck cycles N PIPELINE
 *       N times: PLAYING, pull 2 buffers, NULL; the fd, dma-buf and device
 *       mapping counts after must equal those after the first cycle.
 *   srccheck orphan PIPELINE
 *       keeps a buffer across PLAYING -> NULL, checks its pixels are
 *       unchanged after the source stopped, then drops it.
 *   srccheck devices
 *       lists the devices of shrbufdeviceprovider, makes the first one's
 *       element and pulls 3 buffers from it.
 *   srccheck error PIPELINE
 *       streams (prints streaming=1) until the pipeline posts an error,
 *       prints it, tears down and prints the fd and dma-buf count deltas.
 *   srccheck renegotiate CAPS PIPELINE
 *       pulls 10 buffers, keeps one, sets CAPS on "capsfilter name=filter"
 *       while playing, pulls until buffers match CAPS, then 10 more.
 *
 * Options (before the mode): --padding-right N asks for N pixels of
 * padding (the "video-meta" allocation meta parameters), as a downstream
 * element would.
 */
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/allocators/allocators.h>
#include <gst/video/video.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

static guint padding_right;
static guint64 n_buffers, n_memories, n_dmabuf;
static gint last_stride = -1;

#define die(...) G_STMT_START { g_printerr ("srccheck: " __VA_ARGS__);  \
    g_printerr ("\n"); exit (1); } G_STMT_END

/* Answers the allocation query as a downstream element that reads
 * GstVideoMeta and wants padding would. */
static GstPadProbeReturn
allocation_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);
  GstStructure *params;

  if (GST_QUERY_TYPE (query) != GST_QUERY_ALLOCATION)
    return GST_PAD_PROBE_OK;
  params = gst_structure_new ("video-meta", "padding-top", G_TYPE_UINT, 0,
      "padding-bottom", G_TYPE_UINT, 0, "padding-left", G_TYPE_UINT, 0,
      "padding-right", G_TYPE_UINT, padding_right, NULL);
  gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, params);
  gst_structure_free (params);
  return GST_PAD_PROBE_HANDLED;
}

static GstElement *
make_pipeline (const gchar * desc, GstElement ** sink)
{
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);

  if (pipeline == NULL)
    die ("bad pipeline: %s", err->message);
  *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  if (*sink == NULL)
    die ("no appsink named sink");
  if (padding_right > 0) {
    GstPad *pad = gst_element_get_static_pad (*sink, "sink");

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM,
        allocation_probe, NULL, NULL);
    gst_object_unref (pad);
  }
  return pipeline;
}

static guint n_qos, n_warnings;

/* Dies on an error message; counts QoS messages; prints and counts
 * warnings. */
static void
check_bus (GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;

  while ((msg = gst_bus_pop (bus))) {
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      GError *err;
      gchar *dbg;

      gst_message_parse_error (msg, &err, &dbg);
      die ("error from %s: %s (%s) [%s %d]", GST_OBJECT_NAME (msg->src),
          err->message, dbg, g_quark_to_string (err->domain), err->code);
    }
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_QOS)
      n_qos++;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
      GError *err;

      gst_message_parse_warning (msg, &err, NULL);
      g_print ("warning=%s: %s\n", GST_OBJECT_NAME (msg->src), err->message);
      g_error_free (err);
      n_warnings++;
    }
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
}

static void
set_state (GstElement * pipeline, GstState state)
{
  if (gst_element_set_state (pipeline, state) == GST_STATE_CHANGE_FAILURE) {
    check_bus (pipeline);
    die ("cannot set the pipeline to %s", gst_element_state_get_name (state));
  }
}

/* Pulls and checks one buffer; NULL on EOS. */
static GstSample *
pull (GstElement * pipeline, GstElement * sink)
{
  GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
      20 * GST_SECOND);
  GstBuffer *buf;
  GstVideoMeta *meta;
  guint64 capture;
  guint i;

  check_bus (pipeline);
  if (sample == NULL) {
    if (gst_app_sink_is_eos (GST_APP_SINK (sink)))
      return NULL;
    die ("no buffer in 20 s");
  }
  buf = gst_sample_get_buffer (sample);
  n_buffers++;
  for (i = 0; i < gst_buffer_n_memory (buf); i++) {
    GstMemory *mem = gst_buffer_peek_memory (buf, i);

    n_memories++;
    if (gst_is_dmabuf_memory (mem) && gst_dmabuf_memory_get_fd (mem) >= 0)
      n_dmabuf++;
  }
  meta = gst_buffer_get_video_meta (buf);
  if (meta == NULL)
    die ("buffer %" G_GUINT64_FORMAT " has no GstVideoMeta", n_buffers);
  last_stride = meta->stride[0];
  if (!shrbuf_buffer_get_capture_time (buf, &capture))
    die ("buffer %" G_GUINT64_FORMAT " has no reference timestamp", n_buffers);
  if (!GST_BUFFER_PTS_IS_VALID (buf))
    die ("buffer %" G_GUINT64_FORMAT " has no PTS", n_buffers);
  return sample;
}

/* The frame's planes, each row without padding. */
static GByteArray *
packed_frame (GstSample * sample)
{
  GstVideoInfo info, plain;
  GstVideoFrame frame;
  GByteArray *out = g_byte_array_new ();
  guint p, y;

  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)))
    die ("bad caps");
  plain = info;
  if (!gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample),
          GST_MAP_READ))
    die ("cannot map the frame");
  for (p = 0; p < GST_VIDEO_FRAME_N_PLANES (&frame); p++) {
    guint rows = GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (info.finfo, p,
        info.height);
    guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (&frame, p);
    gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, p);

    for (y = 0; y < rows; y++)
      g_byte_array_append (out, data + (gsize) y * stride,
          GST_VIDEO_INFO_PLANE_STRIDE (&plain, p));
  }
  gst_video_frame_unmap (&frame);
  return out;
}

static guint
count_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  struct dirent *e;
  guint n = 0;

  while ((e = readdir (d)))
    if (e->d_name[0] != '.')
      n++;
  closedir (d);
  return n - 1;                 /* the one opendir uses */
}

/* dma-bufs in the whole system, from debugfs. */
static gint
count_dmabufs (void)
{
  gchar *text = NULL, *p;
  gint n = -1;

  if (!g_file_get_contents ("/sys/kernel/debug/dma_buf/bufinfo", &text, NULL,
          NULL))
    die ("cannot read /sys/kernel/debug/dma_buf/bufinfo");
  /* The last line: "Total N objects, M bytes". */
  p = g_strrstr (text, "\nTotal ");
  if (p)
    n = atoi (p + 7);
  g_free (text);
  return n;
}

/* Mappings of V4L2 devices (/dev/video*) in this process. */
static guint
count_video_maps (void)
{
  gchar *text = NULL, **lines;
  guint n = 0, i;

  if (!g_file_get_contents ("/proc/self/maps", &text, NULL, NULL))
    die ("cannot read /proc/self/maps");
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i]; i++)
    if (strstr (lines[i], " /dev/video"))
      n++;
  g_strfreev (lines);
  g_free (text);
  return n;
}

static void
print_stats (GstElement * pipeline, const gchar * key)
{
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstStructure *stats = NULL;
  gchar *s;

  if (src == NULL)
    die ("no element named src");
  g_object_get (src, "stats", &stats, NULL);
  s = gst_structure_to_string (stats);
  g_print ("%s=%s\n", key, s);
  g_free (s);
  gst_structure_free (stats);
  gst_object_unref (src);
}

/* Gaps in the sequence numbers (GST_BUFFER_OFFSET) of the buffers the
 * source pushes: each frame the driver skipped, or the source dropped,
 * leaves one. */
static guint64 seq_gaps, seq_last, seq_pushed;
static gboolean seq_seen;

static GstPadProbeReturn
sequence_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  guint64 offset = GST_BUFFER_OFFSET (GST_PAD_PROBE_INFO_BUFFER (info));

  seq_pushed++;
  if (seq_seen && offset > seq_last + 1)
    seq_gaps += offset - seq_last - 1;
  seq_seen = TRUE;
  seq_last = offset;
  return GST_PAD_PROBE_OK;
}

static void
watch_sequence (GstElement * pipeline)
{
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstPad *pad = src ? gst_element_get_static_pad (src, "src") : NULL;

  if (pad == NULL)
    die ("no element named src with a src pad");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, sequence_probe, NULL,
      NULL);
  gst_object_unref (pad);
  gst_object_unref (src);
}

static void
print_counts (void)
{
  g_print ("buffers=%" G_GUINT64_FORMAT "\nmemories=%" G_GUINT64_FORMAT
      "\ndmabuf=%" G_GUINT64_FORMAT "\nstride=%d\nwarnings=%u\n", n_buffers,
      n_memories, n_dmabuf, last_stride, n_warnings);
}

static int
mode_frames (guint64 n, const gchar * out, const gchar * desc)
{
  GstElement *sink, *pipeline = make_pipeline (desc, &sink);
  GstSample *sample, *last = NULL;
  GstClockTime first_pts = GST_CLOCK_TIME_NONE, last_pts = GST_CLOCK_TIME_NONE;
  GstClockTime last_ref = GST_CLOCK_TIME_NONE;
  guint64 i;

  watch_sequence (pipeline);
  set_state (pipeline, GST_STATE_PLAYING);
  for (i = 0; i < n && (sample = pull (pipeline, sink)); i++) {
    GstBuffer *buf = gst_sample_get_buffer (sample);
    guint64 ref = 0;

    shrbuf_buffer_get_capture_time (buf, &ref);
    /* Both clocks only go forward. */
    if (last_pts != GST_CLOCK_TIME_NONE && GST_BUFFER_PTS (buf) <= last_pts)
      die ("PTS %" GST_TIME_FORMAT " after %" GST_TIME_FORMAT,
          GST_TIME_ARGS (GST_BUFFER_PTS (buf)), GST_TIME_ARGS (last_pts));
    if (last_ref != GST_CLOCK_TIME_NONE && ref <= last_ref)
      die ("driver timestamp %" GST_TIME_FORMAT " after %" GST_TIME_FORMAT,
          GST_TIME_ARGS (ref), GST_TIME_ARGS (last_ref));
    if (first_pts == GST_CLOCK_TIME_NONE)
      first_pts = GST_BUFFER_PTS (buf);
    last_pts = GST_BUFFER_PTS (buf);
    last_ref = ref;
    if (last)
      gst_sample_unref (last);
    last = sample;
  }
  if (i > 1)
    g_print ("mean_frame_ms=%.1f\n", (last_pts - first_pts) / 1e6 / (i - 1));
  if (last) {
    GstStructure *st = gst_caps_get_structure (gst_sample_get_caps (last), 0);
    gint w = 0, h = 0;

    gst_structure_get_int (st, "width", &w);
    gst_structure_get_int (st, "height", &h);
    g_print ("format=%s\nsize=%dx%d\n", gst_structure_get_string (st,
            "format"), w, h);
  }
  if (last && out) {
    GByteArray *bytes = packed_frame (last);

    if (!g_file_set_contents (out, (gchar *) bytes->data, bytes->len, NULL))
      die ("cannot write %s", out);
    g_byte_array_unref (bytes);
  }
  if (last)
    gst_sample_unref (last);
  print_stats (pipeline, "stats");
  check_bus (pipeline);
  g_print ("qos=%u\nvideo_maps_playing=%u\n", n_qos, count_video_maps ());
  set_state (pipeline, GST_STATE_NULL);
  print_stats (pipeline, "stats_stopped");
  g_print ("sequence_gaps=%" G_GUINT64_FORMAT "\npushed=%" G_GUINT64_FORMAT
      "\n", seq_gaps, seq_pushed);
  print_counts ();
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  return 0;
}

static int
mode_cycles (guint n, const gchar * desc)
{
  GstElement *sink, *pipeline;
  guint i, fds_start, fds0 = 0, fds1, maps_start, maps0 = 0, maps1;
  gint bufs_start, bufs0 = 0, bufs1;
  int ret;

  fds_start = count_fds ();
  bufs_start = count_dmabufs ();
  maps_start = count_video_maps ();
  pipeline = make_pipeline (desc, &sink);
  for (i = 0; i < n; i++) {
    set_state (pipeline, GST_STATE_PLAYING);
    gst_sample_unref (pull (pipeline, sink));
    gst_sample_unref (pull (pipeline, sink));
    set_state (pipeline, GST_STATE_NULL);
    if (i == 0) {
      fds0 = count_fds ();
      bufs0 = count_dmabufs ();
      maps0 = count_video_maps ();
      g_print ("baseline fds=%u dmabufs=%d\nbaseline_video_maps=%u\n",
          fds0, bufs0, maps0);
    }
  }
  check_bus (pipeline);
  fds1 = count_fds ();
  bufs1 = count_dmabufs ();
  maps1 = count_video_maps ();
  g_print ("cycles=%u\nfds=%u\ndmabufs=%d\nvideo_maps=%u\n", n, fds1, bufs1,
      maps1);
  print_counts ();
  ret = fds1 == fds0 && bufs1 == bufs0 && maps1 == maps0 ? 0 : 2;
  /* The pipeline gone (appsink keeps its last buffer until then), the
   * counts are those from before it existed. */
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_print ("start fds=%u dmabufs=%d video_maps=%u\nend fds=%u dmabufs=%d "
      "video_maps=%u\n", fds_start, bufs_start, maps_start, count_fds (),
      count_dmabufs (), count_video_maps ());
  if (count_fds () != fds_start || count_dmabufs () != bufs_start
      || count_video_maps () != maps_start)
    ret = 3;
  return ret;
}

static int
mode_orphan (const gchar * desc)
{
  GstElement *sink, *pipeline = make_pipeline (desc, &sink);
  GstSample *kept;
  GByteArray *before, *after;
  guint fds0;
  gint bufs0, bufs_held;

  /* A first round, for what GStreamer sets up once. */
  set_state (pipeline, GST_STATE_PLAYING);
  gst_sample_unref (pull (pipeline, sink));
  set_state (pipeline, GST_STATE_NULL);
  fds0 = count_fds ();
  bufs0 = count_dmabufs ();
  set_state (pipeline, GST_STATE_PLAYING);
  kept = pull (pipeline, sink);
  g_print ("playing_dmabufs=%d\n", count_dmabufs () - bufs0);
  gst_sample_unref (pull (pipeline, sink));
  before = packed_frame (kept);
  set_state (pipeline, GST_STATE_NULL);
  bufs_held = count_dmabufs ();
  after = packed_frame (kept);
  g_print ("held_after_stop_dmabufs=%d\n", bufs_held - bufs0);
  g_print ("intact=%d\n", before->len == after->len
      && memcmp (before->data, after->data, before->len) == 0);
  gst_sample_unref (kept);
  g_byte_array_unref (before);
  g_byte_array_unref (after);
  g_print ("fds_delta=%d\ndmabufs_delta=%d\n", (gint) count_fds () -
      (gint) fds0, count_dmabufs () - bufs0);
  print_counts ();
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  return 0;
}

static int
mode_renegotiate (const gchar * to, const gchar * desc)
{
  GstElement *sink, *pipeline = make_pipeline (desc, &sink);
  GstElement *filter = gst_bin_get_by_name (GST_BIN (pipeline), "filter");
  GstCaps *caps = gst_caps_from_string (to), *first_caps;
  GstSample *kept, *s;
  GByteArray *before, *after;
  guint i, waited = 0;

  if (filter == NULL || caps == NULL)
    die ("need a capsfilter named filter and valid caps");
  set_state (pipeline, GST_STATE_PLAYING);
  kept = pull (pipeline, sink);
  for (i = 0; i < 9; i++)
    gst_sample_unref (pull (pipeline, sink));
  first_caps = gst_caps_ref (gst_sample_get_caps (kept));
  before = packed_frame (kept);
  g_object_set (filter, "caps", caps, NULL);
  for (;;) {
    s = pull (pipeline, sink);
    if (s == NULL)
      die ("EOS while renegotiating");
    if (gst_caps_can_intersect (gst_sample_get_caps (s), caps)) {
      gst_sample_unref (s);
      break;
    }
    gst_sample_unref (s);
    if (++waited > 100)
      die ("no buffer with the new caps after 100 buffers");
  }
  for (i = 0; i < 10; i++) {
    GstVideoInfo info;

    s = pull (pipeline, sink);
    gst_video_info_from_caps (&info, gst_sample_get_caps (s));
    if (!gst_caps_can_intersect (gst_sample_get_caps (s), caps))
      die ("a buffer with other caps after the switch");
    if (gst_buffer_get_size (gst_sample_get_buffer (s)) < info.size)
      die ("buffer smaller than a frame of the new caps");
    gst_sample_unref (s);
  }
  after = packed_frame (kept);
  g_print ("old_buffer_intact=%d\n", before->len == after->len
      && memcmp (before->data, after->data, before->len) == 0);
  g_print ("switched_after=%u\n", waited);
  gst_sample_unref (kept);
  gst_caps_unref (first_caps);
  gst_caps_unref (caps);
  g_byte_array_unref (before);
  g_byte_array_unref (after);
  print_stats (pipeline, "stats");
  set_state (pipeline, GST_STATE_NULL);
  print_counts ();
  gst_object_unref (filter);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  return 0;
}

/* The devices shrbufdeviceprovider lists (a GstDeviceMonitor of
 * Video/Source, the other providers' devices left out), one "device=PATH
 * name=NAME class=CLASS" line each with "caps=" its caps; then, from the
 * first, gst_device_create_element () into an appsink: "element=FACTORY
 * device=PATH", and the buffers pulled. */
static int
mode_devices (void)
{
  GstDeviceMonitor *monitor = gst_device_monitor_new ();
  GList *devices, *l;
  GstDevice *first = NULL;
  GstElement *pipeline, *src, *sink;
  gchar *path = NULL;
  guint n = 0, i;

  gst_device_monitor_add_filter (monitor, "Video/Source", NULL);
  if (!gst_device_monitor_start (monitor))
    die ("the device monitor did not start");
  devices = gst_device_monitor_get_devices (monitor);
  for (l = devices; l; l = l->next) {
    GstDevice *dev = l->data;
    GstStructure *props = gst_device_get_properties (dev);
    GstCaps *caps = gst_device_get_caps (dev);
    gchar *name = gst_device_get_display_name (dev);
    gchar *class = gst_device_get_device_class (dev);
    gchar *str = gst_caps_to_string (caps);

    if (strcmp (G_OBJECT_TYPE_NAME (dev), "GstShrbufDevice") == 0) {
      g_print ("device=%s name=%s class=%s\ncaps=%s\n",
          gst_structure_get_string (props, "device.path"), name, class, str);
      if (!first)
        first = gst_object_ref (dev);
      n++;
    }
    g_free (str);
    g_free (class);
    g_free (name);
    gst_caps_unref (caps);
    gst_structure_free (props);
  }
  g_list_free_full (devices, gst_object_unref);
  gst_device_monitor_stop (monitor);
  gst_object_unref (monitor);
  g_print ("devices=%u\n", n);
  if (!first)
    return 0;

  src = gst_device_create_element (first, "src");
  if (!src)
    die ("gst_device_create_element gave no element");
  g_object_get (src, "device", &path, NULL);
  g_print ("element=%s device=%s\n",
      GST_OBJECT_NAME (gst_element_get_factory (src)), path);
  g_free (path);
  pipeline = gst_pipeline_new (NULL);
  sink = gst_element_factory_make ("appsink", "sink");
  gst_bin_add_many (GST_BIN (pipeline), src, sink, NULL);
  if (!gst_element_link (src, sink))
    die ("cannot link the device's element to appsink");
  set_state (pipeline, GST_STATE_PLAYING);
  for (i = 0; i < 3; i++)
    gst_sample_unref (pull (pipeline, sink));
  g_print ("buffers=%" G_GUINT64_FORMAT "\ndmabuf=%" G_GUINT64_FORMAT "\n",
      n_buffers, n_dmabuf);
  set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  gst_object_unref (first);
  return 0;
}

/* Streams until the source posts an error (a fault the case injects), then
 * tears down; the fd and dma-buf counts must be those from before. */
static int
mode_error (const gchar * desc)
{
  GstElement *sink, *pipeline;
  GstBus *bus;
  GstMessage *msg;
  GError *err = NULL;
  guint fds_start = count_fds ();
  gint bufs_start = count_dmabufs ();
  GstSample *sample;

  pipeline = make_pipeline (desc, &sink);
  bus = gst_element_get_bus (pipeline);
  set_state (pipeline, GST_STATE_PLAYING);
  /* Streaming first, then the case injects the fault. */
  sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 20 * GST_SECOND);
  if (sample == NULL)
    die ("no buffer in 20 s");
  gst_sample_unref (sample);
  g_print ("streaming=1\n");
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_ERROR);
  if (msg == NULL)
    die ("no error in 60 s");
  gst_message_parse_error (msg, &err, NULL);
  g_print ("error_from=%s\nerror_domain=%s\nerror_code=%d\nerror=%s\n",
      GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)),
      g_quark_to_string (err->domain), err->code, err->message);
  g_error_free (err);
  gst_message_unref (msg);
  set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_print ("fds_delta=%d\ndmabufs_delta=%d\n", (gint) count_fds () -
      (gint) fds_start, count_dmabufs () - bufs_start);
  return 0;
}

int
main (int argc, char **argv)
{
  int a = 1;

  gst_init (&argc, &argv);
  while (a + 1 < argc && g_str_has_prefix (argv[a], "--")) {
    if (strcmp (argv[a], "--padding-right") == 0)
      padding_right = atoi (argv[a + 1]);
    else
      die ("unknown option %s", argv[a]);
    a += 2;
  }
  if (argc - a == 1 && strcmp (argv[a], "devices") == 0)
    return mode_devices ();
  if (a + 2 < argc + 1 && argc - a >= 2) {
    if (strcmp (argv[a], "frames") == 0 && argc - a == 4)
      return mode_frames (g_ascii_strtoull (argv[a + 1], NULL, 10),
          argv[a + 2], argv[a + 3]);
    if (strcmp (argv[a], "frames") == 0 && argc - a == 3)
      return mode_frames (g_ascii_strtoull (argv[a + 1], NULL, 10), NULL,
          argv[a + 2]);
    if (strcmp (argv[a], "cycles") == 0 && argc - a == 3)
      return mode_cycles (atoi (argv[a + 1]), argv[a + 2]);
    if (strcmp (argv[a], "orphan") == 0 && argc - a == 2)
      return mode_orphan (argv[a + 1]);
    if (strcmp (argv[a], "error") == 0 && argc - a == 2)
      return mode_error (argv[a + 1]);
    if (strcmp (argv[a], "renegotiate") == 0 && argc - a == 3)
      return mode_renegotiate (argv[a + 1], argv[a + 2]);
  }
  die ("usage: srccheck [--padding-right N] "
      "frames|cycles|orphan|error|renegotiate|devices ...");
}
