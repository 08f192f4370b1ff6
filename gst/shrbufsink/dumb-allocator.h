/* gst-shrbuf: dumb buffers exported as dma-buf, for shrbufsink
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

#ifndef __SHRBUF_DUMB_ALLOCATOR_H__
#define __SHRBUF_DUMB_ALLOCATOR_H__

#include <gst/allocators/allocators.h>

G_BEGIN_DECLS

#define SHRBUF_TYPE_DUMB_ALLOCATOR (shrbuf_dumb_allocator_get_type ())
G_DECLARE_FINAL_TYPE (ShrbufDumbAllocator, shrbuf_dumb_allocator, SHRBUF,
    DUMB_ALLOCATOR, GstDmaBufAllocator)

/* Allocates DRM dumb buffers on @drm_fd (not owned; it must outlive the
 * allocations, not the memories) and hands each out as dma-buf memory:
 * the memory owns the dma-buf fd, and the dma-buf keeps the buffer. */
GstAllocator *shrbuf_dumb_allocator_new (gint drm_fd);

/* A pool of @min or more video buffers of @caps in dumb buffers, their
 * GstVideoMeta at the pitch the driver gives dumb buffers of the frame's
 * width where GstVideoInfo can say it (else GstVideoInfo's stride, which
 * the allocation holds too); @size is its buffers' size. Later allocations
 * are rows of this frame width. Dumb buffers are linear: DMA_DRM @caps
 * with another modifier get no pool (NULL); the pool itself is configured
 * with the plain caps of the same frames, which GstVideoBufferPool reads. */
GstBufferPool *shrbuf_dumb_allocator_make_pool (GstAllocator * allocator,
    GstCaps * caps, guint min, gsize * size);

/* Before the DRM fd closes: later allocations fail (an upstream pool may
 * outlive the sink's device); memories made before stay valid. */
void shrbuf_dumb_allocator_close (GstAllocator * allocator);

G_END_DECLS

#endif /* __SHRBUF_DUMB_ALLOCATOR_H__ */
