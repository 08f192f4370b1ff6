/* gst-shrbuf: the elements' view of a /dev/shrbuf pool
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SHRBUF_POOL_H__
#define __SHRBUF_POOL_H__

#include <gst/gst.h>
#include <linux/shrbuf.h>

G_BEGIN_DECLS

/* A pool of the shrbuf module that records where an element's buffers are
 * (see docs/kernel-abi.md): a slot per buffer, held while the element has
 * it, released with a state when it hands it on. Optional: without the
 * module there is no pool and the element works the same.
 *
 * Failure policy, the same for every call: the pool only records, so a
 * failure never stops the element. shrbuf_pool_new_recording() that
 * fails makes no pool (NULL, with @error set and a warning in the log,
 * or an INFO line when the module is not loaded); a mark that fails logs a
 * warning and leaves the slot as it was. Every call takes a NULL pool
 * (the element has none) and does nothing. Log lines go to the
 * "shrbufpool" debug category and name the pool's owner. */
typedef struct _ShrbufPool ShrbufPool;

/* The source's side: the constructor and the two marks of a capture
 * buffer's round trip. */
ShrbufPool *shrbuf_pool_new_recording (const gchar * owner,
    const gint dmabuf_fds[], guint n, GError ** error);
gboolean shrbuf_pool_hold_empty (ShrbufPool * pool, guint slot);
gboolean shrbuf_pool_mark_filled (ShrbufPool * pool, guint slot,
    guint64 seq, guint64 timestamp_ns);

/* Any holder's side (the sink's, through a ShrbufSlotMeta). */
gboolean shrbuf_pool_hold (ShrbufPool * pool, guint slot,
    gboolean empty, GError ** error);
gboolean shrbuf_pool_release (ShrbufPool * pool, guint slot,
    guint32 state, guint64 seq, guint64 timestamp_ns, GError ** error);
ShrbufPool *shrbuf_pool_ref (ShrbufPool * pool);
void shrbuf_pool_close (ShrbufPool * pool);
void shrbuf_pool_unref (ShrbufPool * pool);

/* A buffer's slot in a pool, for the elements downstream of the one that
 * made the pool: a shrbufsink marks the slot while the frame is on
 * screen. Tagged "memory": it goes with the buffer's memory. */
typedef struct
{
  GstMeta meta;
  ShrbufPool *shrbuf_pool;  /* a reference */
  guint slot;
  guint64 seq;                  /* as recorded when the slot was FILLED */
  guint64 timestamp_ns;
} ShrbufSlotMeta;

GType shrbuf_slot_meta_api_get_type (void);
#define SHRBUF_SLOT_META_API_TYPE (shrbuf_slot_meta_api_get_type ())
ShrbufSlotMeta *shrbuf_buffer_add_slot_meta (GstBuffer * buffer,
    ShrbufPool * pool, guint slot, guint64 seq, guint64 timestamp_ns);
#define shrbuf_buffer_get_slot_meta(b) \
  ((ShrbufSlotMeta *) gst_buffer_get_meta ((b), SHRBUF_SLOT_META_API_TYPE))

G_END_DECLS

#endif /* __SHRBUF_POOL_H__ */
