/* gst-shrbuf: the elements' view of a /dev/shrbuf pool
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "pool.h"
#include "pool-ioctl.h"

#include <errno.h>
#include <unistd.h>

GST_DEBUG_CATEGORY_STATIC (shrbufpool_debug);
#define GST_CAT_DEFAULT shrbufpool_debug

struct _ShrbufPool
{
  gint refcount;
  GMutex lock;
  gint handle;                  /* the pool handle: owned; -1 once closed */
  guint32 id;
  guint max_slots;
  gboolean *held;               /* per slot: held through this pool */
  gchar *owner;                 /* for the log: who made it */
};

static gboolean
failed (GError ** error, gint ret, const gchar * what)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (-ret),
      "%s failed: %s", what, g_strerror (-ret));
  return FALSE;
}

/* An empty pool of @max_slots slots, or NULL with @error set: in
 * G_FILE_ERROR_NOENT or G_FILE_ERROR_NODEV when the module is not loaded. */
static ShrbufPool *
pool_create (const gchar * owner, guint max_slots, GError ** error)
{
  ShrbufPool *pool;
  gint dev, handle;
  guint32 id;

  dev = shrbuf_pool_ioctl_open ();
  if (dev < 0) {
    failed (error, dev, "open " SHRBUF_POOL_DEVICE);
    return NULL;
  }
  handle = shrbuf_pool_ioctl_create (dev, max_slots, &id);
  /* The pool lives on its handle; the device fd is not needed any more. */
  close (dev);
  if (handle < 0) {
    failed (error, handle, "SHRBUF_IOC_POOL_CREATE");
    return NULL;
  }
  pool = g_new0 (ShrbufPool, 1);
  pool->refcount = 1;
  g_mutex_init (&pool->lock);
  pool->handle = handle;
  pool->id = id;
  pool->max_slots = max_slots;
  pool->held = g_new0 (gboolean, max_slots);
  pool->owner = g_strdup (owner);
  return pool;
}

static gboolean
module_missing (const GError * err)
{
  return g_error_matches (err, G_FILE_ERROR, G_FILE_ERROR_NOENT)
      || g_error_matches (err, G_FILE_ERROR, G_FILE_ERROR_NODEV);
}

/* A pool with dma-buf @dmabuf_fds[i] in slot i, EMPTY and not held, tagged
 * "@owner:i" (the pool takes references of its own), or NULL with @error
 * set (see the failure policy in pool.h). */
ShrbufPool *
shrbuf_pool_new_recording (const gchar * owner, const gint dmabuf_fds[],
    guint n, GError ** error)
{
  g_autoptr (GError) err = NULL;
  ShrbufPool *pool;
  guint32 index;
  guint i;

  GST_DEBUG_CATEGORY_INIT (shrbufpool_debug, "shrbufpool", 0,
      "the elements' /dev/shrbuf pools");
  pool = pool_create (owner, n, &err);
  for (i = 0; pool && i < n; i++) {
    gchar tag[SHRBUF_TAG_LEN];
    gint ret;

    g_snprintf (tag, sizeof tag, "%s:%u", owner, i);
    ret =
        shrbuf_pool_ioctl_add (pool->handle, dmabuf_fds[i], SHRBUF_STATE_EMPTY,
        tag, &index);
    /* Slot i, as slots are numbered in the order they are added. */
    if (ret < 0 || index != i) {
      failed (&err, ret < 0 ? ret : -EPROTO, "SHRBUF_IOC_ADD");
      g_clear_pointer (&pool, shrbuf_pool_unref);
    }
  }
  if (pool) {
    GST_INFO ("%s: buffers recorded in shrbuf pool %u", owner, pool->id);
    return pool;
  }
  if (module_missing (err))
    GST_INFO ("%s: no shrbuf module: no pool", owner);
  else
    GST_WARNING ("%s: no shrbuf pool: %s", owner, err->message);
  g_propagate_error (error, g_steal_pointer (&err));
  return NULL;
}

/* Frame @slot is back in the driver: held by its owner, EMPTY. */
gboolean
shrbuf_pool_hold_empty (ShrbufPool * pool, guint slot)
{
  g_autoptr (GError) err = NULL;

  if (!pool)
    return FALSE;
  if (shrbuf_pool_hold (pool, slot, TRUE, &err))
    return TRUE;
  GST_WARNING ("%s: shrbuf pool: %s", pool->owner, err->message);
  return FALSE;
}

/* Frame @slot was dequeued: released FILLED with its sequence number and
 * capture time, for whoever takes it next. */
gboolean
shrbuf_pool_mark_filled (ShrbufPool * pool, guint slot, guint64 seq,
    guint64 timestamp_ns)
{
  g_autoptr (GError) err = NULL;

  if (!pool)
    return FALSE;
  if (shrbuf_pool_release (pool, slot, SHRBUF_STATE_FILLED, seq,
          timestamp_ns, &err))
    return TRUE;
  GST_WARNING ("%s: shrbuf pool: %s", pool->owner, err->message);
  return FALSE;
}

/* Holds the slot, without an fd (SHRBUF_ACQUIRE_NO_FD): the element has
 * the buffer already. With @empty, a slot that comes FILLED (nobody marked
 * it consumed: a frame dropped, or a sink that does not know the pool) is
 * made EMPTY first. A NULL or closed pool fails with EBADF. */
gboolean
shrbuf_pool_hold (ShrbufPool * pool, guint slot, gboolean empty,
    GError ** error)
{
  struct shrbuf_acquire acq;
  gint ret = -EBADF;

  if (!pool)
    return failed (error, ret, "SHRBUF_IOC_ACQUIRE");
  g_return_val_if_fail (slot < pool->max_slots, FALSE);
  /* Under the lock: shrbuf_pool_close () may run in another thread. */
  g_mutex_lock (&pool->lock);
  if (pool->handle >= 0)
    ret = shrbuf_pool_ioctl_acquire (pool->handle, slot, 0,
        SHRBUF_ACQUIRE_NO_FD, 0, &acq);
  if (ret >= 0 && empty && acq.state != SHRBUF_STATE_EMPTY) {
    ret = shrbuf_pool_ioctl_release (pool->handle, slot, SHRBUF_STATE_EMPTY,
        acq.seq, acq.timestamp_ns);
    if (ret >= 0)
      ret = shrbuf_pool_ioctl_acquire (pool->handle, slot, 0,
          SHRBUF_ACQUIRE_NO_FD, 0, NULL);
  }
  if (ret >= 0)
    pool->held[slot] = TRUE;
  g_mutex_unlock (&pool->lock);
  return ret >= 0 ? TRUE : failed (error, ret, "SHRBUF_IOC_ACQUIRE");
}

/* Releases the slot in @state; a NULL or closed pool fails with EBADF. */
gboolean
shrbuf_pool_release (ShrbufPool * pool, guint slot, guint32 state,
    guint64 seq, guint64 timestamp_ns, GError ** error)
{
  gint ret = -EBADF;

  if (!pool)
    return failed (error, ret, "SHRBUF_IOC_RELEASE");
  g_return_val_if_fail (slot < pool->max_slots, FALSE);
  g_mutex_lock (&pool->lock);
  if (pool->handle >= 0)
    ret = shrbuf_pool_ioctl_release (pool->handle, slot, state, seq,
        timestamp_ns);
  if (ret >= 0)
    pool->held[slot] = FALSE;
  g_mutex_unlock (&pool->lock);
  return ret >= 0 ? TRUE : failed (error, ret, "SHRBUF_IOC_RELEASE");
}

ShrbufPool *
shrbuf_pool_ref (ShrbufPool * pool)
{
  if (pool)
    g_atomic_int_inc (&pool->refcount);
  return pool;
}

/* Releases what the pool holds (so that closing the pool is no leak) and
 * closes the pool, whose references to the buffers go with it; the buffers
 * live on where they are used. Later calls on the pool do nothing. */
void
shrbuf_pool_close (ShrbufPool * pool)
{
  guint i;

  if (!pool)
    return;
  g_mutex_lock (&pool->lock);
  if (pool->handle >= 0) {
    for (i = 0; i < pool->max_slots; i++)
      if (pool->held[i])
        shrbuf_pool_ioctl_release (pool->handle, i, SHRBUF_STATE_EMPTY, 0, 0);
    close (pool->handle);
    pool->handle = -1;
  }
  g_mutex_unlock (&pool->lock);
}

/* The last reference closes the pool if its owner has not, and frees it. */
void
shrbuf_pool_unref (ShrbufPool * pool)
{
  if (!pool || !g_atomic_int_dec_and_test (&pool->refcount))
    return;
  shrbuf_pool_close (pool);
  g_free (pool->held);
  g_free (pool->owner);
  g_mutex_clear (&pool->lock);
  g_free (pool);
}

/* ---- ShrbufSlotMeta ---- */

GType
shrbuf_slot_meta_api_get_type (void)
{
  static GType type = 0;
  static const gchar *tags[] = { GST_META_TAG_MEMORY_STR, NULL };

  if (g_once_init_enter (&type)) {
    GType t = gst_meta_api_type_register ("ShrbufSlotMetaAPI", tags);

    g_once_init_leave (&type, t);
  }
  return type;
}

static gboolean
slot_meta_init (GstMeta * meta, gpointer params, GstBuffer * buffer)
{
  ShrbufSlotMeta *m = (ShrbufSlotMeta *) meta;

  m->shrbuf_pool = NULL;
  m->slot = 0;
  m->seq = m->timestamp_ns = 0;
  return TRUE;
}

static void
slot_meta_free (GstMeta * meta, GstBuffer * buffer)
{
  g_clear_pointer (&((ShrbufSlotMeta *) meta)->shrbuf_pool, shrbuf_pool_unref);
}

/* Copies go with it (the same memory); other transforms drop it. */
static gboolean
slot_meta_transform (GstBuffer * dest, GstMeta * meta, GstBuffer * buffer,
    GQuark type, gpointer data)
{
  ShrbufSlotMeta *m = (ShrbufSlotMeta *) meta;

  if (!GST_META_TRANSFORM_IS_COPY (type))
    return FALSE;
  return shrbuf_buffer_add_slot_meta (dest, m->shrbuf_pool, m->slot, m->seq,
      m->timestamp_ns) != NULL;
}

static const GstMetaInfo *
slot_meta_get_info (void)
{
  static const GstMetaInfo *info = NULL;

  if (g_once_init_enter ((GstMetaInfo **) & info)) {
    const GstMetaInfo *i = gst_meta_register (SHRBUF_SLOT_META_API_TYPE,
        "ShrbufSlotMeta", sizeof (ShrbufSlotMeta), slot_meta_init,
        slot_meta_free, slot_meta_transform);

    g_once_init_leave ((GstMetaInfo **) & info, (GstMetaInfo *) i);
  }
  return info;
}

ShrbufSlotMeta *
shrbuf_buffer_add_slot_meta (GstBuffer * buffer, ShrbufPool * pool,
    guint slot, guint64 seq, guint64 timestamp_ns)
{
  ShrbufSlotMeta *m = (ShrbufSlotMeta *) gst_buffer_add_meta (buffer,
      slot_meta_get_info (), NULL);

  if (!m)
    return NULL;
  m->shrbuf_pool = shrbuf_pool_ref (pool);
  m->slot = slot;
  m->seq = seq;
  m->timestamp_ns = timestamp_ns;
  return m;
}
