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
#include "dma-drm.h"

#include <drm_fourcc.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>
#include <gst/video/video.h>

GST_DEBUG_CATEGORY_EXTERN (shrbuf_sink_debug);
#define GST_CAT_DEFAULT shrbuf_sink_debug

struct _ShrbufDumbAllocator
{
  GstDmaBufAllocator parent;
  gint fd;
  /* Under the object lock: the rows allocations are made of (frames of
   * this width and bits per pixel), 0 before make_pool () */
  guint width, bpp;
};

G_DEFINE_TYPE (ShrbufDumbAllocator, shrbuf_dumb_allocator,
    GST_TYPE_DMABUF_ALLOCATOR);

/* With the object lock held: a dumb buffer of at least @size bytes, as rows
 * of the frame width at the pitch the driver chooses, exported as a dma-buf
 * fd; -1 on failure. @create has the driver's pitch and size. */
static gint
create_dumb (ShrbufDumbAllocator * self, gsize size,
    struct drm_mode_create_dumb *create)
{
  guint width = self->width ? self->width : size;
  guint bpp = self->bpp ? self->bpp : 8;
  gsize row = (gsize) width * ((bpp + 7) / 8);
  gint dmabuf_fd = -1;

  memset (create, 0, sizeof (*create));
  create->width = width;
  create->bpp = bpp;
  /* The pitch is at least a row: these rows hold @size. */
  create->height = MAX (1, (size + row - 1) / row);
  if (drmIoctl (self->fd, DRM_IOCTL_MODE_CREATE_DUMB, create) != 0) {
    GST_ERROR_OBJECT (self, "DRM_IOCTL_MODE_CREATE_DUMB of %ux%u at %u bpp "
        "failed: %s", create->width, create->height, bpp, g_strerror (errno));
    return -1;
  }
  if (create->size < size)
    GST_ERROR_OBJECT (self, "the driver made a dumb buffer of %"
        G_GUINT64_FORMAT " bytes for %" G_GSIZE_FORMAT, (guint64) create->size,
        size);
  else if (drmPrimeHandleToFD (self->fd, create->handle,
          DRM_CLOEXEC | DRM_RDWR, &dmabuf_fd) != 0)
    GST_ERROR_OBJECT (self, "drmPrimeHandleToFD failed: %s",
        g_strerror (errno));
  /* The dma-buf holds the buffer from here on. */
  drmCloseBufferHandle (self->fd, create->handle);
  return dmabuf_fd;
}

static GstMemory *
shrbuf_dumb_allocator_alloc (GstAllocator * allocator, gsize size,
    GstAllocationParams * params)
{
  ShrbufDumbAllocator *self = SHRBUF_DUMB_ALLOCATOR (allocator);
  struct drm_mode_create_dumb create;
  gsize total = size + (params ? params->prefix + params->padding : 0);
  gint dmabuf_fd = -1;
  GstMemory *mem;

  GST_OBJECT_LOCK (self);
  if (self->fd < 0)
    GST_ERROR_OBJECT (self, "the DRM device is closed");
  else
    dmabuf_fd = create_dumb (self, total, &create);
  GST_OBJECT_UNLOCK (self);
  if (dmabuf_fd < 0)
    return NULL;

  GST_LOG_OBJECT (self, "dumb buffer of %" G_GUINT64_FORMAT " bytes, pitch %u",
      (guint64) create.size, create.pitch);
  mem = gst_dmabuf_allocator_alloc (allocator, dmabuf_fd, create.size);
  gst_memory_resize (mem, params ? params->prefix : 0, size);
  return mem;
}

/* The pitch the driver gives frames of @width pixels of @bpp bits: a dumb
 * buffer of one row, made and dropped; 0 on failure. */
static guint32
probe_pitch (ShrbufDumbAllocator * self, guint width, guint bpp)
{
  struct drm_mode_create_dumb create;
  gint fd;

  GST_OBJECT_LOCK (self);
  self->width = width;
  self->bpp = bpp;
  fd = self->fd < 0 ? -1 : create_dumb (self, 1, &create);
  GST_OBJECT_UNLOCK (self);
  if (fd < 0)
    return 0;
  close (fd);
  return create.pitch;
}

/* @info laid out with the first plane at the driver's @pitch, when
 * GstVideoInfo can say it (a whole number of pixels of padding). */
static gboolean
align_to_pitch (GstVideoInfo * info, guint32 pitch, GstVideoAlignment * align)
{
  gint pstride = GST_VIDEO_FORMAT_INFO_PSTRIDE (info->finfo, 0);
  gint stride = GST_VIDEO_INFO_PLANE_STRIDE (info, 0);
  GstVideoInfo aligned = *info;

  gst_video_alignment_reset (align);
  if (pstride <= 0 || pitch <= (guint32) stride
      || (pitch - stride) % pstride != 0)
    return FALSE;
  align->padding_right = (pitch - stride) / pstride;
  if (!gst_video_info_align (&aligned, align)
      || GST_VIDEO_INFO_PLANE_STRIDE (&aligned, 0) != (gint) pitch)
    return FALSE;
  *info = aligned;
  return TRUE;
}

GstBufferPool *
shrbuf_dumb_allocator_make_pool (GstAllocator * allocator, GstCaps * caps,
    guint min, gsize * size)
{
  ShrbufDumbAllocator *self = SHRBUF_DUMB_ALLOCATOR (allocator);
  GstBufferPool *pool;
  GstStructure *config;
  GstVideoAlignment align;
  g_autoptr (GstCaps) plain = NULL;
  GstVideoInfo info;
  gboolean aligned;
  guint64 modifier;
  guint32 pitch;

  if (!shrbuf_video_info_from_caps (caps, &info, NULL, &modifier, NULL)
      || modifier != DRM_FORMAT_MOD_LINEAR)
    return NULL;
  plain = gst_video_info_to_caps (&info);
  pitch = probe_pitch (self, GST_VIDEO_INFO_WIDTH (&info),
      GST_VIDEO_FORMAT_INFO_PSTRIDE (info.finfo, 0) * 8);
  aligned = align_to_pitch (&info, pitch, &align);
  GST_DEBUG_OBJECT (self, "driver pitch %u, first plane's stride %d%s",
      pitch, GST_VIDEO_INFO_PLANE_STRIDE (&info, 0),
      aligned ? " (padded to it)" : "");

  pool = gst_video_buffer_pool_new ();
  config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_set_params (config, plain, info.size, min, 0);
  gst_buffer_pool_config_set_allocator (config, allocator, NULL);
  gst_buffer_pool_config_add_option (config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  if (aligned) {
    gst_buffer_pool_config_add_option (config,
        GST_BUFFER_POOL_OPTION_VIDEO_ALIGNMENT);
    gst_buffer_pool_config_set_video_alignment (config, &align);
  }
  if (!gst_buffer_pool_set_config (pool, config)) {
    gst_object_unref (pool);
    return NULL;
  }
  *size = info.size;
  return pool;
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
