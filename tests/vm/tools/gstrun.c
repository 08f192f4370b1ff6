/* gstrun: runs a pipeline for the VM cases and reports what a case needs
 * to assert, which gst-launch-1.0 does not print.
 *
 *   gstrun [--seconds S] [--cycles N] [--stats NAME]... [--steady N]
 *       [--wait-first W] PIPELINE...
 *   gstrun --query-caps NAME PIPELINE...
 *
 * With --query-caps, element NAME alone goes to PAUSED (a sink opens its
 * device on the way: it then waits for a preroll that does not come), the
 * caps its sink pad accepts (a source's: its src pad offers) are printed as
 * "caps: <caps>", and it goes back to NULL.
 *
 * Each of N cycles (default 1) takes the pipeline NULL -> PLAYING, runs it
 * for S seconds (default 2; fractions allowed) or until EOS or an error,
 * the S seconds counted from the first buffer at the (one) sink with
 * --wait-first (which waits at most W seconds for it; on a loaded machine
 * a short cycle may otherwise end before the first frame),
 * prints the stats property of each element NAME given (in that order) as
 * "stats: <structure>", and goes back to NULL. Every error and warning
 * message is printed as "error|warning <domain> <code> <element>: <text>",
 * "eos", and "done N cycles" at the end. Exits 0 when no error was posted, 1 otherwise.
 *
 * With --steady N, the process's CPU time is read when the N-th buffer
 * reaches the (one) sink and again when EOS does, and printed as
 * "steady: frames=F user_ns=U sys_ns=S": the cost of F frames in steady
 * state, start-up and shut-down left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <gst/gst.h>

typedef struct
{
  guint from;                   /* the buffer that opens the window */
  gint buffers;                 /* seen by the sink; atomic */
  struct rusage start, end;
  gboolean done;
} Steady;

static gint64
ns (const struct timeval *tv)
{
  return (gint64) tv->tv_sec * 1000000000 + (gint64) tv->tv_usec * 1000;
}

static GstPadProbeReturn
steady_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Steady *st = user_data;

  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER) {
    if ((guint) g_atomic_int_add (&st->buffers, 1) + 1 == st->from)
      getrusage (RUSAGE_SELF, &st->start);
  } else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS
      && (guint) g_atomic_int_get (&st->buffers) > st->from && !st->done) {
    getrusage (RUSAGE_SELF, &st->end);
    st->done = TRUE;
  }
  return GST_PAD_PROBE_OK;
}

/* Watches the sink pad of the pipeline's sink. */
static gboolean
steady_watch (GstElement * pipeline, Steady * st)
{
  GstIterator *it = gst_bin_iterate_sinks (GST_BIN (pipeline));
  GValue v = G_VALUE_INIT;
  GstPad *pad = NULL;

  if (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    pad = gst_element_get_static_pad (g_value_get_object (&v), "sink");
    g_value_unset (&v);
  }
  gst_iterator_free (it);
  if (pad == NULL)
    return FALSE;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, steady_probe, st, NULL);
  gst_object_unref (pad);
  return TRUE;
}

static gboolean
report (GstMessage * msg, gboolean * stop)
{
  GError *err = NULL;
  gchar *debug = NULL;
  gboolean is_error = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, &debug);
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (msg, &err, &debug);
      break;
    case GST_MESSAGE_EOS:
      printf ("eos\n");
      *stop = TRUE;
      return FALSE;
    default:
      return FALSE;
  }
  printf ("%s %s %d %s: %s\n", is_error ? "error" : "warning",
      g_quark_to_string (err->domain), err->code,
      GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message);
  printf ("  debug: %s\n", debug ? debug : "");
  fflush (stdout);
  g_error_free (err);
  g_free (debug);
  if (is_error)
    *stop = TRUE;
  return is_error;
}

/* Reports the bus's messages until @end (g_get_monotonic_time ()); after
 * EOS or an error, only what follows it for half a second (such as the
 * source's not-negotiated after a sink's error). Returns TRUE on an
 * error; sets @stop after EOS or an error. */
static gboolean
pump (GstBus * bus, gint64 end, gboolean * stop)
{
  gboolean failed = FALSE;

  for (;;) {
    gint64 left = end - g_get_monotonic_time ();
    GstMessage *msg;

    if (left <= 0)
      break;
    msg = gst_bus_timed_pop (bus, left * GST_USECOND);
    if (!msg)
      break;
    failed |= report (msg, stop);
    gst_message_unref (msg);
    if (*stop && end > g_get_monotonic_time () + G_USEC_PER_SEC / 2)
      end = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  }
  return failed;
}

/* With @wait_s > 0: waits at most that long for the sink's next buffer. */
static gboolean
wait_first (GstBus * bus, Steady * st, gdouble wait_s, gboolean * stop)
{
  gint before = g_atomic_int_get (&st->buffers);
  gint64 limit = g_get_monotonic_time () + (gint64) (wait_s * G_USEC_PER_SEC);
  gboolean failed = FALSE;

  while (!*stop && g_atomic_int_get (&st->buffers) == before
      && g_get_monotonic_time () < limit)
    failed |= pump (bus, MIN (limit, g_get_monotonic_time () + 10000), stop);
  return failed;
}

static int
query_caps (GstElement * pipeline, const gchar * name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), name);
  GstPad *pad = e ? gst_element_get_static_pad (e, "sink") : NULL;
  GstCaps *caps;
  gchar *str;

  if (e && !pad)                /* a source: what it offers */
    pad = gst_element_get_static_pad (e, "src");
  if (!pad || gst_element_set_state (e,
          GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE) {
    fprintf (stderr, "gstrun: no element %s with a sink or src pad, or no "
        "PAUSED\n", name);
    return 1;
  }
  caps = gst_pad_query_caps (pad, NULL);
  str = gst_caps_to_string (caps);
  printf ("caps: %s\n", str);
  g_free (str);
  gst_caps_unref (caps);
  gst_object_unref (pad);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_object_unref (e);
  return 0;
}

int
main (int argc, char **argv)
{
  gdouble seconds = 2, wait_s = 0;
  const gchar *query_name = NULL;
  gint cycles = 1, i, c;
  const gchar *stats_names[8];
  guint n_stats = 0, k;
  GstElement *pipeline;
  GError *err = NULL;
  gchar *desc;
  gboolean failed = FALSE;
  Steady steady = { 0 };

  gst_init (&argc, &argv);
  for (i = 1; i < argc && g_str_has_prefix (argv[i], "--"); i += 2) {
    if (i + 1 >= argc)
      break;
    if (strcmp (argv[i], "--seconds") == 0)
      seconds = g_ascii_strtod (argv[i + 1], NULL);
    else if (strcmp (argv[i], "--cycles") == 0)
      cycles = atoi (argv[i + 1]);
    else if (strcmp (argv[i], "--stats") == 0
        && n_stats < G_N_ELEMENTS (stats_names))
      stats_names[n_stats++] = argv[i + 1];
    else if (strcmp (argv[i], "--steady") == 0)
      steady.from = atoi (argv[i + 1]);
    else if (strcmp (argv[i], "--wait-first") == 0)
      wait_s = g_ascii_strtod (argv[i + 1], NULL);
    else if (strcmp (argv[i], "--query-caps") == 0)
      query_name = argv[i + 1];
  }
  if (i >= argc) {
    fprintf (stderr, "usage: gstrun [--seconds S] [--cycles N] "
        "[--stats NAME]... [--steady N] [--wait-first W] PIPELINE...\n");
    return 2;
  }
  desc = g_strjoinv (" ", argv + i);
  pipeline = gst_parse_launch (desc, &err);
  g_free (desc);
  if (!pipeline) {
    fprintf (stderr, "gstrun: %s\n", err->message);
    return 2;
  }
  if (query_name)
    return query_caps (pipeline, query_name);
  if ((steady.from > 0 || wait_s > 0) && !steady_watch (pipeline, &steady)) {
    fprintf (stderr, "gstrun: --steady and --wait-first need a sink with a "
        "sink pad\n");
    return 2;
  }

  for (c = 0; c < cycles && !failed; c++) {
    GstBus *bus = gst_element_get_bus (pipeline);
    gint64 end;
    gboolean stop = FALSE;

    gst_element_set_state (pipeline, GST_STATE_PLAYING);
    if (wait_s > 0)
      failed |= wait_first (bus, &steady, wait_s, &stop);
    end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
    if (!stop)
      failed |= pump (bus, end, &stop);
    if (steady.done)
      printf ("steady: frames=%u user_ns=%" G_GINT64_FORMAT " sys_ns=%"
          G_GINT64_FORMAT "\n", (guint) steady.buffers - steady.from,
          ns (&steady.end.ru_utime) - ns (&steady.start.ru_utime),
          ns (&steady.end.ru_stime) - ns (&steady.start.ru_stime));
    for (k = 0; k < n_stats; k++) {
      GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), stats_names[k]);
      GstStructure *s = NULL;
      gchar *str;

      if (e) {
        g_object_get (e, "stats", &s, NULL);
        gst_object_unref (e);
      }
      str = s ? gst_structure_to_string (s) : g_strdup ("none");
      printf ("stats: %s\n", str);
      g_free (str);
      if (s)
        gst_structure_free (s);
    }
    gst_element_set_state (pipeline, GST_STATE_NULL);
    /* What was posted while stopping. */
    for (;;) {
      GstMessage *msg = gst_bus_pop (bus);

      if (!msg)
        break;
      failed |= report (msg, &stop);
      gst_message_unref (msg);
    }
    gst_object_unref (bus);
    fflush (stdout);
  }
  printf ("done %d cycles\n", c);
  gst_object_unref (pipeline);
  return failed ? 1 : 0;
}
