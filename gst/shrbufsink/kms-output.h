/* gst-shrbuf: DRM/KMS output of shrbufsink
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Library General Public License for more details.
 */

#ifndef __SHRBUF_KMS_OUTPUT_H__
#define __SHRBUF_KMS_OUTPUT_H__

#include <gst/gst.h>
#include <gst/video/video.h>
#include <xf86drmMode.h>

#include "dma-drm.h"

G_BEGIN_DECLS

/* One DRM plane as the plane choice sees it. The arrays belong to
 * whoever fills the description (the output frees its own at close). */
typedef struct
{
  guint32 id;
  guint32 type;                 /* DRM_PLANE_TYPE_{OVERLAY,PRIMARY,CURSOR} */
  guint32 possible_crtcs;       /* bit i: the CRTC at index i */
  const guint32 *formats;       /* DRM fourccs */
  guint n_formats;
  /* The fourcc:modifier pairs of the plane's IN_FORMATS blob; none (a
   * plane or driver without the blob): each of formats, linear only. */
  const ShrbufDrmFormat *modifiers;
  guint n_modifiers;
} ShrbufPlaneDesc;

/* Whether plane @p takes @fourcc with @modifier (shrbuf_choose_plane ()
 * and the caps ask it, see ShrbufPlaneDesc). */
gboolean shrbuf_plane_takes (const ShrbufPlaneDesc * p, guint32 fourcc,
    guint64 modifier);

/* Pure plane choice: the index in @planes of the plane to show @drm_format
 * with @modifier on the CRTC at @crtc_index, or -1. With @plane_id set
 * (not 0), only that plane, if it fits. Otherwise an overlay plane that
 * supports the format, else the primary plane; with @prefer_primary (the
 * sink sets the mode and owns the whole CRTC), the primary plane first,
 * then an overlay. Cursor planes are never chosen automatically. */
gint shrbuf_choose_plane (const ShrbufPlaneDesc * planes, guint n_planes,
    guint crtc_index, guint32 drm_format, guint64 modifier,
    guint32 plane_id, gboolean prefer_primary);

/* Pure: the fourcc:modifier pairs (ShrbufDrmFormat) the planes usable on
 * the CRTC at @crtc_index (not cursors) take, each once, for the formats
 * of the shared table only, in the table's order (BGRx first), each
 * format's modifiers in the planes' order. A new array the caller frees. */
GArray *shrbuf_planes_drm_formats (const ShrbufPlaneDesc * planes,
    guint n_planes, guint crtc_index);

/* Pure mode choice: the index in @modes of the mode @width x @height
 * (the connector's preferred one first, then in the connector's order),
 * or -1. */
gint shrbuf_choose_mode (const drmModeModeInfo * modes, guint n_modes,
    guint width, guint height);

typedef struct _ShrbufKmsOutput ShrbufKmsOutput;

/* Called from the output's event thread when a commit has reached the
 * screen, with the flip time on CLOCK_MONOTONIC in nanoseconds. */
typedef void (*ShrbufKmsFlipFunc) (guint64 flip_time_ns, gpointer user_data);

/* Opens @device, or the first card driven by @driver_name, or the first
 * card with a connected connector; or uses @fd (not closed, not owned) when
 * it is >= 0. Errors are in GST_RESOURCE_ERROR (NOT_FOUND, BUSY,
 * OPEN_READ_WRITE, SETTINGS, FAILED). */
ShrbufKmsOutput *shrbuf_kms_output_open (const gchar * device,
    const gchar * driver_name, gint fd, gint connector_id,
    ShrbufKmsFlipFunc flip_func, gpointer user_data, GError ** error);
void shrbuf_kms_output_close (ShrbufKmsOutput * out);

gint shrbuf_kms_output_get_fd (ShrbufKmsOutput * out);
const gchar *shrbuf_kms_output_get_path (ShrbufKmsOutput * out);

/* The caps the device can show, in the order the sink prefers: first (on
 * GStreamer >= 1.24) DMA_DRM caps listing exactly the fourcc:modifier
 * pairs of shrbuf_planes_drm_formats (), then plain caps for upstreams
 * that do not speak DMA_DRM: formats in the shared table's order (BGRx
 * first), one structure each. Where the frame would go on the primary
 * plane with a mode of its own, one structure per mode size (the current
 * mode's first, then the connector's order), since the primary plane must
 * cover the CRTC; on an overlay, any size. A new reference. */
GstCaps *shrbuf_kms_output_get_caps (ShrbufKmsOutput * out,
    guint32 plane_id, gboolean force_modesetting);
/* For messages: "BGRx (XR24), ...", the formats of the planes usable on
 * the output's CRTC. */
gchar *shrbuf_kms_output_describe_formats (ShrbufKmsOutput * out);

/* Chooses the plane and the mode for @width x @height frames of
 * @drm_format with @modifier; nothing is committed yet. Fails with
 * GST_CORE_ERROR_NEGOTIATION, naming the fourcc, the modifier and the
 * plane, when no plane takes the pair. */
gboolean shrbuf_kms_output_configure (ShrbufKmsOutput * out,
    guint32 drm_format, guint64 modifier, guint width, guint height,
    guint32 plane_id, gboolean force_modesetting, GError ** error);
void shrbuf_kms_output_get_display_size (ShrbufKmsOutput * out,
    guint * width, guint * height);
guint32 shrbuf_kms_output_get_plane_id (ShrbufKmsOutput * out);

/* Where a frame goes: its source rectangle in the framebuffer (the whole
 * frame, or the GstVideoCropMeta's) and the plane's rectangle on the
 * CRTC. */
typedef struct
{
  GstVideoRectangle src;
  GstVideoRectangle dst;
} ShrbufPlacement;

/* Shows the @src rectangle of framebuffer @fb_id on the CRTC: in the
 * render rectangle @rect, scaled with its aspect kept and centred, or 1:1
 * and centred when the plane cannot scale (@rect NULL or empty: the
 * default placement, 1:1 at the top left of an overlay, the whole CRTC on
 * the primary plane). Never blocks on the flip: the flip function reports
 * when it is on screen. On failure, errno is kept. */
gboolean shrbuf_kms_output_commit (ShrbufKmsOutput * out, guint32 fb_id,
    const GstVideoRectangle * src, const GstVideoRectangle * rect,
    GError ** error);
/* TRUE once after a commit found that the plane cannot scale into the
 * render rectangle (and showed the frame 1:1 instead). */
gboolean shrbuf_kms_output_take_scaling_refused (ShrbufKmsOutput * out);
/* The placement of the @src rectangle of a frame in @rect: scaled, aspect
 * kept, centred with @scale; else 1:1, centred, the source cropped at its
 * right and bottom to fit. */
void shrbuf_place_in_rect (const GstVideoRectangle * src,
    const GstVideoRectangle * rect, gboolean scale, ShrbufPlacement * p);

/* Puts the CRTC back as it was at open (mode, framebuffer, plane off). */
void shrbuf_kms_output_restore (ShrbufKmsOutput * out);

G_END_DECLS

#endif /* __SHRBUF_KMS_OUTPUT_H__ */
