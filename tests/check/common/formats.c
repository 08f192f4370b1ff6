/* gst-shrbuf: the GStreamer/V4L2/DRM format table
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
#include <drm_fourcc.h>
#include <linux/videodev2.h>

#include "formats.h"

/* Every row maps back to itself from each of its names, and no name is
 * claimed by two rows. */
GST_START_TEST (test_round_trips)
{
  guint i, j, n = shrbuf_format_count ();

  fail_unless (n >= 11);
  for (i = 0; i < n; i++) {
    const ShrbufFormat *f = shrbuf_format_get (i);

    fail_unless (f->gst != GST_VIDEO_FORMAT_UNKNOWN);
    fail_unless (f->v4l2 != 0 || f->v4l2_mplane != 0);
    fail_unless (shrbuf_format_from_gst (f->gst) == f, "%s",
        gst_video_format_to_string (f->gst));
    fail_unless (shrbuf_format_from_drm (f->drm) == f);
    if (f->v4l2)
      fail_unless (shrbuf_format_from_v4l2 (f->v4l2) == f);
    if (f->v4l2_mplane)
      fail_unless (shrbuf_format_from_v4l2 (f->v4l2_mplane) == f);
    for (j = 0; j < i; j++) {
      const ShrbufFormat *g = shrbuf_format_get (j);
      fail_if (g->gst == f->gst || g->drm == f->drm);
      fail_if (f->v4l2 && (g->v4l2 == f->v4l2 || g->v4l2_mplane == f->v4l2));
    }
  }
  fail_unless (shrbuf_format_get (n) == NULL);
}

GST_END_TEST;

/* The byte orders that matter most, spelled out. */
GST_START_TEST (test_known_rows)
{
  const ShrbufFormat *f;

  f = shrbuf_format_from_gst (GST_VIDEO_FORMAT_BGRx);
  fail_unless (f && f->v4l2 == V4L2_PIX_FMT_XBGR32
      && f->drm == DRM_FORMAT_XRGB8888);
  f = shrbuf_format_from_v4l2 (V4L2_PIX_FMT_YUYV);
  fail_unless (f && f->gst == GST_VIDEO_FORMAT_YUY2
      && f->drm == DRM_FORMAT_YUYV);
  f = shrbuf_format_from_v4l2 (V4L2_PIX_FMT_NV12M);
  fail_unless (f && f->gst == GST_VIDEO_FORMAT_NV12
      && f->drm == DRM_FORMAT_NV12 && f->v4l2 == V4L2_PIX_FMT_NV12);
  f = shrbuf_format_from_drm (DRM_FORMAT_RGB565);
  fail_unless (f && f->gst == GST_VIDEO_FORMAT_RGB16);
  f = shrbuf_format_from_gst (GST_VIDEO_FORMAT_GRAY8);
  fail_unless (f && f->v4l2 == V4L2_PIX_FMT_GREY && f->drm == DRM_FORMAT_R8);

  fail_unless (shrbuf_format_from_v4l2 (0) == NULL);
  fail_unless (shrbuf_format_from_v4l2 (V4L2_PIX_FMT_MJPEG) == NULL);
  fail_unless (shrbuf_format_from_drm (DRM_FORMAT_XRGB2101010) == NULL);
  fail_unless (shrbuf_format_from_gst (GST_VIDEO_FORMAT_UNKNOWN) == NULL);
}

GST_END_TEST;

/* Offered in this order: the driver's own formats, then the ones libv4l2
 * emulates, each in the driver's order; none without a table row. */
GST_START_TEST (test_offer_order)
{
  struct v4l2_fmtdesc descs[] = {
    {.pixelformat = V4L2_PIX_FMT_MJPEG},
    {.pixelformat = V4L2_PIX_FMT_RGB24,.flags = V4L2_FMT_FLAG_EMULATED},
    {.pixelformat = V4L2_PIX_FMT_YUYV},
    {.pixelformat = V4L2_PIX_FMT_BGR24,.flags = V4L2_FMT_FLAG_EMULATED},
    {.pixelformat = V4L2_PIX_FMT_NV12},
    {.pixelformat = V4L2_PIX_FMT_SGRBG8,.flags = V4L2_FMT_FLAG_EMULATED},
    {.pixelformat = V4L2_PIX_FMT_YUV420,.flags = V4L2_FMT_FLAG_EMULATED},
    {.pixelformat = V4L2_PIX_FMT_YVU420,.flags = V4L2_FMT_FLAG_EMULATED},
  };
  const guint want[] = { 2, 4, 1, 3, 6, 7 };
  guint order[G_N_ELEMENTS (descs)], n, i;

  n = shrbuf_format_offer_order (descs, G_N_ELEMENTS (descs), order);
  fail_unless_equals_int (n, G_N_ELEMENTS (want));
  for (i = 0; i < n; i++)
    fail_unless_equals_int (order[i], want[i]);

  /* Only emulated ones, only native ones, none. */
  n = shrbuf_format_offer_order (&descs[6], 2, order);
  fail_unless (n == 2 && order[0] == 0 && order[1] == 1);
  n = shrbuf_format_offer_order (&descs[2], 1, order);
  fail_unless (n == 1 && order[0] == 0);
  fail_unless_equals_int (shrbuf_format_offer_order (descs, 1, order), 0);
  fail_unless_equals_int (shrbuf_format_offer_order (descs, 0, order), 0);
}

GST_END_TEST;

static Suite *
shrbuf_formats_suite (void)
{
  Suite *s = suite_create ("shrbuf-formats");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_round_trips);
  tcase_add_test (tc, test_known_rows);
  tcase_add_test (tc, test_offer_order);
  return s;
}

GST_CHECK_MAIN (shrbuf_formats);
