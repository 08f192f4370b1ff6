/* gst-shrbuf: framebuffer cache of shrbufsink
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

#ifndef __SHRBUF_FB_CACHE_H__
#define __SHRBUF_FB_CACHE_H__

#include <gst/video/video.h>

G_BEGIN_DECLS

/* Why a buffer could not be imported (GError codes). */
#define SHRBUF_FB_ERROR (shrbuf_fb_error_quark ())
typedef enum
{
  SHRBUF_FB_ERROR_NOT_DMABUF,   /* a plane is not in dma-buf memory */
  SHRBUF_FB_ERROR_LAYOUT,       /* planes/offsets the buffer does not hold */
  SHRBUF_FB_ERROR_PRIME,        /* drmPrimeFDToHandle failed */
  SHRBUF_FB_ERROR_ADDFB,        /* the driver refused the framebuffer */
} ShrbufFbError;
GQuark shrbuf_fb_error_quark (void);

typedef struct _ShrbufFb ShrbufFb;
typedef struct _ShrbufFbCache ShrbufFbCache;

/* Identity of a framebuffer: per plane the dma-buf (st_dev, st_ino),
 * offset in it and pitch. Zero-filled beyond the planes: it compares as
 * bytes. */
typedef struct
{
  struct
  {
    guint64 dev;
    guint64 ino;
    guint32 offset;
    guint32 pitch;
  } p[GST_VIDEO_MAX_PLANES];
} ShrbufFbKey;

/* Where a buffer's planes are, as the import sees them. */
typedef struct
{
  ShrbufFbKey key;
  guint n_planes;
  gint fds[GST_VIDEO_MAX_PLANES];       /* the planes' dma-bufs, not owned */
} ShrbufFbLayout;

/* The layout of @buffer's planes, as @info (overridden by its
 * GstVideoMeta) places them. Fails with SHRBUF_FB_ERROR_NOT_DMABUF or
 * _LAYOUT (a plane outside the buffer, a stride <= 0, a video meta of
 * another plane count), saying which. Touches no DRM device. */
gboolean shrbuf_fb_layout_from_buffer (GstBuffer * buffer,
    const GstVideoInfo * info, ShrbufFbLayout * layout, GError ** error);

/* The cache owns, for one DRM fd (not owned), the framebuffers made from
 * dma-bufs. A framebuffer is refcounted: the cache holds one reference
 * while it is cached, and whoever shows it holds another; the last unref
 * removes the framebuffer (RmFB). The GEM handles of an import are closed
 * right after AddFB2: the framebuffer keeps the GEM objects. Thread-safe. */
ShrbufFbCache *shrbuf_fb_cache_new (gint drm_fd);
ShrbufFbCache *shrbuf_fb_cache_ref (ShrbufFbCache * cache);
void shrbuf_fb_cache_unref (ShrbufFbCache * cache);

/* Drops the cache's references (caps change, stop); framebuffers still
 * shown stay until their last unref. */
void shrbuf_fb_cache_clear (ShrbufFbCache * cache);

/* The framebuffer for @buffer (shrbuf_fb_layout_from_buffer ()), found by
 * its key or imported: one drmPrimeFDToHandle per plane, then AddFB2 of
 * @drm_format with @modifier (the negotiated one: DRM_FORMAT_MOD_LINEAR
 * for plain caps) on every plane. A driver with DRM_CAP_ADDFB2_MODIFIERS
 * gets the modifier (DRM_MODE_FB_MODIFIERS); one without takes linear
 * frames by plain AddFB2 and refuses others (SHRBUF_FB_ERROR_ADDFB). The
 * cache holds one set of caps' framebuffers: clear it when the format or
 * modifier changes. Returns a new reference; @imported tells whether it
 * was made now. */
ShrbufFb *shrbuf_fb_cache_get (ShrbufFbCache * cache, GstBuffer * buffer,
    const GstVideoInfo * info, guint32 drm_format, guint64 modifier,
    gboolean * imported, GError ** error);

ShrbufFb *shrbuf_fb_ref (ShrbufFb * fb);
void shrbuf_fb_unref (ShrbufFb * fb);
guint32 shrbuf_fb_get_id (ShrbufFb * fb);

G_END_DECLS

#endif /* __SHRBUF_FB_CACHE_H__ */
