/* gst-shrbuf: DMA_DRM caps (GStreamer >= 1.24) behind one seam
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SHRBUF_DMA_DRM_H__
#define __SHRBUF_DMA_DRM_H__

#include <gst/video/video.h>

G_BEGIN_DECLS

/* Since GStreamer 1.24 a dma-buf may be described by its DRM fourcc and
 * modifier: video/x-raw(memory:DMABuf), format=DMA_DRM,
 * drm-format=XR24:0x0100000000000001 (linear without the suffix:
 * drm-format=XR24). This file is the only place that knows which
 * GStreamer it was built against: against 1.22 there are no such caps,
 * the builders below add nothing and the parser takes plain caps only.
 * The elements never test the version themselves. */

/* One DRM format with its layout modifier (DRM_FORMAT_MOD_*). */
typedef struct
{
  guint32 fourcc;
  guint64 modifier;
} ShrbufDrmFormat;

/* TRUE when built against GStreamer >= 1.24, which has DMA_DRM caps. */
gboolean shrbuf_dma_drm_supported (void);

/* GStreamer's own DRM fourcc for @format (its linear mapping), 0 when it
 * has none or against 1.22: to cross-check the shared table with. */
guint32 shrbuf_dma_drm_gst_fourcc (GstVideoFormat format);

/* Parses fixed caps, plain (video/x-raw,format=BGRx, with or without the
 * memory:DMABuf feature) or DMA_DRM, into @info with a real
 * GstVideoFormat (never GST_VIDEO_FORMAT_DMA_DRM). @drm_fourcc gets the
 * DRM fourcc (0 when the format has none in the shared table), @modifier
 * the modifier (DRM_FORMAT_MOD_LINEAR for plain caps), @is_dma_drm
 * whether the caps were DMA_DRM; each of the three may be NULL. Fails on
 * caps that are neither, or a DRM fourcc with no GStreamer format. Fills
 * caller-allocated storage only. */
gboolean shrbuf_video_info_from_caps (const GstCaps * caps,
    GstVideoInfo * info, guint32 * drm_fourcc, guint64 * modifier,
    gboolean * is_dma_drm);

/* The GStreamer format of a caps structure whose format is fixed: its
 * "format" field, or for DMA_DRM its "drm-format" (the modifier, if
 * @modifier is not NULL, in @modifier); GST_VIDEO_FORMAT_UNKNOWN when
 * unfixed or unknown. For fixating structures that may be either. */
GstVideoFormat shrbuf_structure_get_format (const GstStructure * s,
    guint64 * modifier);

/* @fourcc and @modifier as a DMA_DRM drm-format string ("XR24",
 * "XR24:0x0100000000000001"), also for messages; newly allocated, the
 * caller frees it. Works against 1.22 too (same spelling). */
gchar *shrbuf_drm_format_to_string (guint32 fourcc, guint64 modifier);

/* Appends to @caps one video/x-raw(memory:DMABuf), format=DMA_DRM
 * structure listing the @n_formats pairs in @formats as drm-format (a
 * string for one, a list in the given order for more), with the other
 * fields (width, height, framerate: values, ranges or lists) copied from
 * @fields, which stays the caller's. Against 1.22, or with @n_formats 0,
 * appends nothing. */
void shrbuf_dma_drm_caps_append (GstCaps * caps,
    const ShrbufDrmFormat * formats, guint n_formats,
    const GstStructure * fields);

/* Appends to a pad template @caps the DMA_DRM structure of any
 * drm-format, sizes 1 to @max_size, any frame rate; nothing against 1.22. */
void shrbuf_dma_drm_template_append (GstCaps * caps, gint max_size);

/* Fixed DMA_DRM caps of @info (a real format) with @modifier; a new
 * reference the caller owns. NULL against 1.22, or when the format has no
 * DRM fourcc. */
GstCaps *shrbuf_dma_drm_caps_from_info (const GstVideoInfo * info,
    guint64 modifier);

G_END_DECLS

#endif /* __SHRBUF_DMA_DRM_H__ */
