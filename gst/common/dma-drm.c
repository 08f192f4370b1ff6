/* gst-shrbuf: DMA_DRM caps (GStreamer >= 1.24) behind one seam
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

#include "dma-drm.h"
#include "formats.h"

#include <drm_fourcc.h>
#include <gst/allocators/allocators.h>

/* The one version test of the project (see dma-drm.h). */
#if GST_CHECK_VERSION (1, 24, 0)
#define HAVE_DMA_DRM 1
#else
#define HAVE_DMA_DRM 0
#endif

gboolean
shrbuf_dma_drm_supported (void)
{
  return HAVE_DMA_DRM;
}

guint32
shrbuf_dma_drm_gst_fourcc (GstVideoFormat format)
{
#if HAVE_DMA_DRM
  return gst_video_dma_drm_fourcc_from_format (format);
#else
  return 0;
#endif
}

gchar *
shrbuf_drm_format_to_string (guint32 fourcc, guint64 modifier)
{
#if HAVE_DMA_DRM
  if (fourcc != DRM_FORMAT_INVALID && modifier != DRM_FORMAT_MOD_INVALID)
    return gst_video_dma_drm_fourcc_to_string (fourcc, modifier);
#endif
  if (modifier == DRM_FORMAT_MOD_LINEAR)
    return g_strdup_printf ("%" GST_FOURCC_FORMAT, GST_FOURCC_ARGS (fourcc));
  return g_strdup_printf ("%" GST_FOURCC_FORMAT ":0x%016" G_GINT64_MODIFIER
      "x", GST_FOURCC_ARGS (fourcc), modifier);
}

#if HAVE_DMA_DRM
/* The GStreamer format of a DRM fourcc: the shared table's, which also
 * has rows GStreamer's own map lacks (R8), else GStreamer's. */
static GstVideoFormat
format_from_fourcc (guint32 fourcc)
{
  const ShrbufFormat *sf = shrbuf_format_from_drm (fourcc);

  return sf ? sf->gst : gst_video_dma_drm_fourcc_to_format (fourcc);
}

/* The rest of DMA_DRM @caps parsed as plain caps of @format: the same
 * defaults (colorimetry, chroma site) as plain caps get, where DMA_DRM
 * parsing of a modifier leaves those of GST_VIDEO_FORMAT_DMA_DRM. */
static gboolean
info_as_plain (const GstCaps * caps, GstVideoFormat format, GstVideoInfo * info)
{
  g_autoptr (GstCaps) plain = gst_caps_copy (caps);
  GstStructure *s = gst_caps_get_structure (plain, 0);

  gst_caps_set_features_simple (plain, NULL);
  gst_structure_remove_field (s, "drm-format");
  gst_structure_set (s, "format", G_TYPE_STRING,
      gst_video_format_to_string (format), NULL);
  return gst_video_info_from_caps (info, plain);
}

static gboolean
info_from_dma_drm_caps (const GstCaps * caps, GstVideoInfo * info,
    guint32 * fourcc, guint64 * modifier)
{
  GstVideoInfoDmaDrm drm_info;
  GstVideoInfo theirs;
  GstVideoFormat format;

  gst_video_info_dma_drm_init (&drm_info);
  if (!gst_video_info_dma_drm_from_caps (&drm_info, caps))
    return FALSE;
  *fourcc = drm_info.drm_fourcc;
  *modifier = drm_info.drm_modifier;
  format = format_from_fourcc (drm_info.drm_fourcc);
  if (format == GST_VIDEO_FORMAT_UNKNOWN)
    return FALSE;
  /* A cross-check of the table with GStreamer's own choice. */
  if (gst_video_info_dma_drm_to_video_info (&drm_info, &theirs)
      && GST_VIDEO_INFO_FORMAT (&theirs) != format)
    GST_WARNING ("GStreamer maps %" GST_FOURCC_FORMAT " to %s, the table to "
        "%s: the table's", GST_FOURCC_ARGS (*fourcc),
        gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&theirs)),
        gst_video_format_to_string (format));
  return info_as_plain (caps, format, info);
}
#endif

gboolean
shrbuf_video_info_from_caps (const GstCaps * caps, GstVideoInfo * info,
    guint32 * drm_fourcc, guint64 * modifier, gboolean * is_dma_drm)
{
  const ShrbufFormat *sf;
  guint32 fourcc = 0;
  guint64 mod = DRM_FORMAT_MOD_LINEAR;
  gboolean dma_drm = FALSE;

  g_return_val_if_fail (caps != NULL && info != NULL, FALSE);
  if (!gst_caps_is_fixed (caps))
    return FALSE;
#if HAVE_DMA_DRM
  dma_drm = gst_video_is_dma_drm_caps (caps);
  if (dma_drm && !info_from_dma_drm_caps (caps, info, &fourcc, &mod))
    return FALSE;
#endif
  if (!dma_drm) {
    if (!gst_video_info_from_caps (info, caps))
      return FALSE;
#if HAVE_DMA_DRM
    /* format=DMA_DRM without the memory:DMABuf feature */
    if (GST_VIDEO_INFO_FORMAT (info) == GST_VIDEO_FORMAT_DMA_DRM)
      return FALSE;
#endif
    sf = shrbuf_format_from_gst (GST_VIDEO_INFO_FORMAT (info));
    fourcc = sf ? sf->drm : 0;
  }
  if (drm_fourcc)
    *drm_fourcc = fourcc;
  if (modifier)
    *modifier = mod;
  if (is_dma_drm)
    *is_dma_drm = dma_drm;
  return TRUE;
}

GstVideoFormat
shrbuf_structure_get_format (const GstStructure * s, guint64 * modifier)
{
  const gchar *format = gst_structure_get_string (s, "format");
  guint64 mod = DRM_FORMAT_MOD_LINEAR;
  GstVideoFormat ret = GST_VIDEO_FORMAT_UNKNOWN;

  if (format)
    ret = gst_video_format_from_string (format);
#if HAVE_DMA_DRM
  if (ret == GST_VIDEO_FORMAT_DMA_DRM) {
    const gchar *drm = gst_structure_get_string (s, "drm-format");
    guint32 fourcc = drm ? gst_video_dma_drm_fourcc_from_string (drm, &mod) :
        DRM_FORMAT_INVALID;

    ret = fourcc != DRM_FORMAT_INVALID ? format_from_fourcc (fourcc) :
        GST_VIDEO_FORMAT_UNKNOWN;
  }
#endif
  if (modifier)
    *modifier = mod;
  return ret;
}

void
shrbuf_dma_drm_caps_append (GstCaps * caps, const ShrbufDrmFormat * formats,
    guint n_formats, const GstStructure * fields)
{
#if HAVE_DMA_DRM
  GValue list = G_VALUE_INIT;
  GValue v = G_VALUE_INIT;
  GstStructure *s;
  guint i;

  if (n_formats == 0)
    return;
  g_value_init (&list, GST_TYPE_LIST);
  for (i = 0; i < n_formats; i++) {
    g_value_init (&v, G_TYPE_STRING);
    g_value_take_string (&v, gst_video_dma_drm_fourcc_to_string
        (formats[i].fourcc, formats[i].modifier));
    gst_value_list_append_and_take_value (&list, &v);
  }
  s = gst_structure_copy (fields);
  gst_structure_set_name (s, "video/x-raw");
  gst_structure_set (s, "format", G_TYPE_STRING, "DMA_DRM", NULL);
  if (n_formats == 1)
    gst_structure_set_value (s, "drm-format",
        gst_value_list_get_value (&list, 0));
  else
    gst_structure_take_value (s, "drm-format", &list);
  if (G_IS_VALUE (&list))
    g_value_unset (&list);
  gst_caps_append_structure_full (caps, s,
      gst_caps_features_new (GST_CAPS_FEATURE_MEMORY_DMABUF, NULL));
#endif
}

void
shrbuf_dma_drm_template_append (GstCaps * caps, gint max_size)
{
#if HAVE_DMA_DRM
  gst_caps_append_structure_full (caps, gst_structure_new ("video/x-raw",
          "format", G_TYPE_STRING, "DMA_DRM",
          "width", GST_TYPE_INT_RANGE, 1, max_size,
          "height", GST_TYPE_INT_RANGE, 1, max_size,
          "framerate", GST_TYPE_FRACTION_RANGE, 0, 1, G_MAXINT, 1, NULL),
      gst_caps_features_new (GST_CAPS_FEATURE_MEMORY_DMABUF, NULL));
#endif
}

GstCaps *
shrbuf_dma_drm_caps_from_info (const GstVideoInfo * info, guint64 modifier)
{
#if HAVE_DMA_DRM
  const ShrbufFormat *sf = shrbuf_format_from_gst (GST_VIDEO_INFO_FORMAT
      (info));
  GstVideoInfoDmaDrm drm_info;
  guint32 theirs;

  if (!sf || modifier == DRM_FORMAT_MOD_INVALID)
    return NULL;
  theirs = gst_video_dma_drm_fourcc_from_format (GST_VIDEO_INFO_FORMAT (info));
  if (theirs != DRM_FORMAT_INVALID && theirs != sf->drm)
    GST_WARNING ("GStreamer maps %s to %" GST_FOURCC_FORMAT ", the table to %"
        GST_FOURCC_FORMAT ": the table's", gst_video_format_to_string
        (sf->gst), GST_FOURCC_ARGS (theirs), GST_FOURCC_ARGS (sf->drm));
  /* The table's fourcc, with the real format in vinfo: to_caps writes
   * format=DMA_DRM and the drm-format itself. */
  gst_video_info_dma_drm_init (&drm_info);
  drm_info.vinfo = *info;
  drm_info.drm_fourcc = sf->drm;
  drm_info.drm_modifier = modifier;
  return gst_video_info_dma_drm_to_caps (&drm_info);
#else
  return NULL;
#endif
}
