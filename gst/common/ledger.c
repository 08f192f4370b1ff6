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

#include <unistd.h>

struct _ShrbufLedger
{
  GMutex lock;
  gint pool;                    /* the pool handle: owned */
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
gboolean
shrbuf_ledger_hold (ShrbufLedger * ledger, guint slot, GError ** error)
{
  gint fd;

  g_return_val_if_fail (slot < ledger->max_slots, FALSE);
  fd = shrbuf_broker_acquire (ledger->pool, slot, 0, 0, 0, NULL);
  if (fd < 0)
    return failed (error, fd, "SHRBUF_IOC_ACQUIRE");
  close (fd);
  g_mutex_lock (&ledger->lock);
  ledger->held[slot] = TRUE;
  g_mutex_unlock (&ledger->lock);
  return TRUE;
}

gboolean
shrbuf_ledger_release (ShrbufLedger * ledger, guint slot, guint32 state,
    guint64 seq, guint64 timestamp_ns, GError ** error)
{
  gint ret;

  g_return_val_if_fail (slot < ledger->max_slots, FALSE);
  ret = shrbuf_broker_release (ledger->pool, slot, state, seq, timestamp_ns);
  if (ret < 0)
    return failed (error, ret, "SHRBUF_IOC_RELEASE");
  g_mutex_lock (&ledger->lock);
  ledger->held[slot] = FALSE;
  g_mutex_unlock (&ledger->lock);
  return TRUE;
}

guint32
shrbuf_ledger_get_id (ShrbufLedger * ledger)
{
  return ledger->id;
}

/* Releases what the ledger holds (so that closing the pool is no leak),
 * then closes the pool; its buffers live on where they are used. */
void
shrbuf_ledger_free (ShrbufLedger * ledger)
{
  guint i;

  if (!ledger)
    return;
  for (i = 0; i < ledger->max_slots; i++)
    if (ledger->held[i])
      shrbuf_broker_release (ledger->pool, i, SHRBUF_STATE_EMPTY, 0, 0);
  close (ledger->pool);
  g_free (ledger->held);
  g_mutex_clear (&ledger->lock);
  g_free (ledger);
}
