/* gst-shrbuf: copying a captured frame into a buffer
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

#ifndef __SHRBUF_FRAME_COPY_H__
#define __SHRBUF_FRAME_COPY_H__

#include <gst/gst.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

gboolean shrbuf_frame_copy (const GstVideoInfo * src_info, guint n_memories,
    gpointer const data[], const gsize sizes[], GstBuffer * dest,
    const GstVideoInfo * dest_info);

G_END_DECLS

#endif /* __SHRBUF_FRAME_COPY_H__ */
