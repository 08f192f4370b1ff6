/* gst-shrbuf: the DMA_DRM seam (dma-drm.h)
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
#include <gst/allocators/allocators.h>
#include <drm_fourcc.h>

#include "dma-drm.h"
#include "formats.h"

#define X_TILED G_GUINT64_CONSTANT (0x0100000000000001)

/* Parses @str with the seam; fails the test unless it parses. */
static void
parse (const gchar * str, GstVideoInfo * info, guint32 * fourcc,
    guint64 * modifier, gboolean * is_dma_drm)
{
  GstCaps *caps = gst_caps_from_string (str);

  fail_unless (caps != NULL, "%s", str);
  fail_unless (shrbuf_video_info_from_caps (caps, info, fourcc, modifier,
          is_dma_drm), "%s does not parse", str);
  gst_caps_unref (caps);
}

/* Plain caps, with or without the DMABuf feature: the table's fourcc,
 * linear, and the GStreamer layout. */
GST_START_TEST (test_plain_caps)
{
  GstVideoInfo info;
  guint32 fourcc = 0;
  guint64 modifier = 1;
  gboolean dma_drm = TRUE;

  parse ("video/x-raw,format=NV12,width=64,height=48,framerate=30/1",
      &info, &fourcc, &modifier, &dma_drm);
  fail_unless_equals_int (GST_VIDEO_INFO_FORMAT (&info), GST_VIDEO_FORMAT_NV12);
  fail_unless_equals_int (info.width, 64);
  fail_unless_equals_int (info.height, 48);
  fail_unless_equals_int (info.fps_n, 30);
  fail_unless_equals_int (GST_VIDEO_INFO_N_PLANES (&info), 2);
  fail_unless_equals_int (fourcc, DRM_FORMAT_NV12);
  fail_unless (modifier == DRM_FORMAT_MOD_LINEAR);
  fail_if (dma_drm);

  parse ("video/x-raw(memory:DMABuf),format=GRAY8,width=16,height=2",
      &info, &fourcc, &modifier, &dma_drm);
  fail_unless_equals_int (GST_VIDEO_INFO_FORMAT (&info),
      GST_VIDEO_FORMAT_GRAY8);
  fail_unless_equals_int (fourcc, DRM_FORMAT_R8);
  fail_unless (modifier == DRM_FORMAT_MOD_LINEAR);
  fail_if (dma_drm);

  /* A format outside the table parses, without a fourcc. */
  parse ("video/x-raw,format=v210,width=48,height=2", &info, &fourcc,
      NULL, NULL);
  fail_unless_equals_int (fourcc, 0);
}

GST_END_TEST;

/* Unfixed or foreign caps do not parse. */
GST_START_TEST (test_refused_caps)
{
  const gchar *bad[] = {
    "video/x-raw,format={NV12,BGRx},width=64,height=48",
    "audio/x-raw,format=S16LE,rate=48000,channels=2",
    "video/x-raw(memory:DMABuf),format=DMA_DRM,drm-format=XR24:zz,"
        "width=64,height=48",
    "video/x-raw(memory:DMABuf),format=DMA_DRM,drm-format=ZZ99,"
        "width=64,height=48",
  };
  GstVideoInfo info;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    GstCaps *caps = gst_caps_from_string (bad[i]);

    fail_unless (caps != NULL);
    fail_if (shrbuf_video_info_from_caps (caps, &info, NULL, NULL, NULL),
        "%s parsed", bad[i]);
    gst_caps_unref (caps);
  }
}

GST_END_TEST;

/* The drm-format spelling, the same against every GStreamer. */
GST_START_TEST (test_format_strings)
{
  gchar *s;

  s = shrbuf_drm_format_to_string (DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_LINEAR);
  fail_unless_equals_string (s, "XR24");
  g_free (s);
  s = shrbuf_drm_format_to_string (DRM_FORMAT_XRGB8888, X_TILED);
  fail_unless_equals_string (s, "XR24:0x0100000000000001");
  g_free (s);
}

GST_END_TEST;

/* Against 1.22: no DMA_DRM caps are made, none parse, the template has
 * none. */
GST_START_TEST (test_no_dma_drm)
{
  GstCaps *caps = gst_caps_new_empty (), *tmpl;
  GstStructure *fields = gst_structure_new ("video/x-raw", "width",
      G_TYPE_INT, 64, "height", G_TYPE_INT, 48, NULL);
  const ShrbufDrmFormat pair = { DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_LINEAR };
  GstVideoInfo info;

  fail_if (shrbuf_dma_drm_supported ());
  fail_unless_equals_int (shrbuf_dma_drm_gst_fourcc (GST_VIDEO_FORMAT_BGRx), 0);
  shrbuf_dma_drm_caps_append (caps, &pair, 1, fields);
  fail_unless (gst_caps_is_empty (caps));
  gst_caps_unref (caps);
  gst_structure_free (fields);

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGRx, 64, 48);
  fail_unless (shrbuf_dma_drm_caps_from_info (&info, DRM_FORMAT_MOD_LINEAR)
      == NULL);

  caps = gst_caps_from_string ("video/x-raw(memory:DMABuf),format=DMA_DRM,"
      "drm-format=XR24,width=64,height=48");
  fail_if (shrbuf_video_info_from_caps (caps, &info, NULL, NULL, NULL));
  tmpl = shrbuf_format_template_caps (G_MAXINT);
  fail_unless_equals_int (gst_caps_get_size (tmpl), 1);
  gst_caps_unref (tmpl);
  gst_caps_unref (caps);
}

GST_END_TEST;

/* DMA_DRM caps give a real GstVideoFormat: linear, a modifier, and a
 * fourcc GStreamer has no format for (R8: the table's GRAY8). */
GST_START_TEST (test_dma_drm_caps)
{
  GstVideoInfo info;
  guint32 fourcc = 0;
  guint64 modifier = 1;
  gboolean dma_drm = FALSE;

  parse ("video/x-raw(memory:DMABuf),format=DMA_DRM,drm-format=XR24,"
      "width=64,height=48,framerate=30/1", &info, &fourcc, &modifier, &dma_drm);
  fail_unless_equals_int (GST_VIDEO_INFO_FORMAT (&info), GST_VIDEO_FORMAT_BGRx);
  fail_unless_equals_int (info.width, 64);
  fail_unless_equals_int (info.height, 48);
  fail_unless_equals_int (info.fps_n, 30);
  fail_unless_equals_int (GST_VIDEO_INFO_PLANE_STRIDE (&info, 0), 256);
  fail_unless_equals_int (fourcc, DRM_FORMAT_XRGB8888);
  fail_unless (modifier == DRM_FORMAT_MOD_LINEAR);
  fail_unless (dma_drm);

  parse ("video/x-raw(memory:DMABuf),format=DMA_DRM,"
      "drm-format=NV12:0x0100000000000001,width=64,height=48", &info,
      &fourcc, &modifier, &dma_drm);
  fail_unless_equals_int (GST_VIDEO_INFO_FORMAT (&info), GST_VIDEO_FORMAT_NV12);
  fail_unless_equals_int (GST_VIDEO_INFO_N_PLANES (&info), 2);
  fail_unless_equals_int (fourcc, DRM_FORMAT_NV12);
  fail_unless (modifier == X_TILED);
  fail_unless (dma_drm);

  parse ("video/x-raw(memory:DMABuf),format=DMA_DRM,drm-format=\"R8  \","
      "width=16,height=2", &info, &fourcc, &modifier, &dma_drm);
  fail_unless_equals_int (GST_VIDEO_INFO_FORMAT (&info),
      GST_VIDEO_FORMAT_GRAY8);
  fail_unless_equals_int (fourcc, DRM_FORMAT_R8);
}

GST_END_TEST;

/* The shared table agrees with GStreamer's own map wherever that has the
 * format (it lacks GRAY8/R8); most rows it has. */
GST_START_TEST (test_table_matches_gstreamer)
{
  guint i, known = 0;

  for (i = 0; i < shrbuf_format_count (); i++) {
    const ShrbufFormat *f = shrbuf_format_get (i);
    guint32 theirs = shrbuf_dma_drm_gst_fourcc (f->gst);

    if (theirs == 0)
      continue;
    fail_unless (theirs == f->drm, "%s: table %" GST_FOURCC_FORMAT
        ", GStreamer %" GST_FOURCC_FORMAT, gst_video_format_to_string (f->gst),
        GST_FOURCC_ARGS (f->drm), GST_FOURCC_ARGS (theirs));
    known++;
  }
  fail_unless (known >= shrbuf_format_count () - 1, "%u rows known", known);
  fail_unless_equals_int (shrbuf_dma_drm_gst_fourcc (GST_VIDEO_FORMAT_BGRx),
      DRM_FORMAT_XRGB8888);
}

GST_END_TEST;

/* format=DMA_DRM without the memory:DMABuf feature is not DMA_DRM caps. */
GST_START_TEST (test_dma_drm_needs_feature)
{
  GstCaps *caps = gst_caps_from_string ("video/x-raw,format=DMA_DRM,"
      "drm-format=XR24,width=64,height=48");
  GstVideoInfo info;

  fail_if (shrbuf_video_info_from_caps (caps, &info, NULL, NULL, NULL));
  gst_caps_unref (caps);
}

GST_END_TEST;

/* XR24:0x0100000000000001 from caps to GstVideoInfo and back. */
GST_START_TEST (test_modifier_round_trip)
{
  GstCaps *caps;
  GstStructure *s;
  GstVideoInfo info, again;
  guint32 fourcc;
  guint64 modifier, mod2;
  gboolean dma_drm;

  parse ("video/x-raw(memory:DMABuf),format=DMA_DRM,"
      "drm-format=XR24:0x0100000000000001,width=320,height=240,"
      "framerate=25/1", &info, &fourcc, &modifier, &dma_drm);
  fail_unless (modifier == X_TILED);
  caps = shrbuf_dma_drm_caps_from_info (&info, modifier);
  fail_unless (caps != NULL);
  fail_unless (gst_caps_is_fixed (caps));
  fail_unless (gst_caps_features_contains (gst_caps_get_features (caps, 0),
          GST_CAPS_FEATURE_MEMORY_DMABUF));
  s = gst_caps_get_structure (caps, 0);
  fail_unless_equals_string (gst_structure_get_string (s, "format"), "DMA_DRM");
  fail_unless_equals_string (gst_structure_get_string (s, "drm-format"),
      "XR24:0x0100000000000001");
  fail_unless_equals_int (shrbuf_structure_get_format (s, &mod2),
      GST_VIDEO_FORMAT_BGRx);
  fail_unless (mod2 == X_TILED);
  fail_unless (shrbuf_video_info_from_caps (caps, &again, &fourcc,
          &modifier, &dma_drm));
  fail_unless (gst_video_info_is_equal (&info, &again));
  fail_unless (fourcc == DRM_FORMAT_XRGB8888 && modifier == X_TILED);
  gst_caps_unref (caps);

  /* Linear: no suffix. */
  caps = shrbuf_dma_drm_caps_from_info (&info, DRM_FORMAT_MOD_LINEAR);
  fail_unless_equals_string (gst_structure_get_string
      (gst_caps_get_structure (caps, 0), "drm-format"), "XR24");
  gst_caps_unref (caps);
}

GST_END_TEST;

/* The builder lists exactly the given pairs, in order, with the fields
 * it was given; the template takes what it builds. */
GST_START_TEST (test_caps_builder)
{
  const ShrbufDrmFormat pairs[] = {
    {DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_LINEAR},
    {DRM_FORMAT_XRGB8888, X_TILED},
    {DRM_FORMAT_NV12, DRM_FORMAT_MOD_LINEAR},
  };
  const gchar *want[] = { "XR24", "XR24:0x0100000000000001", "NV12" };
  GstCaps *caps = gst_caps_new_empty (), *tmpl, *one;
  GstStructure *fields = gst_structure_new ("video/x-raw",
      "width", GST_TYPE_INT_RANGE, 1, 4096, "height", G_TYPE_INT, 480,
      "framerate", GST_TYPE_FRACTION_RANGE, 0, 1, 60, 1, NULL);
  const GValue *list;
  GstStructure *s;
  gint w;
  guint i;

  shrbuf_dma_drm_caps_append (caps, pairs, G_N_ELEMENTS (pairs), fields);
  shrbuf_dma_drm_caps_append (caps, pairs, 1, fields);
  shrbuf_dma_drm_caps_append (caps, pairs, 0, fields);
  gst_structure_free (fields);
  fail_unless_equals_int (gst_caps_get_size (caps), 2);

  s = gst_caps_get_structure (caps, 0);
  fail_unless (gst_structure_has_name (s, "video/x-raw"));
  fail_unless_equals_string (gst_structure_get_string (s, "format"), "DMA_DRM");
  list = gst_structure_get_value (s, "drm-format");
  fail_unless (GST_VALUE_HOLDS_LIST (list));
  fail_unless_equals_int (gst_value_list_get_size (list), G_N_ELEMENTS (want));
  for (i = 0; i < G_N_ELEMENTS (want); i++)
    fail_unless_equals_string (g_value_get_string (gst_value_list_get_value
            (list, i)), want[i]);
  fail_unless (GST_VALUE_HOLDS_INT_RANGE (gst_structure_get_value (s,
              "width")));
  fail_unless (gst_structure_get_int (s, "height", &w) && w == 480);
  fail_unless (gst_caps_features_contains (gst_caps_get_features (caps, 0),
          GST_CAPS_FEATURE_MEMORY_DMABUF));
  s = gst_caps_get_structure (caps, 1);
  fail_unless_equals_string (gst_structure_get_string (s, "drm-format"),
      "XR24");

  tmpl = shrbuf_format_template_caps (G_MAXINT);
  fail_unless (gst_caps_is_subset (caps, tmpl));
  one = gst_caps_from_string ("video/x-raw(memory:DMABuf),format=DMA_DRM,"
      "drm-format=XR24:0x0100000000000001,width=640,height=480,"
      "framerate=30/1");
  fail_unless (gst_caps_is_subset (one, tmpl));
  gst_caps_unref (one);
  gst_caps_unref (tmpl);
  gst_caps_unref (caps);
}

GST_END_TEST;

static Suite *
shrbuf_dma_drm_suite (void)
{
  Suite *s = suite_create ("shrbuf-dma-drm");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_plain_caps);
  tcase_add_test (tc, test_refused_caps);
  tcase_add_test (tc, test_format_strings);
  /* Which of the two sets runs is the build's GStreamer's choice. */
  if (!shrbuf_dma_drm_supported ()) {
    tcase_add_test (tc, test_no_dma_drm);
  } else {
    tcase_add_test (tc, test_dma_drm_caps);
    tcase_add_test (tc, test_dma_drm_needs_feature);
    tcase_add_test (tc, test_table_matches_gstreamer);
    tcase_add_test (tc, test_modifier_round_trip);
    tcase_add_test (tc, test_caps_builder);
  }
  return s;
}

GST_CHECK_MAIN (shrbuf_dma_drm);
