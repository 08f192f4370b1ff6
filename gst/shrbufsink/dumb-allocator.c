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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "dumb-allocator.h"

#include <errno.h>
#include <fcntl.h>
#include <xf86drm.h>

GST_DEBUG_CATEGORY_EXTERN (shrbuf_sink_debug);
#define GST_CAT_DEFAULT shrbuf_sink_debug

/* Dumb buffers are made as rows of this many bytes. */
#define DUMB_PITCH 4096

struct _ShrbufDumbAllocator
{
  GstDmaBufAllocator parent;
  gint fd;
};

G_DEFINE_TYPE (ShrbufDumbAllocator, shrbuf_dumb_allocator,
    GST_TYPE_DMABUF_ALLOCATOR);

static GstMemory *
shrbuf_dumb_allocator_alloc (GstAllocator * allocator, gsize size,
    GstAllocationParams * params)
{
  ShrbufDumbAllocator *self = SHRBUF_DUMB_ALLOCATOR (allocator);
  struct drm_mode_create_dumb create = { 0 };
  gint dmabuf_fd = -1, fd;
  gsize total = size + (params ? params->prefix + params->padding : 0);
  GstMemory *mem;

  GST_OBJECT_LOCK (self);
  fd = self->fd;
  if (fd < 0) {
    GST_OBJECT_UNLOCK (self);
    GST_ERROR_OBJECT (self, "the DRM device is closed");
    return NULL;
  }
  create.width = DUMB_PITCH / 4;
  create.bpp = 32;
  create.height = MAX (1, (total + DUMB_PITCH - 1) / DUMB_PITCH);
  if (drmIoctl (fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) != 0) {
    GST_ERROR_OBJECT (self, "DRM_IOCTL_MODE_CREATE_DUMB of %" G_GSIZE_FORMAT
        " bytes failed: %s", total, g_strerror (errno));
    GST_OBJECT_UNLOCK (self);
    return NULL;
  }
  if (drmPrimeHandleToFD (fd, create.handle, DRM_CLOEXEC | DRM_RDWR,
          &dmabuf_fd) != 0)
    GST_ERROR_OBJECT (self, "drmPrimeHandleToFD failed: %s",
        g_strerror (errno));
  /* The dma-buf holds the buffer from here on. */
  drmCloseBufferHandle (fd, create.handle);
  GST_OBJECT_UNLOCK (self);
  if (dmabuf_fd < 0)
    return NULL;

  mem = gst_dmabuf_allocator_alloc (allocator, dmabuf_fd, create.size);
  if (params && (params->prefix || params->padding))
    gst_memory_resize (mem, params->prefix, size);
  else
    gst_memory_resize (mem, 0, size);
  return mem;
}

static void
shrbuf_dumb_allocator_class_init (ShrbufDumbAllocatorClass * klass)
{
  GST_ALLOCATOR_CLASS (klass)->alloc = shrbuf_dumb_allocator_alloc;
}

static void
shrbuf_dumb_allocator_init (ShrbufDumbAllocator * self)
{
  self->fd = -1;
}

GstAllocator *
shrbuf_dumb_allocator_new (gint drm_fd)
{
  ShrbufDumbAllocator *self = g_object_new (SHRBUF_TYPE_DUMB_ALLOCATOR, NULL);

  gst_object_ref_sink (self);
  self->fd = drm_fd;
  return GST_ALLOCATOR (self);
}

void
shrbuf_dumb_allocator_close (GstAllocator * allocator)
{
  ShrbufDumbAllocator *self = SHRBUF_DUMB_ALLOCATOR (allocator);

  GST_OBJECT_LOCK (self);
  self->fd = -1;
  GST_OBJECT_UNLOCK (self);
}
