/* gst-shrbuf: the elements' view of a /dev/shrbuf pool
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SHRBUF_LEDGER_H__
#define __SHRBUF_LEDGER_H__

#include <gst/gst.h>
#include <linux/shrbuf.h>

G_BEGIN_DECLS

/* A pool of the shrbuf module that records where an element's buffers are
 * (see docs/kernel-abi.md): a slot per buffer, held while the element has
 * it, released with a state when it hands it on. Optional: without the
 * module there is no ledger and the element works the same.
 *
 * Failure policy, the same for every call: the ledger only records, so a
 * failure never stops the element. shrbuf_ledger_new_recording() that
 * fails makes no ledger (NULL, with @error set and a warning in the log,
 * or an INFO line when the module is not loaded); a mark that fails logs a
 * warning and leaves the slot as it was. Every call takes a NULL ledger
 * (the element has none) and does nothing. Log lines go to the
 * "shrbufledger" debug category and name the ledger's owner. */
typedef struct _ShrbufLedger ShrbufLedger;

/* The source's side: the constructor and the two marks of a capture
 * buffer's round trip. */
ShrbufLedger *shrbuf_ledger_new_recording (const gchar * owner,
    const gint dmabuf_fds[], guint n, GError ** error);
gboolean shrbuf_ledger_hold_empty (ShrbufLedger * ledger, guint slot);
gboolean shrbuf_ledger_mark_filled (ShrbufLedger * ledger, guint slot,
    guint64 seq, guint64 timestamp_ns);

/* Any holder's side (the sink's, through a ShrbufSlotMeta). */
gboolean shrbuf_ledger_hold (ShrbufLedger * ledger, guint slot,
    gboolean empty, GError ** error);
gboolean shrbuf_ledger_release (ShrbufLedger * ledger, guint slot,
    guint32 state, guint64 seq, guint64 timestamp_ns, GError ** error);
ShrbufLedger *shrbuf_ledger_ref (ShrbufLedger * ledger);
void shrbuf_ledger_close (ShrbufLedger * ledger);
void shrbuf_ledger_unref (ShrbufLedger * ledger);

/* A buffer's slot in a ledger, for the elements downstream of the one that
 * made the ledger: a shrbufsink marks the slot while the frame is on
 * screen. Tagged "memory": it goes with the buffer's memory. */
typedef struct
{
  GstMeta meta;
  ShrbufLedger *ledger;         /* a reference */
  guint slot;
  guint64 seq;                  /* as recorded when the slot was FILLED */
  guint64 timestamp_ns;
} ShrbufSlotMeta;

GType shrbuf_slot_meta_api_get_type (void);
#define SHRBUF_SLOT_META_API_TYPE (shrbuf_slot_meta_api_get_type ())
ShrbufSlotMeta *shrbuf_buffer_add_slot_meta (GstBuffer * buffer,
    ShrbufLedger * ledger, guint slot, guint64 seq, guint64 timestamp_ns);
#define shrbuf_buffer_get_slot_meta(b) \
  ((ShrbufSlotMeta *) gst_buffer_get_meta ((b), SHRBUF_SLOT_META_API_TYPE))

G_END_DECLS

#endif /* __SHRBUF_LEDGER_H__ */
