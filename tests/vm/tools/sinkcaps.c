/* sinkcaps: what shrbufsink answers to caps it is given, not asked for.
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 *   sinkcaps DRIVER CAPS
 *
 * Brings "shrbufsink driver-name=DRIVER" to PAUSED (the device open), then
 * sends a stream-start and a CAPS event with CAPS straight to its sink pad,
 * as an upstream would that never queried the sink's caps, so that
 * set_caps () itself decides. Prints "accepted=0|1" (what the caps event
 * returned) and, for an error posted on the bus, "error=DOMAIN CODE",
 * "message=TEXT" and "debug=TEXT"; then "errors=N". Exits 0 when it got
 * that far, whatever the sink answered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <gst/gst.h>

static void
print_errors (GstElement * sink)
{
  GstBus *bus = gst_element_get_bus (sink);
  GstMessage *msg;
  guint n = 0;

  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR))) {
    GError *err = NULL;
    gchar *debug = NULL;

    gst_message_parse_error (msg, &err, &debug);
    g_print ("error=%s %d\nmessage=%s\ndebug=%s\n",
        g_quark_to_string (err->domain), err->code, err->message,
        debug ? debug : "");
    g_clear_error (&err);
    g_free (debug);
    gst_message_unref (msg);
    n++;
  }
  g_print ("errors=%u\n", n);
  gst_object_unref (bus);
}

int
main (int argc, char **argv)
{
  GstElement *sink;
  GstPad *pad;
  GstCaps *caps;
  GstBus *bus;
  gboolean ok;

  gst_init (&argc, &argv);
  if (argc != 3) {
    fprintf (stderr, "usage: sinkcaps DRIVER CAPS\n");
    return 2;
  }
  caps = gst_caps_from_string (argv[2]);
  if (!caps) {
    fprintf (stderr, "sinkcaps: cannot parse caps %s\n", argv[2]);
    return 2;
  }
  sink = gst_element_factory_make ("shrbufsink", NULL);
  if (!sink) {
    fprintf (stderr, "sinkcaps: no shrbufsink\n");
    return 1;
  }
  /* A bus of its own: the element posts to it without a pipeline. */
  bus = gst_bus_new ();
  gst_element_set_bus (sink, bus);
  gst_object_unref (bus);
  g_object_set (sink, "driver-name", argv[1], NULL);
  if (gst_element_set_state (sink, GST_STATE_PAUSED) ==
      GST_STATE_CHANGE_FAILURE) {
    print_errors (sink);
    fprintf (stderr, "sinkcaps: the sink did not start\n");
    return 1;
  }

  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_send_event (pad, gst_event_new_stream_start ("sinkcaps"));
  ok = gst_pad_send_event (pad, gst_event_new_caps (caps));
  g_print ("accepted=%d\n", ok ? 1 : 0);
  print_errors (sink);

  gst_element_set_state (sink, GST_STATE_NULL);
  gst_caps_unref (caps);
  gst_object_unref (pad);
  gst_object_unref (sink);
  return 0;
}
