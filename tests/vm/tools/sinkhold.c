/* sinkhold: which buffers shrbufsink holds, frame by frame.
 *
 *   sinkhold DRIVER FRAMES [FRAMEBUFFER_DEBUGFS_FILE]
 *
 * Feeds FRAMES 640x480 BGRx frames through appsrc into "shrbufsink
 * driver-name=DRIVER sync=false". Their memory comes from the pool the sink
 * proposes (dumb buffers as dma-buf; four of them, round robin), each frame
 * in a GstBuffer of its own whose release is watched. After each push and a
 * pause long enough for the flip, it prints the frames still referenced
 * ("frame N: held N"); then a DRAIN query, and the state after it; then the
 * sink's stats. Each frame carries a capture-time reference timestamp
 * (clock.h) of its push, so the stats' latency is push to flip.
 *
 * With FRAMEBUFFER_DEBUGFS_FILE (/sys/kernel/debug/dri/N/framebuffer), the
 * caps then change to 800x600 and two frames from a new pool of two
 * buffers follow: the framebuffers of the old caps must be gone, only the
 * two new ones added to what the device had before the first frame.
 *
 * Last, the frames referenced after the pipeline went to NULL. Exits 0
 * when, after every frame, exactly that frame was held, the DRAIN query
 * copied nothing and kept it, the latencies lie between 0 and the pause
 * between frames, the framebuffer count is as said, and nothing was held
 * after NULL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gst/gst.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#include "clock.h"

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

/* The pool the sink proposes for @caps, with @n buffers, active. */
static GstBufferPool *
sink_pool (GstPad * sinkpad, GstCaps * caps, guint n)
{
  GstQuery *query = gst_query_new_allocation (caps, TRUE);
  GstBufferPool *pool = NULL;
  GstStructure *config;
  GstVideoInfo info;

  gst_video_info_from_caps (&info, caps);
  if (!gst_pad_query (sinkpad, query)
      || gst_query_get_n_allocation_pools (query) == 0) {
    gst_query_unref (query);
    return NULL;
  }
  gst_query_parse_nth_allocation_pool (query, 0, &pool, NULL, NULL, NULL);
  gst_query_unref (query);
  config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_set_params (config, caps, info.size, n, n);
  gst_buffer_pool_config_add_option (config,
      GST_BUFFER_POOL_OPTION_VIDEO_META);
  if (!gst_buffer_pool_set_config (pool, config)
      || !gst_buffer_pool_set_active (pool, TRUE)) {
    gst_object_unref (pool);
    return NULL;
  }
  return pool;
}

/* Pushes frame @i: @p's memory in a new, watched buffer. */
static gboolean
push_frame (GstElement * src, GstBuffer * p, gint i, gint w, gint h)
{
  GstBuffer *b = gst_buffer_new ();
  GstVideoMeta *m = gst_buffer_get_video_meta (p);

  gst_buffer_append_memory (b, gst_memory_ref (gst_buffer_peek_memory (p,
              0)));
  gst_buffer_add_video_meta_full (b, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_FORMAT_BGRx, w, h, 1, m->offset, m->stride);
  shrbuf_buffer_add_capture_time (b, shrbuf_clock_monotonic_ns ());
  GST_BUFFER_PTS (b) = i * GST_SECOND / 30;
  GST_BUFFER_DURATION (b) = GST_SECOND / 30;
  g_atomic_int_set (&alive[i], 1);
  gst_mini_object_weak_ref (GST_MINI_OBJECT (b), released,
      GINT_TO_POINTER (i));
  return gst_app_src_push_buffer (GST_APP_SRC (src), b) == GST_FLOW_OK;
}

static gint
count_framebuffers (const gchar * path)
{
  gchar *text = NULL, *p;
  gint n = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  for (p = text; (p = strstr (p, "framebuffer[")); p++)
    if (p == text || p[-1] == '\n')
      n++;
  g_free (text);
  return n;
}

int
main (int argc, char **argv)
{
  GstElement *pipeline, *src, *sink;
  GstPad *sinkpad;
  GstCaps *caps;
  GstBufferPool *pool;
  GstBuffer *pbufs[POOL_BUFFERS];
  GstStructure *stats = NULL;
  const gchar *fb_file = argc > 3 ? argv[3] : NULL;
  gchar *desc, *str;
  gint frames = 0, i, fbs_before = -1, total;
  gboolean ok = TRUE;
  guint64 copied = 1, mean = 0, p99 = 0;

  gst_init (&argc, &argv);
  /* A critical here means the check itself is wrong: stop. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  if (argc < 3 || (frames = atoi (argv[2])) < 2 || frames > MAX_FRAMES - 2) {
    fprintf (stderr, "usage: sinkhold DRIVER FRAMES (2..%d) "
        "[FRAMEBUFFER_DEBUGFS_FILE]\n", MAX_FRAMES - 2);
    return 2;
  }
  caps = gst_caps_from_string ("video/x-raw,format=BGRx,width=640,"
      "height=480,framerate=30/1");
  desc = g_strdup_printf ("appsrc name=src format=time ! shrbufsink "
      "name=sink sync=false driver-name=%s", argv[1]);
  pipeline = gst_parse_launch (desc, NULL);
  g_free (desc);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "caps", caps, NULL);
  sinkpad = gst_element_get_static_pad (sink, "sink");
  if (fb_file)
    fbs_before = count_framebuffers (fb_file);

  if (gst_element_set_state (pipeline, GST_STATE_PAUSED) ==
      GST_STATE_CHANGE_FAILURE) {
    fprintf (stderr, "sinkhold: cannot start the sink\n");
    return 1;
  }
  /* The sink's own pool: asked for as upstream would. */
  pool = sink_pool (sinkpad, caps, POOL_BUFFERS);
  if (!pool) {
    fprintf (stderr, "sinkhold: no usable pool from the sink\n");
    return 1;
  }
  for (i = 0; i < POOL_BUFFERS; i++)
    if (gst_buffer_pool_acquire_buffer (pool, &pbufs[i], NULL) != GST_FLOW_OK)
      return 1;

  for (i = 0; i < frames; i++) {
    gchar what[32];

    if (!push_frame (src, pbufs[i % POOL_BUFFERS], i, 640, 480)) {
      fprintf (stderr, "sinkhold: push %d failed\n", i);
      return 1;
    }
    if (i == 0)
      gst_element_set_state (pipeline, GST_STATE_PLAYING);
    g_usleep (PAUSE_MS * 1000);
    g_snprintf (what, sizeof (what), "frame %d", i);
    ok &= check_held (what, frames, i);
  }

  {
    GstQuery *query = gst_query_new_drain ();

    gst_pad_query (sinkpad, query);
    gst_query_unref (query);
  }
  ok &= check_held ("after DRAIN", frames, frames - 1);

  g_object_get (sink, "stats", &stats, NULL);
  str = gst_structure_to_string (stats);
  printf ("stats: %s\n", str);
  g_free (str);
  gst_structure_get_uint64 (stats, "copied", &copied);
  gst_structure_get_uint64 (stats, "latency-mean", &mean);
  gst_structure_get_uint64 (stats, "latency-p99", &p99);
  gst_structure_free (stats);
  if (mean == 0 || p99 < mean || p99 >= PAUSE_MS * GST_MSECOND) {
    printf ("latency mean %" G_GUINT64_FORMAT " p99 %" G_GUINT64_FORMAT
        " not within 0..%d ms  <- unexpected\n", mean, p99, PAUSE_MS);
    ok = FALSE;
  }
  if (copied != 0) {
    printf ("copied %" G_GUINT64_FORMAT " frames  <- unexpected\n", copied);
    ok = FALSE;
  }
  for (i = 0; i < POOL_BUFFERS; i++)
    gst_buffer_unref (pbufs[i]);
  gst_buffer_pool_set_active (pool, FALSE);
  gst_object_unref (pool);
  total = frames;

  if (fb_file) {
    GstCaps *small = gst_caps_from_string ("video/x-raw,format=BGRx,"
        "width=800,height=600,framerate=30/1");
    GstBuffer *s[2];
    gint during, after;

    during = count_framebuffers (fb_file);
    g_object_set (src, "caps", small, NULL);
    pool = sink_pool (sinkpad, small, 2);
    if (!pool || gst_buffer_pool_acquire_buffer (pool, &s[0], NULL)
        || gst_buffer_pool_acquire_buffer (pool, &s[1], NULL)) {
      fprintf (stderr, "sinkhold: no pool for 800x600\n");
      return 1;
    }
    for (i = 0; i < 2; i++) {
      if (!push_frame (src, s[i], frames + i, 800, 600)) {
        fprintf (stderr, "sinkhold: push of a 800x600 frame failed\n");
        return 1;
      }
      g_usleep (PAUSE_MS * 1000);
    }
    total = frames + 2;
    ok &= check_held ("after the caps change", total, frames + 1);
    after = count_framebuffers (fb_file);
    printf ("framebuffers: %d before, %d with 640x480, %d after the change "
        "to 800x600%s\n", fbs_before, during, after,
        after == fbs_before + 2 && during > fbs_before + 2 ? "" :
        "  <- unexpected");
    if (after != fbs_before + 2 || during <= fbs_before + 2)
      ok = FALSE;
    gst_buffer_unref (s[0]);
    gst_buffer_unref (s[1]);
    gst_buffer_pool_set_active (pool, FALSE);
    gst_object_unref (pool);
    gst_caps_unref (small);
  }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  ok &= check_held ("after NULL", total, -1);
  if (fb_file) {
    i = count_framebuffers (fb_file);
    printf ("framebuffers after NULL: %d%s\n", i,
        i == fbs_before ? "" : "  <- unexpected");
    ok &= i == fbs_before;
  }

  gst_object_unref (sinkpad);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  gst_caps_unref (caps);
  printf ("%s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
