/* gst-shrbuf: pixel formats shared by the source and the sink
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

#include "formats.h"
#include "dma-drm.h"

#include <drm_fourcc.h>
#include <linux/videodev2.h>

/* Byte order in memory decides each row: GStreamer names formats by bytes
 * in memory, V4L2 mostly too, DRM by a little-endian 32-bit word. */
static const ShrbufFormat formats[] = {
  {GST_VIDEO_FORMAT_BGRx, V4L2_PIX_FMT_XBGR32, 0, DRM_FORMAT_XRGB8888},
  {GST_VIDEO_FORMAT_BGRA, V4L2_PIX_FMT_ABGR32, 0, DRM_FORMAT_ARGB8888},
  {GST_VIDEO_FORMAT_xRGB, V4L2_PIX_FMT_XRGB32, 0, DRM_FORMAT_BGRX8888},
  {GST_VIDEO_FORMAT_ARGB, V4L2_PIX_FMT_ARGB32, 0, DRM_FORMAT_BGRA8888},
  {GST_VIDEO_FORMAT_RGBx, V4L2_PIX_FMT_RGBX32, 0, DRM_FORMAT_XBGR8888},
  {GST_VIDEO_FORMAT_RGBA, V4L2_PIX_FMT_RGBA32, 0, DRM_FORMAT_ABGR8888},
  {GST_VIDEO_FORMAT_RGB16, V4L2_PIX_FMT_RGB565, 0, DRM_FORMAT_RGB565},
  {GST_VIDEO_FORMAT_RGB, V4L2_PIX_FMT_RGB24, 0, DRM_FORMAT_BGR888},
  {GST_VIDEO_FORMAT_BGR, V4L2_PIX_FMT_BGR24, 0, DRM_FORMAT_RGB888},
  {GST_VIDEO_FORMAT_YUY2, V4L2_PIX_FMT_YUYV, 0, DRM_FORMAT_YUYV},
  {GST_VIDEO_FORMAT_YVYU, V4L2_PIX_FMT_YVYU, 0, DRM_FORMAT_YVYU},
  {GST_VIDEO_FORMAT_UYVY, V4L2_PIX_FMT_UYVY, 0, DRM_FORMAT_UYVY},
  {GST_VIDEO_FORMAT_NV12, V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_NV12M,
      DRM_FORMAT_NV12},
  {GST_VIDEO_FORMAT_NV21, V4L2_PIX_FMT_NV21, V4L2_PIX_FMT_NV21M,
      DRM_FORMAT_NV21},
  {GST_VIDEO_FORMAT_NV16, V4L2_PIX_FMT_NV16, V4L2_PIX_FMT_NV16M,
      DRM_FORMAT_NV16},
  {GST_VIDEO_FORMAT_NV61, V4L2_PIX_FMT_NV61, V4L2_PIX_FMT_NV61M,
      DRM_FORMAT_NV61},
  {GST_VIDEO_FORMAT_I420, V4L2_PIX_FMT_YUV420, V4L2_PIX_FMT_YUV420M,
      DRM_FORMAT_YUV420},
  {GST_VIDEO_FORMAT_YV12, V4L2_PIX_FMT_YVU420, V4L2_PIX_FMT_YVU420M,
      DRM_FORMAT_YVU420},
  {GST_VIDEO_FORMAT_Y42B, V4L2_PIX_FMT_YUV422P, V4L2_PIX_FMT_YUV422M,
      DRM_FORMAT_YUV422},
  {GST_VIDEO_FORMAT_GRAY8, V4L2_PIX_FMT_GREY, 0, DRM_FORMAT_R8},
};

guint
shrbuf_format_count (void)
{
  return G_N_ELEMENTS (formats);
}

const ShrbufFormat *
shrbuf_format_get (guint index)
{
  return index < G_N_ELEMENTS (formats) ? &formats[index] : NULL;
}

const ShrbufFormat *
shrbuf_format_from_gst (GstVideoFormat format)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i].gst == format)
      return &formats[i];
  return NULL;
}

const ShrbufFormat *
shrbuf_format_from_v4l2 (guint32 fourcc)
{
  guint i;

  if (fourcc == 0)
    return NULL;
  for (i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i].v4l2 == fourcc || formats[i].v4l2_mplane == fourcc)
      return &formats[i];
  return NULL;
}

const ShrbufFormat *
shrbuf_format_from_drm (guint32 fourcc)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i].drm == fourcc)
      return &formats[i];
  return NULL;
}

/* The order in which to offer a device's ENUM_FMT entries @descs: the
 * driver's own formats first, then those libv4l2 only emulates
 * (V4L2_FMT_FLAG_EMULATED, which can only be copied), each in the
 * driver's order, so that negotiation prefers what can be exported.
 * Entries without a row in the table are left out. Writes the indices
 * into @descs to @order (room for @n) and returns how many it wrote. */
guint
shrbuf_format_offer_order (const struct v4l2_fmtdesc *descs, guint n,
    guint order[])
{
  guint pass, i, count = 0;

  for (pass = 0; pass < 2; pass++) {
    gboolean emulated = pass == 1;

    for (i = 0; i < n; i++) {
      if (((descs[i].flags & V4L2_FMT_FLAG_EMULATED) != 0) != emulated)
        continue;
      if (shrbuf_format_from_v4l2 (descs[i].pixelformat) == NULL)
        continue;
      order[count++] = i;
    }
  }
  return count;
}

/* The pad template of an element that takes every format of the table:
 * video/x-raw with the formats in the table's order, sizes 1 to @max_size,
 * any frame rate; then, on GStreamer >= 1.24, the DMA_DRM structure of
 * any drm-format (dma-drm.h), so that such caps link. */
GstCaps *
shrbuf_format_template_caps (gint max_size)
{
  GValue list = G_VALUE_INIT;
  GValue v = G_VALUE_INIT;
  GstCaps *caps;
  guint i;

  g_value_init (&list, GST_TYPE_LIST);
  g_value_init (&v, G_TYPE_STRING);
  for (i = 0; i < shrbuf_format_count (); i++) {
    g_value_set_string (&v, gst_video_format_to_string (shrbuf_format_get
            (i)->gst));
    gst_value_list_append_value (&list, &v);
  }
  g_value_unset (&v);
  caps = gst_caps_new_simple ("video/x-raw",
      "width", GST_TYPE_INT_RANGE, 1, max_size,
      "height", GST_TYPE_INT_RANGE, 1, max_size,
      "framerate", GST_TYPE_FRACTION_RANGE, 0, 1, G_MAXINT, 1, NULL);
  gst_caps_set_value (caps, "format", &list);
  g_value_unset (&list);
  shrbuf_dma_drm_template_append (caps, max_size);
  return caps;
}
