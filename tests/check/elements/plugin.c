/* gst-shrbuf: the plugin loads and describes itself
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

GST_START_TEST (test_plugin_loads)
{
  GstPlugin *plugin = gst_registry_find_plugin (gst_registry_get (), "shrbuf");

  fail_unless (plugin != NULL, "plugin 'shrbuf' not found in the registry");
  plugin = gst_plugin_load (plugin);
  fail_unless (plugin != NULL, "plugin 'shrbuf' does not load");
  fail_unless (gst_plugin_is_loaded (plugin));
  fail_unless_equals_string (gst_plugin_get_license (plugin), "LGPL");
  fail_unless_equals_string (gst_plugin_get_version (plugin), VERSION);
  fail_unless_equals_string (gst_plugin_get_source (plugin), "gst-shrbuf");
  fail_unless (g_str_has_suffix (gst_plugin_get_filename (plugin),
          "libgstshrbuf.so"));
  gst_object_unref (plugin);
}

GST_END_TEST;

static Suite *
shrbuf_plugin_suite (void)
{
  Suite *s = suite_create ("shrbuf-plugin");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_plugin_loads);
  return s;
}

GST_CHECK_MAIN (shrbuf_plugin);
