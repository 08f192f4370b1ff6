/* sinkdrain: what shrbufsink gives back on a DRAIN query.
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 *   sinkdrain DRIVER HOLD_S
 *
 * Runs "shrbufsrc ! shrbufsink driver-name=DRIVER" (the source's buffers
 * are its driver's, not the sink's). Every buffer that reaches the sink is
 * watched until it is freed. After 20 of them, on the streaming thread as
 * a decoder would, the source's pad sends a DRAIN query downstream; the
 * source's buffers are dropped from then on, so the screen keeps what the
 * sink shows after the drain. Prints "alive_before=N" (the buffers the
 * sink still held), "drain=0|1" (the query's answer), "alive_after=N",
 * then "drained" and waits HOLD_S seconds (for a screendump), then the
 * sink's stats ("stats=..."). Exits 0 when it got that far.
 */
#include <stdio.h>
#include <stdlib.h>
#include <gst/gst.h>

static gint alive, arrived;
static gboolean drained;

static void
freed (gpointer data, GstMiniObject * obj)
{
  g_atomic_int_add (&alive, -1);
}

/* On the sink's pad: each buffer watched. */
static GstPadProbeReturn
watch_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);

  g_atomic_int_add (&alive, 1);
  g_atomic_int_add (&arrived, 1);
  gst_mini_object_weak_ref (GST_MINI_OBJECT (buf), freed, NULL);
  return GST_PAD_PROBE_OK;
}

/* On the source's pad: the DRAIN after 20 buffers, then nothing more. */
static GstPadProbeReturn
drain_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstQuery *query;
  gboolean ok;

  if (drained)
    return GST_PAD_PROBE_DROP;
  if (g_atomic_int_get (&arrived) < 20)
    return GST_PAD_PROBE_OK;
  g_print ("alive_before=%d\n", g_atomic_int_get (&alive));
  query = gst_query_new_drain ();
  ok = gst_pad_peer_query (pad, query);
  gst_query_unref (query);
  g_print ("drain=%d\nalive_after=%d\ndrained\n", ok ? 1 : 0,
      g_atomic_int_get (&alive));
  drained = TRUE;
  return GST_PAD_PROBE_DROP;
}

int
main (int argc, char **argv)
{
  GstElement *pipeline, *src, *sink;
  GstStructure *stats = NULL;
  GstPad *pad;
  gchar *desc, *str;
  GError *err = NULL;
  gint i;

  gst_init (&argc, &argv);
  /* The case reads "drained" while this waits. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (argc != 3) {
    fprintf (stderr, "usage: sinkdrain DRIVER HOLD_S\n");
    return 2;
  }
  desc = g_strdup_printf ("shrbufsrc name=src ! shrbufsink name=sink "
      "driver-name=%s", argv[1]);
  pipeline = gst_parse_launch (desc, &err);
  g_free (desc);
  if (!pipeline) {
    fprintf (stderr, "sinkdrain: %s\n", err->message);
    return 1;
  }
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, watch_probe, NULL, NULL);
  gst_object_unref (pad);
  pad = gst_element_get_static_pad (src, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, drain_probe, NULL, NULL);
  gst_object_unref (pad);

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    fprintf (stderr, "sinkdrain: the pipeline did not start\n");
    return 1;
  }
  for (i = 0; i < 300 && !drained; i++)
    g_usleep (100 * 1000);
  if (!drained) {
    fprintf (stderr, "sinkdrain: no drain within 30 s (%d buffers)\n",
        g_atomic_int_get (&arrived));
    return 1;
  }
  g_usleep (atoi (argv[2]) * G_USEC_PER_SEC);
  g_object_get (sink, "stats", &stats, NULL);
  str = gst_structure_to_string (stats);
  g_print ("stats=%s\n", str);
  g_free (str);
  gst_structure_free (stats);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  return 0;
}
