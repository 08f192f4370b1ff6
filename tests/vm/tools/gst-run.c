/* gst-run: runs a gst-launch-1.0 style pipeline to EOS, then prints each
 * element's "stats" property (GstBaseSink's rendered/dropped, and the
 * elements' own), one line each: "# stats ELEMENT STRUCTURE".
 *
 *   gst-run PIPELINE-DESCRIPTION...
 *
 * Exits 0 at EOS, 1 on an error (printed), 2 on bad usage.
 */
#include <gst/gst.h>

static void
print_stats (GstElement * pipeline)
{
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (pipeline));
  GValue item = G_VALUE_INIT;

  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&item);
    GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (e),
        "stats");

    if (pspec && G_PARAM_SPEC_VALUE_TYPE (pspec) == GST_TYPE_STRUCTURE
        && (pspec->flags & G_PARAM_READABLE)) {
      GstStructure *s = NULL;
      gchar *str;

      g_object_get (e, "stats", &s, NULL);
      if (s) {
        str = gst_structure_to_string (s);
        g_print ("# stats %s %s\n", GST_OBJECT_NAME (e), str);
        g_free (str);
        gst_structure_free (s);
      }
    }
    g_value_reset (&item);
  }
  g_value_unset (&item);
  gst_iterator_free (it);
}

int
main (int argc, char **argv)
{
  GstElement *pipeline;
  GstBus *bus;
  GstMessage *msg;
  GError *err = NULL;
  int ret = 1;

  gst_init (&argc, &argv);
  if (argc < 2) {
    g_printerr ("usage: gst-run PIPELINE-DESCRIPTION...\n");
    return 2;
  }
  pipeline = gst_parse_launchv ((const gchar **) argv + 1, &err);
  if (!pipeline) {
    g_printerr ("gst-run: %s\n", err->message);
    g_clear_error (&err);
    return 2;
  }
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gchar *debug = NULL;

    gst_message_parse_error (msg, &err, &debug);
    g_printerr ("gst-run: error from %s: %s (%s)\n",
        GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message,
        debug ? debug : "");
    g_clear_error (&err);
    g_free (debug);
  } else {
    ret = 0;
  }
  print_stats (pipeline);
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  return ret;
}
