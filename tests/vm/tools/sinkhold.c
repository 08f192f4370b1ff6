/* sinkhold: which buffers shrbufsink holds, frame by frame.
 *
 *   sinkhold DRIVER FRAMES
 *
 * Feeds FRAMES frames through appsrc into "shrbufsink driver-name=DRIVER
 * sync=false". Their memory comes from the pool the sink proposes (dumb
 * buffers as dma-buf; four of them, round robin), each frame in a GstBuffer
 * of its own whose release is watched. After each push and a pause long
 * enough for the flip, it prints the frames still referenced
 * ("frame N: held N"); then a DRAIN query, and the state after it; then the
 * sink's stats; then the frames referenced after the pipeline went to NULL.
 * Each frame carries a timestamp/x-monotonic reference timestamp of its
 * push, so the stats' latency is push to flip.
 * Exits 0 when, after every frame, exactly that frame was held, the DRAIN
 * query copied nothing and kept it, nothing was held after NULL, and the
 * latencies lie between 0 and the pause between frames.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gst/gst.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#define POOL_BUFFERS 4
#define MAX_FRAMES 64
#define PAUSE_MS 400

static gint alive[MAX_FRAMES];

static void
released (gpointer data, GstMiniObject * obj)
{
  g_atomic_int_set (&alive[GPOINTER_TO_INT (data)], 0);
}

/* Prints the frames still referenced; TRUE when that is exactly @want
 * (-1: none). */
static gboolean
check_held (const gchar * what, gint frames, gint want)
{
  GString *s = g_string_new (NULL);
  gboolean ok = TRUE;
  gint i;

  for (i = 0; i < frames; i++) {
    gboolean a = g_atomic_int_get (&alive[i]);

    if (a)
      g_string_append_printf (s, " %d", i);
    if (a != (i == want))
      ok = FALSE;
  }
  printf ("%s: held%s%s\n", what, s->len ? s->str : " nothing",
      ok ? "" : "  <- unexpected");
  g_string_free (s, TRUE);
  return ok;
}

int
main (int argc, char **argv)
{
  GstElement *pipeline, *src, *sink;
  GstPad *sinkpad;
  GstCaps *caps;
  GstQuery *query;
  GstBufferPool *pool = NULL;
  GstBuffer *pbufs[POOL_BUFFERS];
  GstStructure *stats = NULL, *config;
  GstVideoInfo info;
  gchar *desc, *str;
  gint frames, i;
  gboolean ok = TRUE;
  guint64 copied = 1, mean = 0, p99 = 0;
  GstCaps *mono_caps;

  gst_init (&argc, &argv);
  /* A critical here means the check itself is wrong: stop. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  mono_caps = gst_caps_new_empty_simple ("timestamp/x-monotonic");
  if (argc != 3 || (frames = atoi (argv[2])) < 2 || frames > MAX_FRAMES) {
    fprintf (stderr, "usage: sinkhold DRIVER FRAMES (2..%d)\n", MAX_FRAMES);
    return 2;
  }
  caps = gst_caps_from_string ("video/x-raw,format=BGRx,width=640,"
      "height=480,framerate=30/1");
  gst_video_info_from_caps (&info, caps);
  desc = g_strdup_printf ("appsrc name=src format=time ! shrbufsink "
      "name=sink sync=false driver-name=%s", argv[1]);
  pipeline = gst_parse_launch (desc, NULL);
  g_free (desc);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "caps", caps, NULL);
  sinkpad = gst_element_get_static_pad (sink, "sink");

  if (gst_element_set_state (pipeline, GST_STATE_PAUSED) ==
      GST_STATE_CHANGE_FAILURE) {
    fprintf (stderr, "sinkhold: cannot start the sink\n");
    return 1;
  }

  /* The sink's own pool: ask it as upstream would. */
  query = gst_query_new_allocation (caps, TRUE);
  if (!gst_pad_query (sinkpad, query)
      || gst_query_get_n_allocation_pools (query) == 0) {
    fprintf (stderr, "sinkhold: the sink proposed no pool\n");
    return 1;
  }
  gst_query_parse_nth_allocation_pool (query, 0, &pool, NULL, NULL, NULL);
  gst_query_unref (query);
  config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_set_params (config, caps, info.size, POOL_BUFFERS,
      POOL_BUFFERS);
  gst_buffer_pool_config_add_option (config,
      GST_BUFFER_POOL_OPTION_VIDEO_META);
  if (!gst_buffer_pool_set_config (pool, config)
      || !gst_buffer_pool_set_active (pool, TRUE)) {
    fprintf (stderr, "sinkhold: cannot use the sink's pool\n");
    return 1;
  }
  for (i = 0; i < POOL_BUFFERS; i++)
    if (gst_buffer_pool_acquire_buffer (pool, &pbufs[i], NULL) != GST_FLOW_OK)
      return 1;

  for (i = 0; i < frames; i++) {
    GstBuffer *p = pbufs[i % POOL_BUFFERS], *b = gst_buffer_new ();
    GstVideoMeta *m = gst_buffer_get_video_meta (p);
    gchar what[32];

    gst_buffer_append_memory (b, gst_memory_ref (gst_buffer_peek_memory (p,
                0)));
    gst_buffer_add_video_meta_full (b, GST_VIDEO_FRAME_FLAG_NONE,
        GST_VIDEO_FORMAT_BGRx, 640, 480, 1, m->offset, m->stride);
    gst_buffer_add_reference_timestamp_meta (b, mono_caps,
        g_get_monotonic_time () * GST_USECOND, GST_CLOCK_TIME_NONE);
    GST_BUFFER_PTS (b) = i * GST_SECOND / 30;
    GST_BUFFER_DURATION (b) = GST_SECOND / 30;
    g_atomic_int_set (&alive[i], 1);
    gst_mini_object_weak_ref (GST_MINI_OBJECT (b), released,
        GINT_TO_POINTER (i));
    if (gst_app_src_push_buffer (GST_APP_SRC (src), b) != GST_FLOW_OK) {
      fprintf (stderr, "sinkhold: push %d failed\n", i);
      return 1;
    }
    if (i == 0)
      gst_element_set_state (pipeline, GST_STATE_PLAYING);
    g_usleep (PAUSE_MS * 1000);
    g_snprintf (what, sizeof (what), "frame %d", i);
    ok &= check_held (what, frames, i);
  }

  query = gst_query_new_drain ();
  gst_pad_query (sinkpad, query);
  gst_query_unref (query);
  ok &= check_held ("after DRAIN", frames, frames - 1);

  g_object_get (sink, "stats", &stats, NULL);
  str = gst_structure_to_string (stats);
  printf ("stats: %s\n", str);
  g_free (str);
  gst_structure_get_uint64 (stats, "copied", &copied);
  gst_structure_get_uint64 (stats, "latency-mean", &mean);
  gst_structure_get_uint64 (stats, "latency-p99", &p99);
  if (mean == 0 || p99 < mean || p99 >= PAUSE_MS * GST_MSECOND) {
    printf ("latency mean %" G_GUINT64_FORMAT " p99 %" G_GUINT64_FORMAT
        " not within 0..%d ms  <- unexpected\n", mean, p99, PAUSE_MS);
    ok = FALSE;
  }
  gst_structure_free (stats);
  if (copied != 0) {
    printf ("copied %" G_GUINT64_FORMAT " frames  <- unexpected\n", copied);
    ok = FALSE;
  }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  ok &= check_held ("after NULL", frames, -1);

  for (i = 0; i < POOL_BUFFERS; i++)
    gst_buffer_unref (pbufs[i]);
  gst_buffer_pool_set_active (pool, FALSE);
  gst_object_unref (pool);
  gst_object_unref (sinkpad);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  gst_caps_unref (caps);
  gst_caps_unref (mono_caps);
  printf ("%s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
