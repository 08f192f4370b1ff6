/* gst-shrbuf: dma-buf memories that are a V4L2 device's capture buffers
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

/**
 * SECTION:gstshrbufallocator
 *
 * A GstDmaBufAllocator whose memories are capture buffers of a V4L2 device,
 * exported with VIDIOC_EXPBUF. It makes no memory of its own
 * (gst_allocator_alloc() fails): frames are added with their dma-buf fds.
 *
 * Ownership, in one place each:
 *
 * - A frame (one V4L2 buffer index) owns its planes' dma-buf fds from
 *   gst_shrbuf_allocator_add_frame() on, and closes them when it is freed.
 *   Its memories wrap the fds with GST_FD_MEMORY_FLAG_DONT_CLOSE, so a
 *   memory never closes an fd another memory of the frame could need.
 * - The allocator owns the frames it has not retired, and one reference to
 *   each memory of theirs that is "at home" (not downstream).
 * - gst_shrbuf_allocator_append_frame() hands that reference to a buffer.
 *   When the last reference to a memory goes, the memory's dispose hook
 *   takes it back (the memory is not freed); when every plane of the frame
 *   is back, it calls the recycle function on the thread that let go,
 *   after dropping the allocator's lock: under the lock it only marks the
 *   memory home and counts the call as in flight, so the owner's ioctls
 *   (QBUF) never run under it. A share or copy of a memory holds its
 *   parent, so a frame comes back only once nothing downstream can see its
 *   pixels.
 * - gst_shrbuf_allocator_retire() (stop, renegotiation) disowns every frame:
 *   memories at home are freed now, memories downstream when their last
 *   reference goes; the frame closes its fds after its last memory. It
 *   waits for recycle calls in flight, and none starts after it (the
 *   dispose hook checks under the same lock), so once it returns no frame
 *   is handed to its owner for a device that is gone. Each
 *   memory holds a reference to the allocator, so the allocator lives as
 *   long as any memory does. The owner must retire before dropping its
 *   reference, or the memories at home and the allocator keep each other.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstshrbufallocator.h"

#include <unistd.h>

GST_DEBUG_CATEGORY_STATIC (shrbufallocator_debug);
#define GST_CAT_DEFAULT shrbufallocator_debug

typedef struct
{
  guint index;
  guint n_planes;
  gint fds[GST_SHRBUF_ALLOCATOR_MAX_PLANES];
  GstMemory *mems[GST_SHRBUF_ALLOCATOR_MAX_PLANES];
  gboolean home[GST_SHRBUF_ALLOCATOR_MAX_PLANES];
  guint out;                    /* memories downstream */
  guint alive;                  /* memories not freed */
  gboolean retired;
} ShrbufFrame;

struct _GstShrbufAllocator
{
  GstDmaBufAllocator parent;

  GstShrbufRecycleFunc recycle;
  gpointer user_data;
  GPtrArray *frames;            /* ShrbufFrame *, not retired; object lock */
  guint recycling;              /* recycle calls in flight; object lock */
  GCond recycled;               /* signalled when recycling drops to 0 */
};

G_DEFINE_TYPE (GstShrbufAllocator, gst_shrbuf_allocator,
    GST_TYPE_DMABUF_ALLOCATOR);

static GQuark
frame_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("GstShrbufAllocatorFrame");
  return quark;
}

static void
frame_free (ShrbufFrame * frame)
{
  guint i;

  GST_DEBUG ("frame %u: closing its %u dma-buf fd(s)", frame->index,
      frame->n_planes);
  for (i = 0; i < frame->n_planes; i++)
    if (frame->fds[i] >= 0)
      close (frame->fds[i]);
  g_free (frame);
}

/* The last reference to one of our memories went. */
static gboolean
memory_dispose (GstMiniObject * obj)
{
  GstMemory *mem = GST_MEMORY_CAST (obj);
  GstShrbufAllocator *self = GST_SHRBUF_ALLOCATOR (mem->allocator);
  ShrbufFrame *frame = gst_mini_object_get_qdata (obj, frame_quark ());
  ShrbufFrame *dead = NULL;
  gboolean keep = TRUE, complete = FALSE;
  guint i, index = 0;

  GST_OBJECT_LOCK (self);
  if (frame->retired) {
    /* Nobody wants it back: let it be freed (its fd stays open, DONT_CLOSE;
     * the frame closes it after its last memory). */
    keep = FALSE;
    if (--frame->alive == 0)
      dead = frame;
  } else {
    gst_memory_ref (mem);
    for (i = 0; i < frame->n_planes; i++)
      if (frame->mems[i] == mem)
        frame->home[i] = TRUE;
    if (--frame->out == 0 && self->recycle) {
      complete = TRUE;
      index = frame->index;
      self->recycling++;
    }
  }
  GST_OBJECT_UNLOCK (self);

  if (complete) {
    /* Not under the lock; retire() waits for this call to end. */
    self->recycle (self, index, self->user_data);
    GST_OBJECT_LOCK (self);
    if (--self->recycling == 0)
      g_cond_broadcast (&self->recycled);
    GST_OBJECT_UNLOCK (self);
  }
  if (dead)
    frame_free (dead);
  return !keep;
}

static GstMemory *
gst_shrbuf_allocator_alloc (GstAllocator * allocator, gsize size,
    GstAllocationParams * params)
{
  GST_WARNING_OBJECT (allocator, "allocates nothing: its memories are the "
      "device's capture buffers");
  return NULL;
}

static void
gst_shrbuf_allocator_finalize (GObject * object)
{
  GstShrbufAllocator *self = GST_SHRBUF_ALLOCATOR (object);

  /* Not reached with frames left: each one's memories hold us. */
  g_warn_if_fail (self->frames->len == 0);
  g_ptr_array_unref (self->frames);
  g_cond_clear (&self->recycled);
  G_OBJECT_CLASS (gst_shrbuf_allocator_parent_class)->finalize (object);
}

static void
gst_shrbuf_allocator_class_init (GstShrbufAllocatorClass * klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstAllocatorClass *allocator_class = GST_ALLOCATOR_CLASS (klass);

  object_class->finalize = gst_shrbuf_allocator_finalize;
  allocator_class->alloc = gst_shrbuf_allocator_alloc;

  GST_DEBUG_CATEGORY_INIT (shrbufallocator_debug, "shrbufallocator", 0,
      "V4L2 capture buffers as dma-buf memories");
}

static void
gst_shrbuf_allocator_init (GstShrbufAllocator * self)
{
  self->frames = g_ptr_array_new ();
  g_cond_init (&self->recycled);
}

/**
 * gst_shrbuf_allocator_new:
 * @recycle: called when a frame's memories have all come back
 * @user_data: for @recycle; must outlive gst_shrbuf_allocator_retire()
 *
 * Returns: (transfer full): a new allocator with no frames.
 */
GstAllocator *
gst_shrbuf_allocator_new (GstShrbufRecycleFunc recycle, gpointer user_data)
{
  GstShrbufAllocator *self = g_object_new (GST_TYPE_SHRBUF_ALLOCATOR, NULL);

  gst_object_ref_sink (self);
  self->recycle = recycle;
  self->user_data = user_data;
  return GST_ALLOCATOR_CAST (self);
}

/**
 * gst_shrbuf_allocator_add_frame:
 * @fds: (transfer full): one dma-buf fd a plane; owned by the frame from
 *   now on, also when this fails
 * @sizes: each plane's length
 *
 * Adds frame @index, at home. Returns FALSE (and closes @fds) when
 * @n_planes is out of range or @index is taken.
 */
gboolean
gst_shrbuf_allocator_add_frame (GstShrbufAllocator * self, guint index,
    guint n_planes, const gint fds[], const gsize sizes[])
{
  ShrbufFrame *frame = g_new0 (ShrbufFrame, 1);
  guint i;

  frame->index = index;
  frame->n_planes = MIN (n_planes, GST_SHRBUF_ALLOCATOR_MAX_PLANES);
  for (i = 0; i < frame->n_planes; i++)
    frame->fds[i] = fds[i];

  if (n_planes == 0 || n_planes > GST_SHRBUF_ALLOCATOR_MAX_PLANES)
    goto bad;
  GST_OBJECT_LOCK (self);
  for (i = 0; i < self->frames->len; i++) {
    if (((ShrbufFrame *) g_ptr_array_index (self->frames, i))->index == index) {
      GST_OBJECT_UNLOCK (self);
      goto bad;
    }
  }
  GST_OBJECT_UNLOCK (self);

  for (i = 0; i < frame->n_planes; i++) {
    GstMemory *mem = gst_fd_allocator_alloc (GST_ALLOCATOR_CAST (self),
        fds[i], sizes[i], GST_FD_MEMORY_FLAG_DONT_CLOSE);

    gst_mini_object_set_qdata (GST_MINI_OBJECT_CAST (mem), frame_quark (),
        frame, NULL);
    GST_MINI_OBJECT_CAST (mem)->dispose = memory_dispose;
    frame->mems[i] = mem;
    frame->home[i] = TRUE;
    frame->alive++;
  }

  GST_OBJECT_LOCK (self);
  g_ptr_array_add (self->frames, frame);
  GST_OBJECT_UNLOCK (self);
  GST_DEBUG_OBJECT (self, "frame %u: %u plane(s), fd %d, %" G_GSIZE_FORMAT
      " bytes", index, n_planes, fds[0], sizes[0]);
  return TRUE;

bad:
  GST_ERROR_OBJECT (self, "cannot add frame %u with %u planes", index,
      n_planes);
  frame_free (frame);
  return FALSE;
}

static ShrbufFrame *
find_frame (GstShrbufAllocator * self, guint index)
{
  guint i;

  for (i = 0; i < self->frames->len; i++) {
    ShrbufFrame *frame = g_ptr_array_index (self->frames, i);

    if (frame->index == index)
      return frame;
  }
  return NULL;
}

/**
 * gst_shrbuf_allocator_append_frame:
 * @used: each plane's bytes used, as the driver filled it
 *
 * Appends the memories of frame @index (which must be at home, that is
 * dequeued from the driver) to @buffer, sized to @used.
 */
gboolean
gst_shrbuf_allocator_append_frame (GstShrbufAllocator * self, guint index,
    GstBuffer * buffer, const gsize used[])
{
  GstMemory *mems[GST_SHRBUF_ALLOCATOR_MAX_PLANES];
  ShrbufFrame *frame;
  guint i, n;

  GST_OBJECT_LOCK (self);
  frame = find_frame (self, index);
  if (frame == NULL || frame->out != 0) {
    GST_OBJECT_UNLOCK (self);
    GST_ERROR_OBJECT (self, "frame %u is %s", index,
        frame ? "still downstream" : "unknown");
    return FALSE;
  }
  n = frame->n_planes;
  for (i = 0; i < n; i++) {
    mems[i] = frame->mems[i];
    frame->home[i] = FALSE;
  }
  frame->out = n;
  GST_OBJECT_UNLOCK (self);

  for (i = 0; i < n; i++) {
    /* Downstream may have resized it last time. */
    gst_memory_resize (mems[i], -(gssize) mems[i]->offset,
        MIN (used[i], mems[i]->maxsize));
    gst_buffer_append_memory (buffer, mems[i]);
  }
  return TRUE;
}

/**
 * gst_shrbuf_allocator_retire:
 *
 * Disowns every frame: waits for the recycle calls in flight, and from
 * then on none runs. Memories at home are freed now, the others when
 * downstream drops them; each frame closes its fds after its last memory
 * is freed. Must not be called from a recycle function.
 */
void
gst_shrbuf_allocator_retire (GstShrbufAllocator * self)
{
  GPtrArray *idle = g_ptr_array_new ();
  guint i, j;

  GST_OBJECT_LOCK (self);
  for (i = 0; i < self->frames->len; i++) {
    ShrbufFrame *frame = g_ptr_array_index (self->frames, i);

    frame->retired = TRUE;
    for (j = 0; j < frame->n_planes; j++)
      if (frame->home[j])
        g_ptr_array_add (idle, frame->mems[j]);
    GST_DEBUG_OBJECT (self, "retiring frame %u, %u plane(s) downstream",
        frame->index, frame->out);
  }
  g_ptr_array_set_size (self->frames, 0);
  while (self->recycling > 0)
    g_cond_wait (&self->recycled, GST_OBJECT_GET_LOCK (self));
  GST_OBJECT_UNLOCK (self);

  /* Outside the lock: their dispose hook takes it. */
  for (i = 0; i < idle->len; i++)
    gst_memory_unref (g_ptr_array_index (idle, i));
  g_ptr_array_unref (idle);
}
