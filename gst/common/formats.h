/* gst-shrbuf: pixel formats shared by the source and the sink
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SHRBUF_FORMATS_H__
#define __SHRBUF_FORMATS_H__

#include <gst/video/video.h>
#include <linux/videodev2.h>

G_BEGIN_DECLS

/* One pixel format as GStreamer, V4L2 and DRM name it. A V4L2 format may
 * have a single-planar fourcc (all planes in one buffer), a multi-planar
 * one (one buffer a plane, such as NV12M), or both; 0 where there is none. */
typedef struct
{
  GstVideoFormat gst;
  guint32 v4l2;
  guint32 v4l2_mplane;
  guint32 drm;
} ShrbufFormat;

guint shrbuf_format_count (void);
const ShrbufFormat *shrbuf_format_get (guint index);

const ShrbufFormat *shrbuf_format_from_gst (GstVideoFormat format);
const ShrbufFormat *shrbuf_format_from_v4l2 (guint32 fourcc);
const ShrbufFormat *shrbuf_format_from_drm (guint32 fourcc);

GstCaps *shrbuf_format_template_caps (gint max_size);

guint shrbuf_format_offer_order (const struct v4l2_fmtdesc *descs, guint n,
    guint order[]);

G_END_DECLS

#endif /* __SHRBUF_FORMATS_H__ */
