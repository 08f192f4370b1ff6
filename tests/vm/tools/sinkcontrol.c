/* sinkcontrol: drives shrbufsink the way a player does, step by step.
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 *   sinkcontrol PIPELINE STEP...
 *
 * PIPELINE (gst-launch syntax) holds a shrbufsink named "s", or is a
 * playbin whose video-sink is one. The steps, in order:
 *
 *   play          to PLAYING (waits for it)
 *   pause         to PAUSED (waits for the preroll)
 *   sleep=MS      waits
 *   rect=X,Y,W,H  gst_video_overlay_set_render_rectangle () on the sink
 *   expose        gst_video_overlay_expose () on the sink
 *   sample=NAME   the player's snapshot: playbin's "sample", else the
 *                 sink's "last-sample"; NAME.png from
 *                 gst_video_convert_sample () to image/png, NAME.raw from
 *                 it to BGRx of the same size; prints "sample NAME WxH"
 *   hold=NAME     prints "hold NAME", waits until the file NAME.go exists
 *                 (the case looks at the screen meanwhile), deletes it
 *   stats         prints the sink's stats ("stats ...")
 *
 * An error message on the bus stops it ("error ..." printed, exit 1);
 * exits 0 after the last step and the pipeline's NULL state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/video/videooverlay.h>

static GstElement *pipeline, *sink;

static gboolean
check_bus (void)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  gboolean ok = TRUE;

  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR))) {
    GError *err = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    g_print ("error %s: %s (%s)\n", GST_OBJECT_NAME (msg->src),
        err->message, dbg ? dbg : "");
    g_clear_error (&err);
    g_free (dbg);
    gst_message_unref (msg);
    ok = FALSE;
  }
  gst_object_unref (bus);
  return ok;
}

static gboolean
set_state (GstState state)
{
  GstStateChangeReturn r;

  if (gst_element_set_state (pipeline, state) == GST_STATE_CHANGE_FAILURE)
    return FALSE;
  r = gst_element_get_state (pipeline, NULL, NULL, 60 * GST_SECOND);
  return r == GST_STATE_CHANGE_SUCCESS || r == GST_STATE_CHANGE_NO_PREROLL;
}

static gboolean
write_converted (GstSample * sample, GstCaps * caps, const gchar * path,
    GstSample ** out)
{
  GError *err = NULL;
  GstSample *conv;
  GstMapInfo map;
  gchar *data;
  gboolean ok;

  conv = gst_video_convert_sample (sample, caps, 30 * GST_SECOND, &err);
  if (!conv) {
    g_print ("error converting the sample: %s\n", err ? err->message : "?");
    g_clear_error (&err);
    return FALSE;
  }
  if (!gst_buffer_map (gst_sample_get_buffer (conv), &map, GST_MAP_READ)) {
    g_print ("error: cannot map the converted sample for %s\n", path);
    gst_sample_unref (conv);
    return FALSE;
  }
  /* Through a copy: the sample may be the sink's dumb buffer itself, whose
   * mapping (VM_PFNMAP) write () to a 9p file refuses with EFAULT. */
  data = g_memdup2 (map.data, map.size);
  ok = g_file_set_contents (path, data, map.size, &err);
  g_free (data);
  gst_buffer_unmap (gst_sample_get_buffer (conv), &map);
  if (!ok) {
    g_print ("error writing %s: %s\n", path, err->message);
    g_clear_error (&err);
  }
  if (out)
    *out = conv;
  else
    gst_sample_unref (conv);
  return ok;
}

static gboolean
take_sample (const gchar * name)
{
  GstSample *sample = NULL, *raw = NULL;
  GstCaps *png, *bgrx;
  GstVideoInfo info;
  gchar *path;
  gboolean ok;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (pipeline), "sample"))
    g_object_get (pipeline, "sample", &sample, NULL);
  else
    g_object_get (sink, "last-sample", &sample, NULL);
  if (!sample) {
    g_print ("error: no sample\n");
    return FALSE;
  }
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample))) {
    g_print ("error: sample caps %" GST_PTR_FORMAT "\n",
        gst_sample_get_caps (sample));
    gst_sample_unref (sample);
    return FALSE;
  }
  png = gst_caps_new_empty_simple ("image/png");
  bgrx = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "BGRx",
      "width", G_TYPE_INT, GST_VIDEO_INFO_WIDTH (&info), "height", G_TYPE_INT,
      GST_VIDEO_INFO_HEIGHT (&info), NULL);
  path = g_strdup_printf ("%s.png", name);
  ok = write_converted (sample, png, path, NULL);
  g_free (path);
  path = g_strdup_printf ("%s.raw", name);
  ok = ok && write_converted (sample, bgrx, path, &raw);
  g_free (path);
  if (ok)
    g_print ("sample %s %dx%d\n", name, GST_VIDEO_INFO_WIDTH (&info),
        GST_VIDEO_INFO_HEIGHT (&info));
  gst_caps_unref (png);
  gst_caps_unref (bgrx);
  if (raw)
    gst_sample_unref (raw);
  gst_sample_unref (sample);
  return ok;
}

static gboolean
hold (const gchar * name)
{
  gchar *go = g_strdup_printf ("%s.go", name);

  g_print ("hold %s\n", name);
  while (!g_file_test (go, G_FILE_TEST_EXISTS))
    g_usleep (100 * 1000);
  unlink (go);
  g_free (go);
  return TRUE;
}

static gboolean
step (const gchar * s)
{
  gint x, y, w, h;

  if (strcmp (s, "play") == 0)
    return set_state (GST_STATE_PLAYING);
  if (strcmp (s, "pause") == 0)
    return set_state (GST_STATE_PAUSED);
  if (g_str_has_prefix (s, "sleep=")) {
    g_usleep (atoi (s + 6) * 1000);
    return TRUE;
  }
  if (sscanf (s, "rect=%d,%d,%d,%d", &x, &y, &w, &h) == 4)
    return gst_video_overlay_set_render_rectangle (GST_VIDEO_OVERLAY (sink),
        x, y, w, h);
  if (strcmp (s, "expose") == 0) {
    gst_video_overlay_expose (GST_VIDEO_OVERLAY (sink));
    return TRUE;
  }
  if (g_str_has_prefix (s, "sample="))
    return take_sample (s + 7);
  if (g_str_has_prefix (s, "hold="))
    return hold (s + 5);
  if (strcmp (s, "stats") == 0) {
    GstStructure *st = NULL;
    gchar *str;

    g_object_get (sink, "stats", &st, NULL);
    str = st ? gst_structure_to_string (st) : g_strdup ("none");
    g_print ("stats %s\n", str);
    g_free (str);
    if (st)
      gst_structure_free (st);
    return TRUE;
  }
  g_print ("error: unknown step %s\n", s);
  return FALSE;
}

int
main (int argc, char **argv)
{
  GError *err = NULL;
  gboolean ok = TRUE;
  gint i;

  gst_init (&argc, &argv);
  if (argc < 3) {
    g_printerr ("usage: sinkcontrol PIPELINE STEP...\n");
    return 2;
  }
  pipeline = gst_parse_launch (argv[1], &err);
  if (!pipeline) {
    g_print ("error: %s\n", err->message);
    return 2;
  }
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (pipeline),
          "video-sink"))
    g_object_get (pipeline, "video-sink", &sink, NULL);
  else
    sink = gst_bin_get_by_name (GST_BIN (pipeline), "s");
  if (!sink) {
    g_print ("error: no sink named s\n");
    return 2;
  }
  setvbuf (stdout, NULL, _IOLBF, 0);
  for (i = 2; i < argc && ok; i++) {
    ok = step (argv[i]) && check_bus ();
    if (!ok)
      g_print ("error: step %s failed\n", argv[i]);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  return ok ? 0 : 1;
}
