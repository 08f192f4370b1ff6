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

#include <glib.h>
#include <linux/shrbuf.h>

G_BEGIN_DECLS

/* A pool of the shrbuf module that records where an element's buffers are
 * (see docs/kernel-abi.md): a slot per buffer, held while the element has
 * it, released with a state when it hands it on. Optional: without the
 * module there is no ledger and the element works the same. */
typedef struct _ShrbufLedger ShrbufLedger;

ShrbufLedger *shrbuf_ledger_new (guint max_slots, GError ** error);
gint shrbuf_ledger_add (ShrbufLedger * ledger, gint dmabuf_fd,
    const gchar * tag, GError ** error);
gboolean shrbuf_ledger_hold (ShrbufLedger * ledger, guint slot,
    GError ** error);
gboolean shrbuf_ledger_release (ShrbufLedger * ledger, guint slot,
    guint32 state, guint64 seq, guint64 timestamp_ns, GError ** error);
guint32 shrbuf_ledger_get_id (ShrbufLedger * ledger);
void shrbuf_ledger_free (ShrbufLedger * ledger);

G_END_DECLS

#endif /* __SHRBUF_LEDGER_H__ */
