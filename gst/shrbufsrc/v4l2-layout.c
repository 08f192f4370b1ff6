/* gst-shrbuf: where the video planes are in a V4L2 driver's buffers
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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "v4l2-layout.h"

/* Sets the strides, offsets and size of @info (the negotiated format, at
 * the width and height the driver agreed to) to those of the driver's
 * buffers described by @fmt (from S_FMT): with one buffer a frame
 * (single-planar) the planes follow each other, each at its stride as
 * extrapolated from the first plane's bytesperline; with one buffer a
 * plane (multi-planar) each plane has its own bytesperline, and an offset
 * counts across the buffers, as in a GstVideoMeta. Pure: it only reads
 * @fmt. Fails (GST_CORE_ERROR_NEGOTIATION) when the driver's buffers are
 * smaller than the planes need, or when the buffer count fits neither. */
gboolean
shrbuf_v4l2_layout (GstVideoInfo * info, const ShrbufV4l2Format * fmt,
    GError ** error)
{
  const GstVideoFormatInfo *finfo = info->finfo;
  guint n = GST_VIDEO_INFO_N_PLANES (info);
  gsize offset = 0;
  guint i;

  if (fmt->n_planes == 1) {
    /* All planes in one buffer, one after the other. */
    for (i = 0; i < n; i++) {
      gint stride = gst_video_format_info_extrapolate_stride (finfo, i,
          fmt->bytesperline[0]);
      gsize rows = GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (finfo, i, info->height);

      info->stride[i] = stride;
      info->offset[i] = offset;
      offset += rows * stride;
    }
    if (offset > fmt->sizeimage[0]) {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
          "planes need %" G_GSIZE_FORMAT " bytes, the driver's buffers "
          "hold %u", offset, fmt->sizeimage[0]);
      return FALSE;
    }
    info->size = fmt->sizeimage[0];
  } else if (fmt->n_planes == n) {
    /* One buffer a plane: a video meta offset counts across memories. */
    for (i = 0; i < n; i++) {
      info->stride[i] = fmt->bytesperline[i];
      info->offset[i] = offset;
      offset += fmt->sizeimage[i];
    }
    info->size = offset;
  } else {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "%u V4L2 planes for %u video planes", fmt->n_planes, n);
    return FALSE;
  }
  return TRUE;
}
