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

#include "ledger.h"
#include "broker.h"

#include <errno.h>
#include <unistd.h>

GST_DEBUG_CATEGORY_STATIC (shrbufledger_debug);
#define GST_CAT_DEFAULT shrbufledger_debug

struct _ShrbufLedger
{
  gint refcount;
  GMutex lock;
  gint pool;                    /* the pool handle: owned; -1 once closed */
  guint32 id;
  guint max_slots;
  gboolean *held;               /* per slot: held through this ledger */
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
static ShrbufLedger *
ledger_new (const gchar * owner, guint max_slots, GError ** error)
{
  ShrbufLedger *ledger;
  gint dev, pool;
  guint32 id;

  dev = shrbuf_broker_open ();
  if (dev < 0) {
    failed (error, dev, "open " SHRBUF_BROKER_DEVICE);
    return NULL;
  }
  pool = shrbuf_broker_pool_create (dev, max_slots, &id);
  /* The pool lives on its handle; the device fd is not needed any more. */
  close (dev);
  if (pool < 0) {
    failed (error, pool, "SHRBUF_IOC_POOL_CREATE");
    return NULL;
  }
  ledger = g_new0 (ShrbufLedger, 1);
  ledger->refcount = 1;
  g_mutex_init (&ledger->lock);
  ledger->pool = pool;
  ledger->id = id;
  ledger->max_slots = max_slots;
  ledger->held = g_new0 (gboolean, max_slots);
  ledger->owner = g_strdup (owner);
  return ledger;
}

static gboolean
module_missing (const GError * err)
{
  return g_error_matches (err, G_FILE_ERROR, G_FILE_ERROR_NOENT)
      || g_error_matches (err, G_FILE_ERROR, G_FILE_ERROR_NODEV);
}

/* A pool with dma-buf @dmabuf_fds[i] in slot i, EMPTY and not held, tagged
 * "@owner:i" (the pool takes references of its own), or NULL with @error
 * set (see the failure policy in ledger.h). */
ShrbufLedger *
shrbuf_ledger_new_recording (const gchar * owner, const gint dmabuf_fds[],
    guint n, GError ** error)
{
  g_autoptr (GError) err = NULL;
  ShrbufLedger *ledger;
  guint32 index;
  guint i;

  GST_DEBUG_CATEGORY_INIT (shrbufledger_debug, "shrbufledger", 0,
      "the elements' /dev/shrbuf pools");
  ledger = ledger_new (owner, n, &err);
  for (i = 0; ledger && i < n; i++) {
    gchar tag[SHRBUF_TAG_LEN];
    gint ret;

    g_snprintf (tag, sizeof tag, "%s:%u", owner, i);
    ret = shrbuf_broker_add (ledger->pool, dmabuf_fds[i], SHRBUF_STATE_EMPTY,
        tag, &index);
    /* Slot i, as slots are numbered in the order they are added. */
    if (ret < 0 || index != i) {
      failed (&err, ret < 0 ? ret : -EPROTO, "SHRBUF_IOC_ADD");
      g_clear_pointer (&ledger, shrbuf_ledger_unref);
    }
  }
  if (ledger) {
    GST_INFO ("%s: buffers recorded in shrbuf pool %u", owner, ledger->id);
    return ledger;
  }
  if (module_missing (err))
    GST_INFO ("%s: no shrbuf module: no ledger", owner);
  else
    GST_WARNING ("%s: no shrbuf ledger: %s", owner, err->message);
  g_propagate_error (error, g_steal_pointer (&err));
  return NULL;
}

/* Frame @slot is back in the driver: held by its owner, EMPTY. */
gboolean
shrbuf_ledger_hold_empty (ShrbufLedger * ledger, guint slot)
{
  g_autoptr (GError) err = NULL;

  if (!ledger)
    return FALSE;
  if (shrbuf_ledger_hold (ledger, slot, TRUE, &err))
    return TRUE;
  GST_WARNING ("%s: shrbuf ledger: %s", ledger->owner, err->message);
  return FALSE;
}

/* Frame @slot was dequeued: released FILLED with its sequence number and
 * capture time, for whoever takes it next. */
gboolean
shrbuf_ledger_mark_filled (ShrbufLedger * ledger, guint slot, guint64 seq,
    guint64 timestamp_ns)
{
  g_autoptr (GError) err = NULL;

  if (!ledger)
    return FALSE;
  if (shrbuf_ledger_release (ledger, slot, SHRBUF_STATE_FILLED, seq,
          timestamp_ns, &err))
    return TRUE;
  GST_WARNING ("%s: shrbuf ledger: %s", ledger->owner, err->message);
  return FALSE;
}

/* Acquires the slot; the fd it comes with is not needed: the element has
 * the buffer already. With @empty, a slot that comes FILLED (nobody marked
 * it consumed: a frame dropped, or a sink that does not know the ledger) is
 * made EMPTY first. A NULL or closed ledger fails with EBADF. */
gboolean
shrbuf_ledger_hold (ShrbufLedger * ledger, guint slot, gboolean empty,
    GError ** error)
{
  struct shrbuf_acquire acq;
  gint fd = -EBADF;

  if (!ledger)
    return failed (error, fd, "SHRBUF_IOC_ACQUIRE");
  g_return_val_if_fail (slot < ledger->max_slots, FALSE);
  /* Under the lock: shrbuf_ledger_close () may run in another thread. */
  g_mutex_lock (&ledger->lock);
  if (ledger->pool >= 0)
    fd = shrbuf_broker_acquire (ledger->pool, slot, 0, 0, 0, &acq);
  if (fd >= 0 && empty && acq.state != SHRBUF_STATE_EMPTY) {
    close (fd);
    fd = shrbuf_broker_release (ledger->pool, slot, SHRBUF_STATE_EMPTY,
        acq.seq, acq.timestamp_ns);
    if (fd >= 0)
      fd = shrbuf_broker_acquire (ledger->pool, slot, 0, 0, 0, NULL);
  }
  if (fd >= 0) {
    ledger->held[slot] = TRUE;
    close (fd);
  }
  g_mutex_unlock (&ledger->lock);
  return fd >= 0 ? TRUE : failed (error, fd, "SHRBUF_IOC_ACQUIRE");
}

/* Releases the slot in @state; a NULL or closed ledger fails with EBADF. */
gboolean
shrbuf_ledger_release (ShrbufLedger * ledger, guint slot, guint32 state,
    guint64 seq, guint64 timestamp_ns, GError ** error)
{
  gint ret = -EBADF;

  if (!ledger)
    return failed (error, ret, "SHRBUF_IOC_RELEASE");
  g_return_val_if_fail (slot < ledger->max_slots, FALSE);
  g_mutex_lock (&ledger->lock);
  if (ledger->pool >= 0)
    ret = shrbuf_broker_release (ledger->pool, slot, state, seq,
        timestamp_ns);
  if (ret >= 0)
    ledger->held[slot] = FALSE;
  g_mutex_unlock (&ledger->lock);
  return ret >= 0 ? TRUE : failed (error, ret, "SHRBUF_IOC_RELEASE");
}

ShrbufLedger *
shrbuf_ledger_ref (ShrbufLedger * ledger)
{
  if (ledger)
    g_atomic_int_inc (&ledger->refcount);
  return ledger;
}

/* Releases what the ledger holds (so that closing the pool is no leak) and
 * closes the pool, whose references to the buffers go with it; the buffers
 * live on where they are used. Later calls on the ledger do nothing. */
void
shrbuf_ledger_close (ShrbufLedger * ledger)
{
  guint i;

  if (!ledger)
    return;
  g_mutex_lock (&ledger->lock);
  if (ledger->pool >= 0) {
    for (i = 0; i < ledger->max_slots; i++)
      if (ledger->held[i])
        shrbuf_broker_release (ledger->pool, i, SHRBUF_STATE_EMPTY, 0, 0);
    close (ledger->pool);
    ledger->pool = -1;
  }
  g_mutex_unlock (&ledger->lock);
}

/* The last reference closes the ledger if its owner has not, and frees it. */
void
shrbuf_ledger_unref (ShrbufLedger * ledger)
{
  if (!ledger || !g_atomic_int_dec_and_test (&ledger->refcount))
    return;
  shrbuf_ledger_close (ledger);
  g_free (ledger->held);
  g_free (ledger->owner);
  g_mutex_clear (&ledger->lock);
  g_free (ledger);
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

  m->ledger = NULL;
  m->slot = 0;
  m->seq = m->timestamp_ns = 0;
  return TRUE;
}

static void
slot_meta_free (GstMeta * meta, GstBuffer * buffer)
{
  g_clear_pointer (&((ShrbufSlotMeta *) meta)->ledger, shrbuf_ledger_unref);
}

/* Copies go with it (the same memory); other transforms drop it. */
static gboolean
slot_meta_transform (GstBuffer * dest, GstMeta * meta, GstBuffer * buffer,
    GQuark type, gpointer data)
{
  ShrbufSlotMeta *m = (ShrbufSlotMeta *) meta;

  if (!GST_META_TRANSFORM_IS_COPY (type))
    return FALSE;
  return shrbuf_buffer_add_slot_meta (dest, m->ledger, m->slot, m->seq,
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
shrbuf_buffer_add_slot_meta (GstBuffer * buffer, ShrbufLedger * ledger,
    guint slot, guint64 seq, guint64 timestamp_ns)
{
  ShrbufSlotMeta *m = (ShrbufSlotMeta *) gst_buffer_add_meta (buffer,
      slot_meta_get_info (), NULL);

  if (!m)
    return NULL;
  m->ledger = shrbuf_ledger_ref (ledger);
  m->slot = slot;
  m->seq = seq;
  m->timestamp_ns = timestamp_ns;
  return m;
}
