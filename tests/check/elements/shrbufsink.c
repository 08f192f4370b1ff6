/* gst-shrbuf: shrbufsink's pure logic (plane and mode choice, caps,
 * framebuffer layouts)
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
#include <sys/mman.h>
#include <unistd.h>

#include "kms-output.h"
#include "fb-cache.h"
#include "formats.h"
#include "scanout.h"

static const guint32 xr24_only[] = { DRM_FORMAT_XRGB8888 };

static const guint32 overlay_formats[] = { DRM_FORMAT_ARGB8888,
  DRM_FORMAT_XRGB8888, DRM_FORMAT_RGB565
};
static const guint32 yuv_formats[] = { DRM_FORMAT_NV12, DRM_FORMAT_YUYV };
static const guint32 argb_only[] = { DRM_FORMAT_ARGB8888 };

/* Like vkms with overlays: a primary, overlays, a cursor, one CRTC; plane
 * 40 can only go on a second CRTC. */
static const ShrbufPlaneDesc vkms_like[] = {
  {31, DRM_PLANE_TYPE_PRIMARY, 0x1, xr24_only, 1, NULL, 0},
  {40, DRM_PLANE_TYPE_OVERLAY, 0x2, yuv_formats, 2, NULL, 0},
  {41, DRM_PLANE_TYPE_OVERLAY, 0x1, overlay_formats, 3, NULL, 0},
  {42, DRM_PLANE_TYPE_OVERLAY, 0x1, yuv_formats, 2, NULL, 0},
  {50, DRM_PLANE_TYPE_CURSOR, 0x1, argb_only, 1, NULL, 0},
};

/* Like cirrus: one primary plane. */
static const guint32 cirrus_formats[] = { DRM_FORMAT_RGB565,
  DRM_FORMAT_RGB888, DRM_FORMAT_XRGB8888
};

static const ShrbufPlaneDesc cirrus_like[] = {
  {32, DRM_PLANE_TYPE_PRIMARY, 0x1, cirrus_formats, 3, NULL, 0},
};

static guint32
chosen (const ShrbufPlaneDesc * planes, guint n, guint crtc, guint32 format,
    guint32 plane_id, gboolean prefer_primary)
{
  gint i = shrbuf_choose_plane (planes, n, crtc, format,
      DRM_FORMAT_MOD_LINEAR, plane_id, prefer_primary);

  return i < 0 ? 0 : planes[i].id;
}

GST_START_TEST (test_plane_overlay_first)
{
  guint n = G_N_ELEMENTS (vkms_like);

  /* An overlay that supports the format, in the device's order. */
  fail_unless_equals_int (chosen (vkms_like, n, 0, DRM_FORMAT_XRGB8888, 0,
          FALSE), 41);
  fail_unless_equals_int (chosen (vkms_like, n, 0, DRM_FORMAT_NV12, 0,
          FALSE), 42);
  fail_unless_equals_int (chosen (vkms_like, n, 0, DRM_FORMAT_RGB565, 0,
          FALSE), 41);
  /* Plane 40 only fits CRTC index 1. */
  fail_unless_equals_int (chosen (vkms_like, n, 1, DRM_FORMAT_NV12, 0,
          FALSE), 40);
  fail_unless_equals_int (chosen (vkms_like, n, 1, DRM_FORMAT_XRGB8888, 0,
          FALSE), 0);
}

GST_END_TEST;

GST_START_TEST (test_plane_primary_when_modesetting)
{
  guint n = G_N_ELEMENTS (vkms_like);

  fail_unless_equals_int (chosen (vkms_like, n, 0, DRM_FORMAT_XRGB8888, 0,
          TRUE), 31);
  /* The primary cannot show it: an overlay then. */
  fail_unless_equals_int (chosen (vkms_like, n, 0, DRM_FORMAT_ARGB8888, 0,
          TRUE), 41);
}

GST_END_TEST;

GST_START_TEST (test_plane_primary_only)
{
  guint n = G_N_ELEMENTS (cirrus_like);

  fail_unless_equals_int (chosen (cirrus_like, n, 0, DRM_FORMAT_XRGB8888, 0,
          FALSE), 32);
  fail_unless_equals_int (chosen (cirrus_like, n, 0, DRM_FORMAT_RGB888, 0,
          TRUE), 32);
  fail_unless_equals_int (chosen (cirrus_like, n, 0, DRM_FORMAT_NV12, 0,
          FALSE), 0);
  fail_unless_equals_int (chosen (cirrus_like, n, 0, DRM_FORMAT_NV12, 0,
          TRUE), 0);
  fail_unless_equals_int (chosen (cirrus_like, n, 1, DRM_FORMAT_XRGB8888, 0,
          FALSE), 0);
  fail_unless_equals_int (chosen (cirrus_like, 0, 0, DRM_FORMAT_XRGB8888, 0,
          FALSE), 0);
}

GST_END_TEST;

GST_START_TEST (test_plane_never_cursor_automatically)
{
  guint n = G_N_ELEMENTS (vkms_like);

  /* Only the cursor plane and overlay 41 take ARGB8888; with overlay 41
   * out of the list, nothing. */
  fail_unless_equals_int (chosen (vkms_like, n, 0, DRM_FORMAT_ARGB8888, 0,
          FALSE), 41);
  fail_unless_equals_int (chosen (vkms_like, 1, 0, DRM_FORMAT_ARGB8888, 0,
          FALSE), 0);
  fail_unless_equals_int (chosen (&vkms_like[4], 1, 0, DRM_FORMAT_ARGB8888,
          0, FALSE), 0);
  /* Named, it is taken. */
  fail_unless_equals_int (chosen (vkms_like, n, 0, DRM_FORMAT_ARGB8888, 50,
          FALSE), 50);
}

GST_END_TEST;

GST_START_TEST (test_plane_by_id)
{
  guint n = G_N_ELEMENTS (vkms_like);

  fail_unless_equals_int (chosen (vkms_like, n, 0, DRM_FORMAT_XRGB8888, 31,
          FALSE), 31);
  fail_unless_equals_int (chosen (vkms_like, n, 0, DRM_FORMAT_XRGB8888, 41,
          TRUE), 41);
  /* The named plane does not take the format, or not on this CRTC, or
   * does not exist: no other plane instead. */
  fail_unless_equals_int (chosen (vkms_like, n, 0, DRM_FORMAT_NV12, 31,
          FALSE), 0);
  fail_unless_equals_int (chosen (vkms_like, n, 0, DRM_FORMAT_NV12, 40,
          FALSE), 0);
  fail_unless_equals_int (chosen (vkms_like, n, 0, DRM_FORMAT_XRGB8888, 99,
          FALSE), 0);
}

GST_END_TEST;

static drmModeModeInfo
mode (guint w, guint h, guint refresh, gboolean preferred)
{
  drmModeModeInfo m;

  memset (&m, 0, sizeof (m));
  m.hdisplay = w;
  m.vdisplay = h;
  m.vrefresh = refresh;
  m.type = DRM_MODE_TYPE_DRIVER | (preferred ? DRM_MODE_TYPE_PREFERRED : 0);
  g_snprintf (m.name, sizeof (m.name), "%ux%u", w, h);
  return m;
}

/* Like a driver with modifiers: the primary plane's IN_FORMATS has XR24
 * linear and X-tiled and NV12 linear; the overlay has no blob (linear
 * only); the cursor is never offered. */
#define X_TILED G_GUINT64_CONSTANT (0x0100000000000001)
static const guint32 tiled_formats[] = { DRM_FORMAT_XRGB8888,
  DRM_FORMAT_NV12
};

static const ShrbufDrmFormat tiled_pairs[] = {
  {DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_LINEAR},
  {DRM_FORMAT_XRGB8888, X_TILED},
  {DRM_FORMAT_NV12, DRM_FORMAT_MOD_LINEAR},
};

static const ShrbufPlaneDesc modifier_planes[] = {
  {60, DRM_PLANE_TYPE_PRIMARY, 0x1, tiled_formats, 2, tiled_pairs, 3},
  {61, DRM_PLANE_TYPE_OVERLAY, 0x1, overlay_formats, 3, NULL, 0},
  {62, DRM_PLANE_TYPE_CURSOR, 0x1, argb_only, 1, NULL, 0},
};

static guint32
chosen_mod (guint32 format, guint64 modifier, guint32 plane_id)
{
  gint i = shrbuf_choose_plane (modifier_planes,
      G_N_ELEMENTS (modifier_planes), 0, format, modifier, plane_id, FALSE);

  return i < 0 ? 0 : modifier_planes[i].id;
}

/* A plane takes a modifier only if its IN_FORMATS lists it; without the
 * blob, linear only. */
GST_START_TEST (test_plane_modifiers)
{
  fail_unless_equals_int (chosen_mod (DRM_FORMAT_XRGB8888,
          DRM_FORMAT_MOD_LINEAR, 0), 61);
  fail_unless_equals_int (chosen_mod (DRM_FORMAT_XRGB8888, X_TILED, 0), 60);
  fail_unless_equals_int (chosen_mod (DRM_FORMAT_XRGB8888, X_TILED, 61), 0);
  fail_unless_equals_int (chosen_mod (DRM_FORMAT_NV12, X_TILED, 0), 0);
  fail_unless_equals_int (chosen_mod (DRM_FORMAT_NV12,
          DRM_FORMAT_MOD_LINEAR, 0), 60);
  fail_unless (shrbuf_plane_takes (&modifier_planes[1], DRM_FORMAT_RGB565,
          DRM_FORMAT_MOD_LINEAR));
  fail_if (shrbuf_plane_takes (&modifier_planes[1], DRM_FORMAT_RGB565,
          X_TILED));
  /* The blob, not the format list, decides for a plane that has one. */
  fail_if (shrbuf_plane_takes (&modifier_planes[0], DRM_FORMAT_NV12, X_TILED));
}

GST_END_TEST;

/* The pairs the sink's DMA_DRM caps list: exactly the usable planes'
 * (no cursor, not another CRTC's), each once, in the table's order, and
 * the caps built from them list them all. */
GST_START_TEST (test_plane_pairs)
{
  const ShrbufDrmFormat want[] = {
    {DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_LINEAR},
    {DRM_FORMAT_XRGB8888, X_TILED},
    {DRM_FORMAT_ARGB8888, DRM_FORMAT_MOD_LINEAR},
    {DRM_FORMAT_RGB565, DRM_FORMAT_MOD_LINEAR},
    {DRM_FORMAT_NV12, DRM_FORMAT_MOD_LINEAR},
  };
  GArray *pairs = shrbuf_planes_drm_formats (modifier_planes,
      G_N_ELEMENTS (modifier_planes), 0);
  GstStructure *fields = gst_structure_new ("video/x-raw",
      "width", G_TYPE_INT, 1024, "height", G_TYPE_INT, 768, NULL);
  GstCaps *caps = gst_caps_new_empty ();
  guint i;

  fail_unless_equals_int (pairs->len, G_N_ELEMENTS (want));
  for (i = 0; i < pairs->len; i++) {
    const ShrbufDrmFormat *p = &g_array_index (pairs, ShrbufDrmFormat, i);

    fail_unless (p->fourcc == want[i].fourcc
        && p->modifier == want[i].modifier, "pair %u: %" GST_FOURCC_FORMAT
        ":0x%" G_GINT64_MODIFIER "x", i, GST_FOURCC_ARGS (p->fourcc),
        p->modifier);
  }

  shrbuf_dma_drm_caps_append (caps, (ShrbufDrmFormat *) pairs->data,
      pairs->len, fields);
  if (shrbuf_dma_drm_supported ()) {
    const GValue *list = gst_structure_get_value (gst_caps_get_structure
        (caps, 0), "drm-format");

    fail_unless_equals_int (gst_caps_get_size (caps), 1);
    fail_unless_equals_int (gst_value_list_get_size (list), pairs->len);
    for (i = 0; i < pairs->len; i++) {
      gchar *str = shrbuf_drm_format_to_string (want[i].fourcc,
          want[i].modifier);

      fail_unless_equals_string (g_value_get_string
          (gst_value_list_get_value (list, i)), str);
      g_free (str);
    }
  } else {
    fail_unless (gst_caps_is_empty (caps));
  }
  gst_caps_unref (caps);
  gst_structure_free (fields);
  g_array_unref (pairs);

  /* Plane 40 of vkms_like only on CRTC 1: NV12 and YUYV, linear. */
  pairs = shrbuf_planes_drm_formats (vkms_like, G_N_ELEMENTS (vkms_like), 1);
  fail_unless_equals_int (pairs->len, 2);
  fail_unless (g_array_index (pairs, ShrbufDrmFormat, 0).fourcc ==
      DRM_FORMAT_YUYV);
  fail_unless (g_array_index (pairs, ShrbufDrmFormat, 1).fourcc ==
      DRM_FORMAT_NV12);
  g_array_unref (pairs);
}

GST_END_TEST;

GST_START_TEST (test_mode_choice)
{
  drmModeModeInfo modes[5];

  modes[0] = mode (1024, 768, 60, TRUE);
  modes[1] = mode (800, 600, 60, FALSE);
  modes[2] = mode (640, 480, 75, FALSE);
  modes[3] = mode (640, 480, 60, FALSE);
  modes[4] = mode (1920, 1080, 60, FALSE);

  fail_unless_equals_int (shrbuf_choose_mode (modes, 5, 1024, 768), 0);
  /* The connector's order decides among modes of the same size. */
  fail_unless_equals_int (shrbuf_choose_mode (modes, 5, 640, 480), 2);
  fail_unless_equals_int (shrbuf_choose_mode (modes, 5, 1920, 1080), 4);
  fail_unless_equals_int (shrbuf_choose_mode (modes, 5, 320, 240), -1);
  fail_unless_equals_int (shrbuf_choose_mode (modes, 5, 480, 640), -1);
  fail_unless_equals_int (shrbuf_choose_mode (modes, 0, 640, 480), -1);
  /* Unless one of them is the preferred one. */
  modes[3].type |= DRM_MODE_TYPE_PREFERRED;
  fail_unless_equals_int (shrbuf_choose_mode (modes, 5, 640, 480), 3);
}

GST_END_TEST;

/* The sink's pad template is the format table, as GStreamer names it. */
/* The render rectangle: scaled with the aspect kept and centred, or 1:1
 * centred and cropped where the plane cannot scale. */
GST_START_TEST (test_place_in_rect)
{
  const GstVideoRectangle wide = { 100, 50, 1000, 600 };
  const GstVideoRectangle small = { 10, 20, 320, 200 };
  const GstVideoRectangle frame = { 0, 0, 640, 480 };
  const GstVideoRectangle crop = { 80, 60, 640, 480 };
  ShrbufPlacement p;

  /* 640x480 (4:3) scaled into 1000x600: 800x600, centred horizontally. */
  shrbuf_place_in_rect (&frame, &wide, TRUE, &p);
  fail_unless (p.src.x == 0 && p.src.y == 0);
  fail_unless (p.src.w == 640 && p.src.h == 480);
  fail_unless (p.dst.x == 200 && p.dst.y == 50);
  fail_unless (p.dst.w == 800 && p.dst.h == 600);
  /* 1:1: 640x480 centred in 1000x600. */
  shrbuf_place_in_rect (&frame, &wide, FALSE, &p);
  fail_unless (p.src.w == 640 && p.src.h == 480);
  fail_unless (p.dst.x == 280 && p.dst.y == 110);
  fail_unless (p.dst.w == 640 && p.dst.h == 480);
  /* 1:1 into a smaller rectangle: cropped to it, at its top left. */
  shrbuf_place_in_rect (&frame, &small, FALSE, &p);
  fail_unless (p.src.w == 320 && p.src.h == 200);
  fail_unless (p.dst.x == 10 && p.dst.y == 20);
  fail_unless (p.dst.w == 320 && p.dst.h == 200);
  /* Scaled down into it: 267x200, centred. */
  shrbuf_place_in_rect (&frame, &small, TRUE, &p);
  fail_unless (p.src.w == 640 && p.src.h == 480 && p.dst.h == 200);
  fail_unless (p.dst.w == 266 || p.dst.w == 267);
  fail_unless (p.dst.x == 10 + (320 - p.dst.w) / 2 && p.dst.y == 20);
  /* A crop keeps its origin: 1:1 into the small rectangle, its top left. */
  shrbuf_place_in_rect (&crop, &small, FALSE, &p);
  fail_unless (p.src.x == 80 && p.src.y == 60);
  fail_unless (p.src.w == 320 && p.src.h == 200);
  shrbuf_place_in_rect (&crop, &wide, TRUE, &p);
  fail_unless (p.src.x == 80 && p.src.y == 60 && p.src.w == 640);
  fail_unless (p.dst.w == 800 && p.dst.h == 600);
}

GST_END_TEST;

GST_START_TEST (test_template_is_format_table)
{
  GstElement *sink = gst_element_factory_make ("shrbufsink", NULL);
  GstPad *pad;
  GstCaps *caps;
  guint i, n = 0;

  fail_unless (sink != NULL);
  pad = gst_element_get_static_pad (sink, "sink");
  caps = gst_pad_get_pad_template_caps (pad);
  for (i = 0; i < shrbuf_format_count (); i++) {
    const ShrbufFormat *f = shrbuf_format_get (i);
    GstCaps *one = gst_caps_new_simple ("video/x-raw", "format",
        G_TYPE_STRING, gst_video_format_to_string (f->gst),
        "width", G_TYPE_INT, 640, "height", G_TYPE_INT, 480,
        "framerate", GST_TYPE_FRACTION, 30, 1, NULL);

    fail_unless (gst_caps_is_subset (one, caps), "%s not in the template",
        gst_video_format_to_string (f->gst));
    /* Each DRM format maps back to the same GStreamer format. */
    fail_unless (shrbuf_format_from_drm (f->drm) == f);
    gst_caps_unref (one);
    n++;
  }
  fail_unless (n > 0);
  /* A format outside the table is not. */
  {
    GstCaps *v210 = gst_caps_from_string ("video/x-raw,format=v210,"
        "width=640,height=480,framerate=30/1");

    fail_if (gst_caps_is_subset (v210, caps));
    gst_caps_unref (v210);
  }
  gst_caps_unref (caps);
  gst_object_unref (pad);
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_properties)
{
  GstElement *sink = gst_element_factory_make ("shrbufsink", NULL);
  GstStructure *stats = NULL;
  gint plane_id, connector_id, fd, w;
  gchar *device;
  gboolean last_sample, force;
  guint64 v;

  g_object_get (sink, "device", &device, "plane-id", &plane_id,
      "connector-id", &connector_id, "fd", &fd, "display-width", &w,
      "enable-last-sample", &last_sample, "force-modesetting", &force,
      "stats", &stats, NULL);
  fail_unless (device == NULL);
  fail_unless_equals_int (plane_id, -1);
  fail_unless_equals_int (connector_id, -1);
  fail_unless_equals_int (fd, -1);
  fail_unless_equals_int (w, 0);
  fail_if (force);
  /* No extra reference on upstream's buffers. */
  fail_if (last_sample);
  fail_unless (stats != NULL);
  fail_unless (gst_structure_has_name (stats,
          "application/x-shrbufsink-stats"));
  fail_unless (gst_structure_get_uint64 (stats, "shown", &v) && v == 0);
  fail_unless (gst_structure_get_uint64 (stats, "copied", &v) && v == 0);
  fail_unless (gst_structure_has_field (stats, "latency-p50"));
  fail_unless (gst_structure_has_field (stats, "latency-p99"));
  gst_structure_free (stats);
  gst_object_unref (sink);
}

GST_END_TEST;

/* ---- framebuffer layouts (no DRM device: a memfd stands for a dma-buf) ---- */

static GstAllocator *dmabuf_allocator;

static GstMemory *
memfd_memory (gsize size)
{
  gint fd = memfd_create ("fb-layout", MFD_CLOEXEC);

  fail_unless (fd >= 0);
  fail_unless (ftruncate (fd, size) == 0);
  if (!dmabuf_allocator)
    dmabuf_allocator = gst_dmabuf_allocator_new ();
  return gst_dmabuf_allocator_alloc (dmabuf_allocator, fd, size);
}

static GstVideoInfo
video_info (GstVideoFormat format, guint width, guint height)
{
  GstVideoInfo info;

  fail_unless (gst_video_info_set_format (&info, format, width, height));
  return info;
}

/* The layout's error, NULL when there is a layout. */
static gchar *
layout_error (GstBuffer * buffer, const GstVideoInfo * info, gint * code)
{
  ShrbufFbLayout layout;
  GError *err = NULL;
  gchar *msg;

  if (shrbuf_fb_layout_from_buffer (buffer, info, &layout, &err)) {
    fail_unless (err == NULL);
    return NULL;
  }
  fail_unless (err != NULL);
  fail_unless (err->domain == SHRBUF_FB_ERROR);
  *code = err->code;
  msg = g_strdup (err->message);
  g_error_free (err);
  return msg;
}

/* A buffer of one dma-buf holding @info, whose GstVideoMeta says
 * @n_planes planes of @format at @offset with @stride: its layout fails
 * with SHRBUF_FB_ERROR_LAYOUT and the message @want. */
static void
check_meta_layout_error (const GstVideoInfo * info, GstVideoFormat format,
    guint n_planes, gsize offset[], gint stride[], const gchar * want)
{
  GstBuffer *buf = gst_buffer_new ();
  gint code = -1;
  gchar *msg;

  gst_buffer_append_memory (buf, memfd_memory (info->size));
  gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE, format,
      GST_VIDEO_INFO_WIDTH (info), GST_VIDEO_INFO_HEIGHT (info), n_planes,
      offset, stride);
  msg = layout_error (buf, info, &code);
  fail_unless_equals_int (code, SHRBUF_FB_ERROR_LAYOUT);
  fail_unless_equals_string (msg, want);
  g_free (msg);
  gst_buffer_unref (buf);
}

GST_START_TEST (test_layout_not_dmabuf)
{
  GstVideoInfo info = video_info (GST_VIDEO_FORMAT_BGRx, 64, 16);
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info.size, NULL);
  gint code = -1;
  gchar *msg = layout_error (buf, &info, &code);

  fail_unless_equals_int (code, SHRBUF_FB_ERROR_NOT_DMABUF);
  fail_unless_equals_string (msg, "not dma-buf memory (SystemMemory)");
  g_free (msg);
  gst_buffer_unref (buf);
}

GST_END_TEST;

GST_START_TEST (test_layout_stride_refused)
{
  GstVideoInfo info = video_info (GST_VIDEO_FORMAT_BGRx, 64, 16);
  gint strides[] = { 0, -256 };
  const gchar *want[] = { "stride 0 of plane 0 refused",
    "stride -256 of plane 0 refused"
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (strides); i++) {
    gsize offset[GST_VIDEO_MAX_PLANES] = { 0 };
    gint stride[GST_VIDEO_MAX_PLANES] = { strides[i] };

    check_meta_layout_error (&info, GST_VIDEO_FORMAT_BGRx, 1, offset, stride,
        want[i]);
  }
}

GST_END_TEST;

GST_START_TEST (test_layout_plane_outside)
{
  GstVideoInfo info = video_info (GST_VIDEO_FORMAT_NV12, 64, 16);
  gsize offset[GST_VIDEO_MAX_PLANES] = { 0, 4096 };
  gint stride[GST_VIDEO_MAX_PLANES] = { 64, 64 };

  /* 1536 bytes: the chroma plane would start past the end. */
  check_meta_layout_error (&info, GST_VIDEO_FORMAT_NV12, 2, offset, stride,
      "plane 1 at offset 4096 is outside the buffer");
}

GST_END_TEST;

GST_START_TEST (test_layout_plane_count)
{
  GstVideoInfo info = video_info (GST_VIDEO_FORMAT_NV12, 64, 16);
  gsize offset[GST_VIDEO_MAX_PLANES] = { 0 };
  gint stride[GST_VIDEO_MAX_PLANES] = { 64 };

  check_meta_layout_error (&info, GST_VIDEO_FORMAT_GRAY8, 1, offset, stride,
      "1 planes in the video meta, 2 in the caps");
}

GST_END_TEST;

/* The key is the dma-buf's identity with each plane's offset and pitch:
 * the same memory twice is one framebuffer, another offset or another
 * dma-buf is not. */
GST_START_TEST (test_layout_key)
{
  GstVideoInfo info = video_info (GST_VIDEO_FORMAT_NV12, 64, 16);
  GstMemory *mem = memfd_memory (info.size + 64);
  GstBuffer *a = gst_buffer_new (), *b = gst_buffer_new ();
  GstBuffer *shifted = gst_buffer_new (), *other = gst_buffer_new ();
  ShrbufFbLayout la, lb, ls, lo;

  gst_buffer_append_memory (a, gst_memory_ref (mem));
  gst_buffer_append_memory (b, gst_memory_ref (mem));
  gst_buffer_append_memory (shifted, gst_memory_share (mem, 64, info.size));
  gst_buffer_append_memory (other, memfd_memory (info.size));
  fail_unless (shrbuf_fb_layout_from_buffer (a, &info, &la, NULL));
  fail_unless (shrbuf_fb_layout_from_buffer (b, &info, &lb, NULL));
  fail_unless (shrbuf_fb_layout_from_buffer (shifted, &info, &ls, NULL));
  fail_unless (shrbuf_fb_layout_from_buffer (other, &info, &lo, NULL));

  fail_unless_equals_int (la.n_planes, 2);
  fail_unless_equals_int (la.fds[0], gst_dmabuf_memory_get_fd (mem));
  fail_unless_equals_int (la.fds[1], la.fds[0]);
  fail_unless_equals_int (la.key.p[0].offset, 0);
  fail_unless_equals_int (la.key.p[0].pitch, 64);
  fail_unless_equals_int (la.key.p[1].offset,
      GST_VIDEO_INFO_PLANE_OFFSET (&info, 1));
  fail_unless_equals_int (la.key.p[2].ino, 0);
  fail_unless (memcmp (&la.key, &lb.key, sizeof (la.key)) == 0);
  fail_unless_equals_int (ls.key.p[0].offset, 64);
  fail_unless (memcmp (&la.key, &ls.key, sizeof (la.key)) != 0);
  fail_unless (la.key.p[0].ino != lo.key.p[0].ino);

  gst_memory_unref (mem);
  gst_buffer_unref (a);
  gst_buffer_unref (b);
  gst_buffer_unref (shifted);
  gst_buffer_unref (other);
}

GST_END_TEST;

/* The flip handler releases the frame it replaced outside the lock, which
 * can take long (the buffer goes back upstream). A frame queued meanwhile
 * waits, and is dropped when that takes longer than its wait: that is no
 * stuck flip, since none is pending. */
typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean releasing, may_go;
} Release;

static void
slow_release (gpointer data, GstMiniObject * obj)
{
  Release *r = data;

  g_mutex_lock (&r->lock);
  r->releasing = TRUE;
  g_cond_broadcast (&r->cond);
  while (!r->may_go)
    g_cond_wait (&r->cond, &r->lock);
  g_mutex_unlock (&r->lock);
}

static gpointer
flip_thread (gpointer scanouts)
{
  shrbuf_scanouts_flipped (1, scanouts);
  return NULL;
}

static ShrbufScanoutQueueResult
queue_buffer (ShrbufScanouts * s, GstBuffer * buffer, gint64 wait_us,
    gint64 stuck_us)
{
  ShrbufScanout frame = { NULL, };
  ShrbufScanoutQueueResult res;

  frame.buffer = buffer;
  res = shrbuf_scanouts_queue (s, &frame, FALSE, wait_us, stuck_us);
  shrbuf_scanout_clear (&frame);
  return res;
}

GST_START_TEST (test_scanout_releasing_not_stuck)
{
  ShrbufScanouts s;
  Release r;
  GstBuffer *a = gst_buffer_new ();
  GThread *t;

  g_mutex_init (&r.lock);
  g_cond_init (&r.cond);
  r.releasing = r.may_go = FALSE;
  shrbuf_scanouts_init (&s, NULL);
  gst_mini_object_weak_ref (GST_MINI_OBJECT (a), slow_release, &r);

  /* a on screen, b committed; b's flip releases a, slowly. */
  fail_unless_equals_int (queue_buffer (&s, a, 0, 0), SHRBUF_SCANOUT_QUEUED);
  shrbuf_scanouts_flipped (1, &s);
  fail_unless_equals_int (queue_buffer (&s, gst_buffer_new (), 0, 0),
      SHRBUF_SCANOUT_QUEUED);
  t = g_thread_new ("flip", flip_thread, &s);
  g_mutex_lock (&r.lock);
  while (!r.releasing)
    g_cond_wait (&r.cond, &r.lock);
  g_mutex_unlock (&r.lock);

  /* Nothing pending, a still going: dropped, not stuck. */
  fail_unless_equals_int (queue_buffer (&s, gst_buffer_new (), 1000, 0),
      SHRBUF_SCANOUT_DROPPED);

  g_mutex_lock (&r.lock);
  r.may_go = TRUE;
  g_cond_broadcast (&r.cond);
  g_mutex_unlock (&r.lock);
  g_thread_join (t);

  /* A flip that never comes is stuck. */
  fail_unless_equals_int (queue_buffer (&s, gst_buffer_new (), 0, 0),
      SHRBUF_SCANOUT_QUEUED);
  fail_unless_equals_int (queue_buffer (&s, gst_buffer_new (), 1000, 0),
      SHRBUF_SCANOUT_STUCK);
  shrbuf_scanouts_release (&s);
  shrbuf_scanouts_clear (&s);
  g_mutex_clear (&r.lock);
  g_cond_clear (&r.cond);
}

GST_END_TEST;

static void
layout_teardown (void)
{
  gst_clear_object (&dmabuf_allocator);
}

static Suite *
shrbufsink_suite (void)
{
  Suite *s = suite_create ("shrbufsink");
  TCase *tc = tcase_create ("general");
  TCase *tc_layout = tcase_create ("fb-layout");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_plane_overlay_first);
  tcase_add_test (tc, test_plane_primary_when_modesetting);
  tcase_add_test (tc, test_plane_primary_only);
  tcase_add_test (tc, test_plane_never_cursor_automatically);
  tcase_add_test (tc, test_plane_by_id);
  tcase_add_test (tc, test_plane_modifiers);
  tcase_add_test (tc, test_plane_pairs);
  tcase_add_test (tc, test_mode_choice);
  tcase_add_test (tc, test_scanout_releasing_not_stuck);
  tcase_add_test (tc, test_place_in_rect);
  tcase_add_test (tc, test_template_is_format_table);
  tcase_add_test (tc, test_properties);

  suite_add_tcase (s, tc_layout);
  tcase_add_checked_fixture (tc_layout, NULL, layout_teardown);
  tcase_add_test (tc_layout, test_layout_not_dmabuf);
  tcase_add_test (tc_layout, test_layout_stride_refused);
  tcase_add_test (tc_layout, test_layout_plane_outside);
  tcase_add_test (tc_layout, test_layout_plane_count);
  tcase_add_test (tc_layout, test_layout_key);
  return s;
}

GST_CHECK_MAIN (shrbufsink);
