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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "fb-cache.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>
#include <gst/allocators/allocators.h>

GST_DEBUG_CATEGORY_EXTERN (shrbuf_sink_debug);
#define GST_CAT_DEFAULT shrbuf_sink_debug

/* Beyond this many cached framebuffers (an upstream that allocates
 * afresh), the cache starts over. */
#define MAX_CACHED 32

GQuark
shrbuf_fb_error_quark (void)
{
  return g_quark_from_static_string ("shrbuf-fb-error-quark");
}

struct _ShrbufFbCache
{
  gint fd;
  GMutex lock;                  /* fbs, and the imports (see fb_import ()) */
  GHashTable *fbs;              /* ShrbufFbKey * -> ShrbufFb *, one reference */
  gboolean modifiers;
};

struct _ShrbufFb
{
  gint ref_count;
  ShrbufFbCache *cache;         /* a reference */
  guint32 fb_id;
};

static guint
key_hash (gconstpointer k)
{
  const guint8 *b = k;
  guint h = 2166136261u, i;

  for (i = 0; i < sizeof (ShrbufFbKey); i++)
    h = (h ^ b[i]) * 16777619u;
  return h;
}

static gboolean
key_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (ShrbufFbKey)) == 0;
}

static GHashTable *
new_table (void)
{
  return g_hash_table_new_full (key_hash, key_equal, g_free,
      (GDestroyNotify) shrbuf_fb_unref);
}

ShrbufFbCache *
shrbuf_fb_cache_new (gint drm_fd)
{
  ShrbufFbCache *cache = g_atomic_rc_box_new0 (ShrbufFbCache);
  guint64 cap = 0;

  cache->fd = drm_fd;
  g_mutex_init (&cache->lock);
  cache->fbs = new_table ();
  cache->modifiers = drmGetCap (drm_fd, DRM_CAP_ADDFB2_MODIFIERS, &cap) == 0
      && cap;
  return cache;
}

ShrbufFbCache *
shrbuf_fb_cache_ref (ShrbufFbCache * cache)
{
  return g_atomic_rc_box_acquire (cache);
}

static void
cache_free (gpointer data)
{
  ShrbufFbCache *cache = data;

  g_hash_table_unref (cache->fbs);
  g_mutex_clear (&cache->lock);
}

void
shrbuf_fb_cache_unref (ShrbufFbCache * cache)
{
  g_atomic_rc_box_release_full (cache, cache_free);
}

void
shrbuf_fb_cache_clear (ShrbufFbCache * cache)
{
  GHashTable *old;

  g_mutex_lock (&cache->lock);
  old = cache->fbs;
  cache->fbs = new_table ();
  g_mutex_unlock (&cache->lock);
  /* Unrefs outside the lock: RmFB is not the cache's business. */
  g_hash_table_unref (old);
}

ShrbufFb *
shrbuf_fb_ref (ShrbufFb * fb)
{
  g_atomic_int_inc (&fb->ref_count);
  return fb;
}

void
shrbuf_fb_unref (ShrbufFb * fb)
{
  if (!fb || !g_atomic_int_dec_and_test (&fb->ref_count))
    return;
  if (fb->fb_id && drmModeRmFB (fb->cache->fd, fb->fb_id) != 0)
    GST_WARNING ("RmFB %u failed: %s", fb->fb_id, g_strerror (errno));
  GST_LOG ("framebuffer %u removed", fb->fb_id);
  shrbuf_fb_cache_unref (fb->cache);
  g_free (fb);
}

guint32
shrbuf_fb_get_id (ShrbufFb * fb)
{
  return fb->fb_id;
}

/* The identity of a dma-buf memory's file (st_dev, st_ino), as fstat of
 * its fd gives it. A GstFdMemory keeps one fd for its whole life, and
 * that fd stays open and names the same file while the memory lives (with
 * GST_FD_MEMORY_FLAG_DONT_CLOSE that is its owner's promise): the first
 * answer is kept on the memory (qdata, freed with it), so that a memory
 * upstream recycles (a capture buffer shown again) costs no fstat. One
 * lock for every memory: two sinks (a tee) may look at the same one, and
 * replacing qdata frees the old value. */
typedef struct
{
  gint fd;
  guint64 dev;
  guint64 ino;
} DmabufIdentity;

static gboolean
dmabuf_identity (GstMemory * mem, gint fd, guint64 * dev, guint64 * ino,
    GError ** error)
{
  static GMutex lock;
  static GQuark quark;
  DmabufIdentity *id;
  struct stat st;
  gboolean ok = TRUE;

  g_mutex_lock (&lock);
  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("shrbuf-dmabuf-identity");
  id = gst_mini_object_get_qdata (GST_MINI_OBJECT_CAST (mem), quark);
  if (id == NULL || id->fd != fd) {
    if (fstat (fd, &st) == 0) {
      id = g_new (DmabufIdentity, 1);
      id->fd = fd;
      id->dev = st.st_dev;
      id->ino = st.st_ino;
      gst_mini_object_set_qdata (GST_MINI_OBJECT_CAST (mem), quark, id, g_free);
    } else {
      g_set_error (error, SHRBUF_FB_ERROR, SHRBUF_FB_ERROR_PRIME,
          "fstat of dma-buf fd %d failed: %s", fd, g_strerror (errno));
      ok = FALSE;
    }
  }
  if (ok) {
    *dev = id->dev;
    *ino = id->ino;
  }
  g_mutex_unlock (&lock);
  return ok;
}

/* Plane @i of @buffer, at @offset in the buffer with @stride. */
static gboolean
plane_layout (GstBuffer * buffer, guint i, gsize offset, gint stride,
    ShrbufFbLayout * layout, GError ** error)
{
  guint idx, len;
  gsize skip;
  GstMemory *mem;

  if (!gst_buffer_find_memory (buffer, offset, 1, &idx, &len, &skip)) {
    g_set_error (error, SHRBUF_FB_ERROR, SHRBUF_FB_ERROR_LAYOUT,
        "plane %u at offset %" G_GSIZE_FORMAT " is outside the buffer", i,
        offset);
    return FALSE;
  }
  mem = gst_buffer_peek_memory (buffer, idx);
  if (!gst_is_dmabuf_memory (mem)) {
    g_set_error (error, SHRBUF_FB_ERROR, SHRBUF_FB_ERROR_NOT_DMABUF,
        "not dma-buf memory (%s)", mem->allocator ?
        mem->allocator->mem_type : "no allocator");
    return FALSE;
  }
  if (stride <= 0) {
    g_set_error (error, SHRBUF_FB_ERROR, SHRBUF_FB_ERROR_LAYOUT,
        "stride %d of plane %u refused", stride, i);
    return FALSE;
  }
  layout->fds[i] = gst_dmabuf_memory_get_fd (mem);
  if (!dmabuf_identity (mem, layout->fds[i], &layout->key.p[i].dev,
          &layout->key.p[i].ino, error))
    return FALSE;
  layout->key.p[i].offset = mem->offset + skip;
  layout->key.p[i].pitch = stride;
  return TRUE;
}

gboolean
shrbuf_fb_layout_from_buffer (GstBuffer * buffer, const GstVideoInfo * info,
    ShrbufFbLayout * layout, GError ** error)
{
  GstVideoMeta *vmeta = gst_buffer_get_video_meta (buffer);
  guint n_planes = GST_VIDEO_INFO_N_PLANES (info), i;

  memset (layout, 0, sizeof (*layout));
  if (vmeta && vmeta->n_planes != n_planes) {
    g_set_error (error, SHRBUF_FB_ERROR, SHRBUF_FB_ERROR_LAYOUT,
        "%u planes in the video meta, %u in the caps", vmeta->n_planes,
        n_planes);
    return FALSE;
  }
  for (i = 0; i < n_planes; i++) {
    gsize offset = vmeta ? vmeta->offset[i] :
        GST_VIDEO_INFO_PLANE_OFFSET (info, i);
    gint stride = vmeta ? vmeta->stride[i] :
        GST_VIDEO_INFO_PLANE_STRIDE (info, i);

    if (!plane_layout (buffer, i, offset, stride, layout, error))
      return FALSE;
  }
  layout->n_planes = n_planes;
  return TRUE;
}

/* GEM handles for the planes' dma-bufs (one drmPrimeFDToHandle each; the
 * same dma-buf gives the same handle). */
static gboolean
import_handles (ShrbufFbCache * cache, const ShrbufFbLayout * layout,
    guint32 handles[4], GError ** error)
{
  guint i;

  for (i = 0; i < layout->n_planes; i++) {
    if (drmPrimeFDToHandle (cache->fd, layout->fds[i], &handles[i]) != 0) {
      g_set_error (error, SHRBUF_FB_ERROR, SHRBUF_FB_ERROR_PRIME,
          "import failed: drmPrimeFDToHandle: %s", g_strerror (errno));
      return FALSE;
    }
  }
  return TRUE;
}

/* The framebuffer keeps the GEM objects: their handles go at once (each
 * once, though several planes share it), as gstkmsallocator.c does. */
static void
close_handles (ShrbufFbCache * cache, const guint32 handles[4])
{
  guint i, j;

  for (i = 0; i < 4; i++) {
    gboolean closed = FALSE;

    for (j = 0; j < i; j++)
      closed |= handles[j] == handles[i];
    if (!handles[i] || closed)
      continue;
    if (drmCloseBufferHandle (cache->fd, handles[i]) != 0)
      GST_WARNING ("closing GEM handle %u failed: %s", handles[i],
          g_strerror (errno));
  }
}

/* A driver without DRM_CAP_ADDFB2_MODIFIERS takes linear frames only. */
static gboolean
check_modifier (ShrbufFbCache * cache, guint32 drm_format, guint64 modifier,
    GError ** error)
{
  if (cache->modifiers || modifier == DRM_FORMAT_MOD_LINEAR)
    return TRUE;
  g_set_error (error, SHRBUF_FB_ERROR, SHRBUF_FB_ERROR_ADDFB,
      "import failed: the driver takes no modifiers (no "
      "DRM_CAP_ADDFB2_MODIFIERS), the frame is %" GST_FOURCC_FORMAT
      " with modifier 0x%016" G_GINT64_MODIFIER "x",
      GST_FOURCC_ARGS (drm_format), modifier);
  return FALSE;
}

/* With the lock held, so that no other import gets a handle that this one
 * closes before its AddFB2. */
static ShrbufFb *
fb_import (ShrbufFbCache * cache, const ShrbufFbLayout * layout,
    const GstVideoInfo * info, guint32 drm_format, guint64 modifier,
    GError ** error)
{
  guint32 pitches[4] = { 0 }, offsets[4] = { 0 }, handles[4] = { 0 };
  guint64 modifiers[4] = { 0 };
  guint32 fb_id = 0;
  ShrbufFb *fb;
  guint i;
  gint ret = -1;

  if (!check_modifier (cache, drm_format, modifier, error))
    return NULL;
  for (i = 0; i < layout->n_planes; i++) {
    pitches[i] = layout->key.p[i].pitch;
    offsets[i] = layout->key.p[i].offset;
    modifiers[i] = modifier;
  }
  if (import_handles (cache, layout, handles, error)) {
    if (cache->modifiers)
      ret = drmModeAddFB2WithModifiers (cache->fd,
          GST_VIDEO_INFO_WIDTH (info), GST_VIDEO_INFO_HEIGHT (info),
          drm_format, handles, pitches, offsets, modifiers, &fb_id,
          DRM_MODE_FB_MODIFIERS);
    else
      ret = drmModeAddFB2 (cache->fd, GST_VIDEO_INFO_WIDTH (info),
          GST_VIDEO_INFO_HEIGHT (info), drm_format, handles, pitches,
          offsets, &fb_id, 0);
    if (ret != 0)
      g_set_error (error, SHRBUF_FB_ERROR, SHRBUF_FB_ERROR_ADDFB,
          "import failed: the driver refused the framebuffer (%"
          GST_FOURCC_FORMAT " %dx%d, modifier 0x%016" G_GINT64_MODIFIER
          "x, pitch %u, offset %u): AddFB2: %s", GST_FOURCC_ARGS (drm_format),
          GST_VIDEO_INFO_WIDTH (info), GST_VIDEO_INFO_HEIGHT (info),
          modifier, pitches[0], offsets[0], g_strerror (errno));
  }
  close_handles (cache, handles);
  if (ret != 0)
    return NULL;

  fb = g_new0 (ShrbufFb, 1);
  fb->ref_count = 1;
  fb->cache = shrbuf_fb_cache_ref (cache);
  fb->fb_id = fb_id;
  return fb;
}

ShrbufFb *
shrbuf_fb_cache_get (ShrbufFbCache * cache, GstBuffer * buffer,
    const GstVideoInfo * info, guint32 drm_format, guint64 modifier,
    gboolean * imported, GError ** error)
{
  ShrbufFbLayout layout;
  ShrbufFb *fb;
  GHashTable *old = NULL;

  *imported = FALSE;
  if (!shrbuf_fb_layout_from_buffer (buffer, info, &layout, error))
    return NULL;

  g_mutex_lock (&cache->lock);
  fb = g_hash_table_lookup (cache->fbs, &layout.key);
  if (fb) {
    shrbuf_fb_ref (fb);
    g_mutex_unlock (&cache->lock);
    return fb;
  }
  fb = fb_import (cache, &layout, info, drm_format, modifier, error);
  if (fb && g_hash_table_size (cache->fbs) >= MAX_CACHED) {
    GST_DEBUG ("more than %d framebuffers: starting the cache over",
        MAX_CACHED);
    old = cache->fbs;
    cache->fbs = new_table ();
  }
  if (fb)
    g_hash_table_insert (cache->fbs, g_memdup2 (&layout.key,
            sizeof (layout.key)), shrbuf_fb_ref (fb));
  g_mutex_unlock (&cache->lock);
  if (old)                      /* unreffed outside the lock */
    g_hash_table_unref (old);
  if (!fb)
    return NULL;
  *imported = TRUE;
  GST_DEBUG ("framebuffer %u from dma-buf inode %" G_GUINT64_FORMAT,
      fb->fb_id, layout.key.p[0].ino);
  return fb;
}
