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

struct _ShrbufLedger
{
  gint refcount;
  GMutex lock;
  gint pool;                    /* the pool handle: owned; -1 once closed */
  guint32 id;
  guint max_slots;
  gboolean *held;               /* per slot: held through this ledger */
};

static gboolean
failed (GError ** error, gint ret, const gchar * what)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (-ret),
      "%s failed: %s", what, g_strerror (-ret));
  return FALSE;
}

/* NULL without an error when the module is not there. */
ShrbufLedger *
shrbuf_ledger_new (guint max_slots, GError ** error)
{
  ShrbufLedger *ledger;
  gint dev, pool;
  guint32 id;

  dev = shrbuf_broker_open ();
  if (dev == -ENOENT || dev == -ENODEV)
    return NULL;
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
  return ledger;
}

gint
shrbuf_ledger_add (ShrbufLedger * ledger, gint dmabuf_fd, const gchar * tag,
    GError ** error)
{
  guint32 index;
  gint ret = shrbuf_broker_add (ledger->pool, dmabuf_fd, SHRBUF_STATE_EMPTY,
      tag, &index);

  if (ret < 0) {
    failed (error, ret, "SHRBUF_IOC_ADD");
    return -1;
  }
  return index;
}

/* Acquires the slot; the fd it comes with is not needed: the element has
 * the buffer already. */
/* With @empty, a slot that comes FILLED (nobody marked it consumed: a frame
 * dropped, or a sink that does not know the ledger) is made EMPTY first. */
gboolean
shrbuf_ledger_hold (ShrbufLedger * ledger, guint slot, gboolean empty,
    GError ** error)
{
  struct shrbuf_acquire acq;
  gint fd = -EBADF;

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

gboolean
shrbuf_ledger_release (ShrbufLedger * ledger, guint slot, guint32 state,
    guint64 seq, guint64 timestamp_ns, GError ** error)
{
  gint ret = -EBADF;

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

guint32
shrbuf_ledger_get_id (ShrbufLedger * ledger)
{
  return ledger->id;
}

ShrbufLedger *
shrbuf_ledger_ref (ShrbufLedger * ledger)
{
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
