/* gst-shrbuf: dma-buf memories that are a V4L2 device's capture buffers
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

#ifndef __GST_SHRBUF_ALLOCATOR_H__
#define __GST_SHRBUF_ALLOCATOR_H__

#include <gst/gst.h>
#include <gst/allocators/allocators.h>

G_BEGIN_DECLS

#define GST_TYPE_SHRBUF_ALLOCATOR (gst_shrbuf_allocator_get_type ())
G_DECLARE_FINAL_TYPE (GstShrbufAllocator, gst_shrbuf_allocator, GST,
    SHRBUF_ALLOCATOR, GstDmaBufAllocator)

#define GST_SHRBUF_ALLOCATOR_MAX_PLANES 4

/* Called on whatever thread dropped the last reference, without the
 * allocator's lock, when every memory of frame @index has come back from
 * downstream: the owner gives the frame back to the driver. It must not
 * call gst_shrbuf_allocator_retire(). Once that returned, it is not called
 * again (retire waits for the calls in flight). */
typedef void (*GstShrbufRecycleFunc) (GstShrbufAllocator * allocator,
    guint index, gpointer user_data);

GstAllocator *gst_shrbuf_allocator_new (GstShrbufRecycleFunc recycle,
    gpointer user_data);

gboolean gst_shrbuf_allocator_add_frame (GstShrbufAllocator * allocator,
    guint index, guint n_planes, const gint fds[], const gsize sizes[]);
gboolean gst_shrbuf_allocator_append_frame (GstShrbufAllocator * allocator,
    guint index, GstBuffer * buffer, const gsize used[]);
void gst_shrbuf_allocator_retire (GstShrbufAllocator * allocator);

G_END_DECLS

#endif /* __GST_SHRBUF_ALLOCATOR_H__ */
