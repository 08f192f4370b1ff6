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

/* Identity of a framebuffer: per plane the dma-buf (st_dev, st_ino),
 * offset and pitch. Zero-filled so that it compares as bytes. */
typedef struct
{
  struct
  {
    guint64 dev;
    guint64 ino;
    guint32 offset;
    guint32 pitch;
  } p[GST_VIDEO_MAX_PLANES];
} FbKey;

struct _ShrbufFbCache
{
  gint fd;
  GMutex lock;
  GHashTable *fbs;              /* FbKey * -> ShrbufFb *, one reference */
  GHashTable *handles;          /* GEM handle -> count of planes using it */
  gboolean modifiers;
};

struct _ShrbufFb
{
  gint ref_count;
  ShrbufFbCache *cache;         /* a reference */
  guint32 fb_id;
  guint32 handles[GST_VIDEO_MAX_PLANES];
  guint n_planes;
};

static guint
key_hash (gconstpointer k)
{
  const guint8 *b = k;
  guint h = 2166136261u, i;

  for (i = 0; i < sizeof (FbKey); i++)
    h = (h ^ b[i]) * 16777619u;
  return h;
}

static gboolean
key_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (FbKey)) == 0;
}

ShrbufFbCache *
shrbuf_fb_cache_new (gint drm_fd)
{
  ShrbufFbCache *cache = g_atomic_rc_box_new0 (ShrbufFbCache);
  guint64 cap = 0;

  cache->fd = drm_fd;
  g_mutex_init (&cache->lock);
  cache->fbs = g_hash_table_new_full (key_hash, key_equal, g_free,
      (GDestroyNotify) shrbuf_fb_unref);
  cache->handles = g_hash_table_new (NULL, NULL);
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
  g_warn_if_fail (g_hash_table_size (cache->handles) == 0);
  g_hash_table_unref (cache->handles);
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
  cache->fbs = g_hash_table_new_full (key_hash, key_equal, g_free,
      (GDestroyNotify) shrbuf_fb_unref);
  g_mutex_unlock (&cache->lock);
  /* Unrefs outside the lock: the last one takes it again. */
  g_hash_table_unref (old);
}

guint
shrbuf_fb_cache_size (ShrbufFbCache * cache)
{
  guint n;

  g_mutex_lock (&cache->lock);
  n = g_hash_table_size (cache->fbs);
  g_mutex_unlock (&cache->lock);
  return n;
}

/* With the lock held. */
static void
handle_unref (ShrbufFbCache * cache, guint32 handle)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (cache->handles,
          GUINT_TO_POINTER (handle)));

  if (n > 1) {
    g_hash_table_insert (cache->handles, GUINT_TO_POINTER (handle),
        GUINT_TO_POINTER (n - 1));
    return;
  }
  g_hash_table_remove (cache->handles, GUINT_TO_POINTER (handle));
  if (drmCloseBufferHandle (cache->fd, handle) != 0)
    GST_WARNING ("closing GEM handle %u failed: %s", handle,
        g_strerror (errno));
}

/* With the lock held. */
static gboolean
handle_ref_from_fd (ShrbufFbCache * cache, gint dmabuf_fd, guint32 * handle)
{
  guint n;

  if (drmPrimeFDToHandle (cache->fd, dmabuf_fd, handle) != 0)
    return FALSE;
  /* The same dma-buf always gives the same handle on one DRM fd, and one
   * close drops it: count the planes that use it. */
  n = GPOINTER_TO_UINT (g_hash_table_lookup (cache->handles,
          GUINT_TO_POINTER (*handle)));
  g_hash_table_insert (cache->handles, GUINT_TO_POINTER (*handle),
      GUINT_TO_POINTER (n + 1));
  return TRUE;
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
  ShrbufFbCache *cache;
  guint i;

  if (!fb || !g_atomic_int_dec_and_test (&fb->ref_count))
    return;
  cache = fb->cache;
  if (fb->fb_id && drmModeRmFB (cache->fd, fb->fb_id) != 0)
    GST_WARNING ("RmFB %u failed: %s", fb->fb_id, g_strerror (errno));
  g_mutex_lock (&cache->lock);
  for (i = 0; i < fb->n_planes; i++)
    if (fb->handles[i])
      handle_unref (cache, fb->handles[i]);
  g_mutex_unlock (&cache->lock);
  GST_LOG ("framebuffer %u removed", fb->fb_id);
  g_free (fb);
  shrbuf_fb_cache_unref (cache);
}

guint32
shrbuf_fb_get_id (ShrbufFb * fb)
{
  return fb->fb_id;
}

ShrbufFb *
shrbuf_fb_cache_get (ShrbufFbCache * cache, GstBuffer * buffer,
    const GstVideoInfo * info, guint32 drm_format, gboolean * imported,
    GError ** error)
{
  GstVideoMeta *vmeta = gst_buffer_get_video_meta (buffer);
  guint n_planes = GST_VIDEO_INFO_N_PLANES (info);
  gint fds[GST_VIDEO_MAX_PLANES];
  guint32 pitches[4] = { 0 }, offsets[4] = { 0 }, handles[4] = { 0 };
  guint64 modifiers[4] = { 0 };
  FbKey key;
  ShrbufFb *fb = NULL;
  GHashTable *old = NULL;
  guint i;
  gint ret;

  *imported = FALSE;
  memset (&key, 0, sizeof (key));
  if (n_planes > 4) {
    g_set_error (error, SHRBUF_FB_ERROR, SHRBUF_FB_ERROR_LAYOUT,
        "%u planes", n_planes);
    return NULL;
  }
  for (i = 0; i < n_planes; i++) {
    gsize offset = vmeta ? vmeta->offset[i] : GST_VIDEO_INFO_PLANE_OFFSET (info,
        i);
    gint stride = vmeta ? vmeta->stride[i] : GST_VIDEO_INFO_PLANE_STRIDE (info,
        i);
    guint idx, len;
    gsize skip;
    GstMemory *mem;
    struct stat st;

    if (!gst_buffer_find_memory (buffer, offset, 1, &idx, &len, &skip)) {
      g_set_error (error, SHRBUF_FB_ERROR, SHRBUF_FB_ERROR_LAYOUT,
          "plane %u at offset %" G_GSIZE_FORMAT " is outside the buffer", i,
          offset);
      return NULL;
    }
    mem = gst_buffer_peek_memory (buffer, idx);
    if (!gst_is_dmabuf_memory (mem)) {
      g_set_error (error, SHRBUF_FB_ERROR, SHRBUF_FB_ERROR_NOT_DMABUF,
          "not dma-buf memory (%s)", mem->allocator ?
          mem->allocator->mem_type : "no allocator");
      return NULL;
    }
    if (stride <= 0) {
      g_set_error (error, SHRBUF_FB_ERROR, SHRBUF_FB_ERROR_LAYOUT,
          "stride %d of plane %u refused", stride, i);
      return NULL;
    }
    fds[i] = gst_dmabuf_memory_get_fd (mem);
    if (fstat (fds[i], &st) != 0) {
      g_set_error (error, SHRBUF_FB_ERROR, SHRBUF_FB_ERROR_PRIME,
          "fstat of dma-buf fd %d failed: %s", fds[i], g_strerror (errno));
      return NULL;
    }
    key.p[i].dev = st.st_dev;
    key.p[i].ino = st.st_ino;
    key.p[i].offset = offsets[i] = mem->offset + skip;
    key.p[i].pitch = pitches[i] = stride;
  }

  g_mutex_lock (&cache->lock);
  fb = g_hash_table_lookup (cache->fbs, &key);
  if (fb) {
    shrbuf_fb_ref (fb);
    g_mutex_unlock (&cache->lock);
    return fb;
  }

  fb = g_new0 (ShrbufFb, 1);
  fb->ref_count = 1;
  fb->cache = shrbuf_fb_cache_ref (cache);
  for (i = 0; i < n_planes; i++) {
    if (!handle_ref_from_fd (cache, fds[i], &handles[i])) {
      g_set_error (error, SHRBUF_FB_ERROR, SHRBUF_FB_ERROR_PRIME,
          "import failed: drmPrimeFDToHandle: %s", g_strerror (errno));
      goto fail;
    }
    fb->handles[i] = handles[i];
    fb->n_planes = i + 1;
    modifiers[i] = DRM_FORMAT_MOD_LINEAR;
  }

  if (cache->modifiers)
    ret = drmModeAddFB2WithModifiers (cache->fd, GST_VIDEO_INFO_WIDTH (info),
        GST_VIDEO_INFO_HEIGHT (info), drm_format, handles, pitches, offsets,
        modifiers, &fb->fb_id, DRM_MODE_FB_MODIFIERS);
  else
    ret = drmModeAddFB2 (cache->fd, GST_VIDEO_INFO_WIDTH (info),
        GST_VIDEO_INFO_HEIGHT (info), drm_format, handles, pitches, offsets,
        &fb->fb_id, 0);
  if (ret != 0) {
    fb->fb_id = 0;
    g_set_error (error, SHRBUF_FB_ERROR, SHRBUF_FB_ERROR_ADDFB,
        "import failed: the driver refused the framebuffer (%" GST_FOURCC_FORMAT
        " %dx%d, pitch %u, offset %u): AddFB2: %s",
        GST_FOURCC_ARGS (drm_format), GST_VIDEO_INFO_WIDTH (info),
        GST_VIDEO_INFO_HEIGHT (info), pitches[0], offsets[0],
        g_strerror (errno));
    goto fail;
  }

  if (g_hash_table_size (cache->fbs) >= MAX_CACHED) {
    GST_DEBUG ("more than %d framebuffers: starting the cache over",
        MAX_CACHED);
    old = cache->fbs;
    cache->fbs = g_hash_table_new_full (key_hash, key_equal, g_free,
        (GDestroyNotify) shrbuf_fb_unref);
  }
  g_hash_table_insert (cache->fbs, g_memdup2 (&key, sizeof (key)),
      shrbuf_fb_ref (fb));
  g_mutex_unlock (&cache->lock);
  if (old)                      /* unreffed outside the lock */
    g_hash_table_unref (old);
  *imported = TRUE;
  GST_DEBUG ("framebuffer %u from dma-buf inode %" G_GUINT64_FORMAT,
      fb->fb_id, key.p[0].ino);
  return fb;

fail:
  g_mutex_unlock (&cache->lock);
  shrbuf_fb_unref (fb);
  return NULL;
}
