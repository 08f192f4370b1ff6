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

#ifndef __SHRBUF_V4L2_LAYOUT_H__
#define __SHRBUF_V4L2_LAYOUT_H__

#include <gst/gst.h>
#include <gst/video/video.h>

#include "v4l2-device.h"

G_BEGIN_DECLS

gboolean shrbuf_v4l2_layout (GstVideoInfo * info,
    const ShrbufV4l2Format * fmt, GError ** error);

G_END_DECLS

#endif /* __SHRBUF_V4L2_LAYOUT_H__ */
