/* gst-shrbuf: V4L2 capture exported as dma-buf
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
 * SECTION:element-shrbufsrc
 *
 * Captures from a V4L2 device and pushes buffers whose memories are the
 * driver's own capture buffers, exported with VIDIOC_EXPBUF: every memory
 * is a dma-buf (gst_is_dmabuf_memory()), so downstream can import it
 * without a copy. A buffer goes back to the driver only when the last
 * reference to its memories is gone (see gstshrbufallocator.c).
 *
 * When the driver cannot export its buffers (VIDIOC_EXPBUF fails with
 * ENOTTY or EINVAL), or the format is one libv4l2 only emulates, each frame
 * is copied into a buffer of a video pool instead, with one warning saying
 * why, and counted in the "copied" stats.
 *
 * |[
 * gst-launch-1.0 shrbufsrc ! video/x-raw,format=BGRx,width=640,height=480 ! kmssink
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstshrbufsrc.h"
#include "gstshrbufallocator.h"
#include "src-copy.h"
#include "v4l2-layout.h"
#include "formats.h"
#include "dma-drm.h"
#include "clock.h"

#include <drm_fourcc.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

GST_DEBUG_CATEGORY (shrbufsrc_debug);
#define GST_CAT_DEFAULT shrbufsrc_debug

GType
gst_shrbuf_src_pool_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_SHRBUF_SRC_POOL_AUTO, "Use /dev/shrbuf when it exists", "auto"},
    {GST_SHRBUF_SRC_POOL_OFF, "Do not use /dev/shrbuf", "off"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstShrbufSrcPool", values);

    g_once_init_leave (&type, t);
  }
  return type;
}

#define DEFAULT_DEVICE "/dev/video0"
#define DEFAULT_DEVICE_FD -1
#define DEFAULT_QUEUE_DEPTH 4
#define MIN_QUEUE_DEPTH 2
#define MAX_QUEUE_DEPTH 32
#define DEFAULT_POOL GST_SHRBUF_SRC_POOL_AUTO

enum
{
  PROP_0,
  PROP_DEVICE,
  PROP_DEVICE_FD,
  PROP_QUEUE_DEPTH,
  PROP_POOL,
  PROP_BROKER,
  PROP_STATS,
  PROP_LAST
};

static GParamSpec *properties[PROP_LAST];

G_DEFINE_TYPE (GstShrbufSrc, gst_shrbuf_src, GST_TYPE_PUSH_SRC);
GST_ELEMENT_REGISTER_DEFINE (shrbufsrc, "shrbufsrc", GST_RANK_NONE,
    GST_TYPE_SHRBUF_SRC);

static void stop_streaming (GstShrbufSrc * self);

/* The shrbuf pool of the frames (pool=auto, the module loaded): frame i's
 * first plane in slot i, or NULL (see the failure policy in pool.h). */
static ShrbufPool *
pool_new (GstShrbufSrc * self, const gint * first_fds, guint n)
{
  GstShrbufSrcPool use;

  GST_OBJECT_LOCK (self);
  use = self->pool;
  GST_OBJECT_UNLOCK (self);
  if (use == GST_SHRBUF_SRC_POOL_OFF)
    return NULL;
  return shrbuf_pool_new_recording ("shrbufsrc", first_fds, n, NULL);
}

/* Gives frame @index to the driver, held EMPTY in its pool slot. */
static gboolean
queue_frame (GstShrbufSrc * self, guint index, GError ** err)
{
  shrbuf_pool_hold_empty (self->shrbuf_pool, index);
  if (!shrbuf_v4l2_device_queue (self->dev, index, self->fmt.n_planes, err))
    return FALSE;
  g_atomic_int_inc (&self->queued);
  return TRUE;
}

/* Frames coming back. Downstream drops a buffer on any thread; once every
 * memory of the frame is back, the allocator calls this on that thread,
 * outside its own lock, and the frame goes back to the driver at once:
 * a streaming thread that waits downstream (a sink synchronising to the
 * clock) could not re-queue it before the driver runs out of buffers.
 * gst_shrbuf_allocator_retire() in stop_streaming() waits for the calls in
 * flight and stops new ones, so no frame is queued to a device that is
 * gone or has other buffers. */
static void
frame_returned (GstShrbufAllocator * allocator, guint index, gpointer user_data)
{
  GstShrbufSrc *self = user_data;
  GError *err = NULL;

  if (!queue_frame (self, index, &err)) {
    /* dequeue() sees the device fail too and reports it. */
    GST_WARNING_OBJECT (self, "cannot re-queue buffer %u: %s", index,
        err->message);
    g_error_free (err);
    return;
  }
  GST_LOG_OBJECT (self, "re-queued buffer %u", index);
}

/* Watches @fd, with @pollfd, in self->poll for reading. */
static void
poll_add (GstShrbufSrc * self, GstPollFD * pollfd, gint fd)
{
  gst_poll_fd_init (pollfd);
  pollfd->fd = fd;
  gst_poll_add_fd (self->poll, pollfd);
  gst_poll_fd_ctl_read (self->poll, pollfd, TRUE);
}

static gboolean
gst_shrbuf_src_start (GstBaseSrc * src)
{
  GstShrbufSrc *self = GST_SHRBUF_SRC (src);
  GError *err = NULL;
  g_autofree gchar *path = NULL;
  gint fd;

  GST_OBJECT_LOCK (self);
  path = g_strdup (self->device);
  fd = self->device_fd;
  self->frames = self->dropped = self->exported = self->copied = 0;
  GST_OBJECT_UNLOCK (self);
  g_atomic_int_set (&self->queued, 0);
  shrbuf_src_copy_forget_warnings (&self->copy);

  self->dev = shrbuf_v4l2_device_open (path, fd, &err);
  if (self->dev == NULL) {
    shrbuf_post_error (self, err, fd >= 0 ?
        g_strdup_printf ("Cannot use video device fd %d: %s", fd,
            err->message) :
        g_strdup_printf ("Cannot use video device '%s': %s", path,
            err->message));
    return FALSE;
  }

  if (!shrbuf_v4l2_device_get_format (self->dev, &self->current, &err)) {
    GST_DEBUG_OBJECT (self, "no current format: %s", err->message);
    g_clear_error (&err);
    memset (&self->current, 0, sizeof (self->current));
  }
  self->probed_caps = shrbuf_v4l2_device_probe_caps (self->dev);
  GST_DEBUG_OBJECT (self, "probed caps %" GST_PTR_FORMAT, self->probed_caps);
  if (gst_caps_is_empty (self->probed_caps)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("Video device '%s' offers no format this element can capture",
            self->dev->path), ("no ENUM_FMT entry maps to a GStreamer "
            "format"));
    goto fail;
  }

  self->poll = gst_poll_new (TRUE);
  poll_add (self, &self->pollfd, self->dev->fd);
  return TRUE;

fail:
  gst_clear_caps (&self->probed_caps);
  g_clear_pointer (&self->dev, shrbuf_v4l2_device_free);
  return FALSE;
}

static gboolean
gst_shrbuf_src_stop (GstBaseSrc * src)
{
  GstShrbufSrc *self = GST_SHRBUF_SRC (src);

  stop_streaming (self);
  gst_clear_caps (&self->caps);
  gst_clear_caps (&self->probed_caps);
  g_clear_pointer (&self->poll, gst_poll_free);
  g_clear_pointer (&self->dev, shrbuf_v4l2_device_free);
  shrbuf_src_copy_forget_warnings (&self->copy);
  return TRUE;
}

/* Retires the frames (downstream may keep its buffers), stops the stream
 * and frees the driver's buffer list, orphaning buffers still exported. */
static void
stop_streaming (GstShrbufSrc * self)
{
  GError *err = NULL;
  guint32 caps = 0;
  guint zero = 0;

  if (self->allocator) {
    gst_shrbuf_allocator_retire (GST_SHRBUF_ALLOCATOR (self->allocator));
    gst_clear_object (&self->allocator);
  }
  /* Closed now, so that buffers kept downstream (on screen, say) do not
   * keep the pool's references to the others; their metas only see a
   * closed pool. */
  shrbuf_pool_close (self->shrbuf_pool);
  g_clear_pointer (&self->shrbuf_pool, shrbuf_pool_unref);
  shrbuf_src_copy_stop (&self->copy);
  if (self->dev == NULL || self->n_buffers == 0)
    return;
  if (self->streaming && !shrbuf_v4l2_device_stream (self->dev, FALSE, &err)) {
    GST_WARNING_OBJECT (self, "%s", err->message);
    g_clear_error (&err);
  }
  self->streaming = FALSE;
  g_atomic_int_set (&self->queued, 0);
  /* With V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS the driver frees its list and
   * the exported dma-bufs live on in downstream's memories; without it
   * REQBUFS(0) fails with EBUSY while they do, and closing the device
   * releases the queue the same way. */
  if (!shrbuf_v4l2_device_request_buffers (self->dev, &zero, &caps, &err)) {
    GST_WARNING_OBJECT (self, "%s", err->message);
    g_clear_error (&err);
  }
  self->n_buffers = 0;
}

static GstCaps *
gst_shrbuf_src_get_caps (GstBaseSrc * src, GstCaps * filter)
{
  GstShrbufSrc *self = GST_SHRBUF_SRC (src);
  GstCaps *caps;

  if (self->probed_caps)
    caps = gst_caps_ref (self->probed_caps);
  else
    caps = gst_pad_get_pad_template_caps (GST_BASE_SRC_PAD (src));
  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, caps,
        GST_CAPS_INTERSECT_FIRST);

    gst_caps_unref (caps);
    caps = tmp;
  }
  return caps;
}

/* Fixates @s towards @want (the current format, else BGRx; for DMA_DRM
 * caps the drm-format @want_drm), the current size and 30 fps, and scores
 * it for gst_shrbuf_src_fixate () (lower is better). */
static gint64
fixate_structure (GstShrbufSrc * self, GstStructure * s,
    const ShrbufFormat * want, const gchar * want_drm)
{
  const ShrbufFormat *cur = shrbuf_format_from_v4l2 (self->current.pixelformat);
  gint cw = self->current.width, ch = self->current.height;
  GstVideoFormat format;
  gint w = 0, h = 0;
  gint64 score;

  gst_structure_fixate_field_string (s, "format",
      gst_video_format_to_string (want->gst));
  if (gst_structure_has_field (s, "drm-format"))
    gst_structure_fixate_field_string (s, "drm-format", want_drm);
  if (cw > 0) {
    gst_structure_fixate_field_nearest_int (s, "width", cw);
    gst_structure_fixate_field_nearest_int (s, "height", ch);
  }
  gst_structure_fixate_field_nearest_fraction (s, "framerate", 30, 1);
  format = shrbuf_structure_get_format (s, NULL);
  gst_structure_get_int (s, "width", &w);
  gst_structure_get_int (s, "height", &h);
  score = (gint64) ABS (w - cw) + ABS (h - ch);
  if (!cur || format != cur->gst)
    score += G_MAXINT;          /* the current format before any other */
  if (format != GST_VIDEO_FORMAT_UNKNOWN && self->dev) {
    gboolean emulated;

    shrbuf_v4l2_device_fourcc_for (self->dev, format, &emulated);
    if (emulated)
      score += G_MAXINT;        /* exported before copied */
  }
  return score;
}

/* Of the caps downstream allows (in its order of preference), takes the one
 * structure that best keeps the device as it is: the current format if
 * allowed, then the driver's own formats before those libv4l2 emulates
 * (which are copied), then the size nearest the current one, then
 * downstream's order (of DMA_DRM and plain caps alike, the first it lists;
 * shrbufsrc offers plain caps first); then 30 fps.
 * The format of DMA_DRM caps is their drm-format, fixated the same way. */
static GstCaps *
gst_shrbuf_src_fixate (GstBaseSrc * src, GstCaps * caps)
{
  GstShrbufSrc *self = GST_SHRBUF_SRC (src);
  const ShrbufFormat *cur = shrbuf_format_from_v4l2 (self->current.pixelformat);
  const ShrbufFormat *want = cur ? cur :
      shrbuf_format_from_gst (GST_VIDEO_FORMAT_BGRx);
  g_autofree gchar *want_drm = shrbuf_drm_format_to_string (want->drm,
      DRM_FORMAT_MOD_LINEAR);
  GstStructure *best = NULL;
  GstCapsFeatures *best_features = NULL;
  gint64 best_score = G_MAXINT64;
  guint i;

  for (i = 0; i < gst_caps_get_size (caps); i++) {
    GstStructure *s = gst_structure_copy (gst_caps_get_structure (caps, i));
    gint64 score = fixate_structure (self, s, want, want_drm);

    if (score < best_score) {
      if (best)
        gst_structure_free (best);
      best = s;
      best_features = gst_caps_get_features (caps, i);
      best_score = score;
    } else {
      gst_structure_free (s);
    }
  }
  if (best) {
    GstCaps *fixed = gst_caps_new_empty ();

    /* With its features: memory:DMABuf makes DMA_DRM caps what they are. */
    gst_caps_append_structure_full (fixed, best, best_features ?
        gst_caps_features_copy (best_features) : NULL);
    gst_caps_unref (caps);
    caps = fixed;
  }
  return GST_BASE_SRC_CLASS (gst_shrbuf_src_parent_class)->fixate (src, caps);
}

static gboolean
gst_shrbuf_src_set_caps (GstBaseSrc * src, GstCaps * caps)
{
  GstShrbufSrc *self = GST_SHRBUF_SRC (src);
  GstVideoInfo info;
  guint64 modifier;

  if (!shrbuf_video_info_from_caps (caps, &info, NULL, &modifier, NULL)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("invalid caps %" GST_PTR_FORMAT, caps));
    return FALSE;
  }
  /* V4L2 MMAP buffers are linear. */
  if (modifier != DRM_FORMAT_MOD_LINEAR) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("modifier 0x%016" G_GINT64_MODIFIER "x refused: the capture "
            "buffers are linear (%" GST_PTR_FORMAT ")", modifier, caps));
    return FALSE;
  }
  /* The device is set up in decide_allocation(), once downstream's layout
   * wishes are known. */
  return TRUE;
}

/* Exports every buffer (VIDIOC_EXPBUF) into a new allocator and records
 * them in a shrbuf pool. A driver that cannot export (ENOTTY or
 * EINVAL on the first buffer) leaves the reason for the copy path in
 * *@copy_reason instead, and no allocator. */
static gboolean
export_buffers (GstShrbufSrc * self, gchar ** copy_reason)
{
  GError *err = NULL;
  gint first_fds[VIDEO_MAX_FRAME];
  gint err_no;
  guint i, p;

  self->allocator = gst_shrbuf_allocator_new (frame_returned, self);
  for (i = 0; i < self->n_buffers; i++) {
    gint fds[VIDEO_MAX_PLANES];
    gsize lengths[VIDEO_MAX_PLANES];

    if (!shrbuf_v4l2_device_query_plane_lengths (self->dev, i,
            self->fmt.n_planes, lengths, &err))
      goto failed;
    for (p = 0; p < self->fmt.n_planes; p++) {
      fds[p] = shrbuf_v4l2_device_export (self->dev, i, p, &err);
      if (fds[p] < 0) {
        err_no = -fds[p];
        while (p > 0)
          close (fds[--p]);
        if (i == 0 && (err_no == ENOTTY || err_no == EINVAL))
          goto unsupported;
        goto failed;
      }
    }
    if (i < G_N_ELEMENTS (first_fds))
      first_fds[i] = fds[0];
    if (!gst_shrbuf_allocator_add_frame (GST_SHRBUF_ALLOCATOR
            (self->allocator), i, self->fmt.n_planes, fds, lengths)) {
      GST_ELEMENT_ERROR (self, RESOURCE, FAILED, (NULL),
          ("cannot wrap buffer %u", i));
      return FALSE;
    }
  }
  /* The frames own the fds; the pool takes references of its own. */
  if (self->n_buffers <= G_N_ELEMENTS (first_fds))
    self->shrbuf_pool = pool_new (self, first_fds, self->n_buffers);
  return TRUE;

unsupported:
  /* No VIDIOC_EXPBUF, or a queue that cannot export: the copy path. */
  GST_DEBUG_OBJECT (self, "%s", err->message);
  *copy_reason = g_strdup_printf ("VIDIOC_EXPBUF failed on %s: %s",
      self->dev->path, g_strerror (err_no));
  g_error_free (err);
  gst_shrbuf_allocator_retire (GST_SHRBUF_ALLOCATOR (self->allocator));
  gst_clear_object (&self->allocator);
  return TRUE;

failed:
  shrbuf_post_error (self, err, g_strdup_printf ("Cannot export the "
          "capture buffers of '%s' as dma-buf", self->dev->path));
  return FALSE;
}

/* libv4l2 keeps its own list of the buffers and, once they were exported
 * and orphaned, refuses S_FMT and REQBUFS (EBUSY) on buffers that are no
 * longer there. A new open starts it afresh; the orphaned buffers live on
 * in downstream's memories. */
static gboolean
reopen_device (GstShrbufSrc * self)
{
  ShrbufV4l2Device *dev;
  GError *err = NULL;
  g_autofree gchar *path = NULL;
  gint fd;

  GST_OBJECT_LOCK (self);
  path = g_strdup (self->device);
  fd = self->device_fd;
  GST_OBJECT_UNLOCK (self);

  gst_poll_remove_fd (self->poll, &self->pollfd);
  g_clear_pointer (&self->dev, shrbuf_v4l2_device_free);
  dev = shrbuf_v4l2_device_open (path, fd, &err);
  if (dev == NULL) {
    shrbuf_post_error (self, err, g_strdup_printf ("Cannot reopen the "
            "video device: %s", err->message));
    return FALSE;
  }
  self->dev = dev;
  poll_add (self, &self->pollfd, dev->fd);
  return TRUE;
}

/* The bytesperline to ask for so that each row has @padding_right pixels
 * more than @info's (0: the driver's choice). */
static guint
padded_bytesperline (const GstVideoInfo * info, guint padding_right)
{
  GstVideoInfo padded;

  if (padding_right == 0)
    return 0;
  gst_video_info_set_format (&padded, GST_VIDEO_INFO_FORMAT (info),
      info->width + padding_right, info->height);
  return GST_VIDEO_INFO_PLANE_STRIDE (&padded, 0);
}

/* S_FMT (with the stride downstream asks for) and S_PARM for @caps: sets
 * self->fmt and self->info (the driver's layout). A format libv4l2 only
 * emulates leaves the reason for the copy path in *@copy_reason. */
static gboolean
set_format (GstShrbufSrc * self, GstCaps * caps, guint padding_right,
    gchar ** copy_reason)
{
  GstVideoInfo info;
  ShrbufV4l2Format fmt;
  GError *err = NULL;
  guint32 fourcc = 0;
  guint64 modifier = DRM_FORMAT_MOD_LINEAR;
  guint bytesperline;
  gboolean emulated = FALSE;

  if (shrbuf_video_info_from_caps (caps, &info, NULL, &modifier,
          &self->dma_drm) && modifier == DRM_FORMAT_MOD_LINEAR)
    fourcc = shrbuf_v4l2_device_fourcc_for (self->dev,
        GST_VIDEO_INFO_FORMAT (&info), &emulated);
  if (fourcc == 0) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("cannot capture %" GST_PTR_FORMAT, caps));
    return FALSE;
  }
  /* Its pixels are in libv4l2's memory, not in the driver's buffers. */
  if (emulated)
    *copy_reason = g_strdup_printf ("format %" GST_FOURCC_FORMAT
        " is emulated by libv4l2", GST_FOURCC_ARGS (fourcc));
  /* A copy is laid out by its pool; the driver keeps its stride. */
  bytesperline = *copy_reason ? 0 : padded_bytesperline (&info, padding_right);

  if (!shrbuf_v4l2_device_set_format (self->dev, fourcc, info.width,
          info.height, bytesperline, &fmt, &err)) {
    shrbuf_post_error (self, err, g_strdup_printf ("Cannot set the "
            "format of '%s' to %s %dx%d", self->dev->path,
            gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&info)),
            info.width, info.height));
    return FALSE;
  }
  if (fmt.pixelformat != fourcc || fmt.width != (guint) info.width
      || fmt.height != (guint) info.height) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Video device '%s' does not capture %s %dx%d", self->dev->path,
            gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&info)),
            info.width, info.height),
        ("S_FMT gave %" GST_FOURCC_FORMAT " %ux%u",
            GST_FOURCC_ARGS (fmt.pixelformat), fmt.width, fmt.height));
    return FALSE;
  }
  if (bytesperline != 0 && fmt.bytesperline[0] != bytesperline)
    GST_INFO_OBJECT (self, "asked for bytesperline %u, the driver gave %u",
        bytesperline, fmt.bytesperline[0]);
  if (!shrbuf_v4l2_layout (&info, &fmt, &err)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("the driver's layout does not fit %" GST_PTR_FORMAT ": %s", caps,
            err->message));
    g_error_free (err);
    return FALSE;
  }
  if (!shrbuf_v4l2_device_set_framerate (self->dev, info.fps_n, info.fps_d,
          &err)) {
    shrbuf_post_error (self, err, g_strdup_printf ("Cannot set the "
            "frame rate of '%s' to %d/%d", self->dev->path, info.fps_n,
            info.fps_d));
    return FALSE;
  }
  self->fmt = fmt;
  self->info = info;
  return TRUE;
}

/* REQBUFS, then the buffers exported (EXPBUF) or, on the copy path (when
 * *@copy_reason is set, or export_buffers() sets it), mapped: sets
 * self->mode. */
static gboolean
set_up_buffers (GstShrbufSrc * self, gchar ** copy_reason)
{
  GError *err = NULL;
  guint32 bufcaps = 0;
  guint count;

  GST_OBJECT_LOCK (self);
  count = self->queue_depth;
  GST_OBJECT_UNLOCK (self);
  if (!shrbuf_v4l2_device_request_buffers (self->dev, &count, &bufcaps, &err)) {
    shrbuf_post_error (self, err, g_strdup_printf ("Cannot allocate %u "
            "capture buffers on '%s'", count, self->dev->path));
    return FALSE;
  }
  self->n_buffers = count;
  if (count < MIN_QUEUE_DEPTH) {
    GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT,
        ("Video device '%s' gave %u capture buffers, %u are needed",
            self->dev->path, count, MIN_QUEUE_DEPTH), (NULL));
    return FALSE;
  }
  if (!(bufcaps & V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS))
    GST_INFO_OBJECT (self, "the driver cannot orphan buffers");

  if (*copy_reason == NULL && !export_buffers (self, copy_reason))
    return FALSE;
  self->mode = *copy_reason ? SHRBUF_SRC_MODE_COPY : SHRBUF_SRC_MODE_EXPORT;
  if (self->mode == SHRBUF_SRC_MODE_COPY && self->dma_drm) {
    /* Copies go to system memory: DMA_DRM caps cannot describe them. */
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, ("Video device '%s' cannot "
            "export its buffers, which DMA_DRM caps need", self->dev->path),
        ("%s; ask for plain caps (video/x-raw,format=%s), which are copied",
            *copy_reason, gst_video_format_to_string (GST_VIDEO_INFO_FORMAT
                (&self->info))));
    return FALSE;
  }
  return self->mode == SHRBUF_SRC_MODE_EXPORT ||
      shrbuf_src_copy_start (&self->copy, self->dev, &self->fmt, &self->info,
      self->n_buffers, *copy_reason);
}

/* Every buffer to the driver (QBUF), then STREAMON. */
static gboolean
start_streaming (GstShrbufSrc * self, GstCaps * caps)
{
  GError *err = NULL;
  guint i;

  for (i = 0; i < self->n_buffers; i++) {
    if (!queue_frame (self, i, &err)) {
      shrbuf_post_error (self, err, g_strdup_printf ("Cannot queue "
              "capture buffers on '%s'", self->dev->path));
      return FALSE;
    }
  }
  if (!shrbuf_v4l2_device_stream (self->dev, TRUE, &err)) {
    shrbuf_post_error (self, err, g_strdup_printf ("Cannot start "
            "streaming on '%s'", self->dev->path));
    return FALSE;
  }
  self->streaming = TRUE;
  self->have_sequence = FALSE;
  GST_INFO_OBJECT (self, "streaming %" GST_PTR_FORMAT " from %u buffers, "
      "stride %d", caps, self->n_buffers, self->info.stride[0]);
  return TRUE;
}

/* Sets the device up for @caps, afresh (a device streaming another
 * configuration is stopped and reopened first). */
static gboolean
configure (GstShrbufSrc * self, GstCaps * caps, guint padding_right)
{
  g_autofree gchar *copy_reason = NULL;

  if (self->n_buffers > 0) {
    stop_streaming (self);
    if (!reopen_device (self))
      return FALSE;
  }
  return set_format (self, caps, padding_right, &copy_reason)
      && set_up_buffers (self, &copy_reason)
      && start_streaming (self, caps);
}

/* Downstream's wishes: GstVideoMeta support, with padding (a
 * "video-meta" structure, see GstVideoMeta). No pool: the buffers are the
 * driver's; except on the copy path, which copies into downstream's pool
 * or a pool of its own. */
static gboolean
gst_shrbuf_src_decide_allocation (GstBaseSrc * src, GstQuery * query)
{
  GstShrbufSrc *self = GST_SHRBUF_SRC (src);
  const GstStructure *params = NULL;
  GstCaps *caps = NULL;
  guint index, padding_right = 0;
  gboolean video_meta;
  GstBufferPool *pool = NULL;
  guint size = 0, min = 0, max = 0;
  gboolean ret;

  gst_query_parse_allocation (query, &caps, NULL);
  GST_DEBUG_OBJECT (self, "downstream answered %" GST_PTR_FORMAT, query);
  if (caps == NULL)
    return FALSE;
  video_meta = gst_query_find_allocation_meta (query,
      GST_VIDEO_META_API_TYPE, &index);
  if (video_meta) {
    gst_query_parse_nth_allocation_meta (query, index, &params);
    if (params && gst_structure_has_name (params, "video-meta"))
      gst_structure_get_uint (params, "padding-right", &padding_right);
  }
  if (gst_query_get_n_allocation_pools (query) > 0)
    gst_query_parse_nth_allocation_pool (query, 0, &pool, &size, &min, &max);
  while (gst_query_get_n_allocation_pools (query) > 0)
    gst_query_remove_nth_allocation_pool (query, 0);

  if (self->streaming && self->caps && gst_caps_is_equal (caps, self->caps)
      && padding_right == self->padding_right)
    goto copy_pool;
  if (!configure (self, caps, padding_right)) {
    stop_streaming (self);
    gst_clear_object (&pool);
    return FALSE;
  }
  gst_caps_replace (&self->caps, caps);
  self->padding_right = padding_right;
  if (!video_meta && self->mode == SHRBUF_SRC_MODE_EXPORT) {
    GstVideoInfo plain;

    shrbuf_video_info_from_caps (caps, &plain, NULL, NULL, NULL);
    if (plain.stride[0] != self->info.stride[0]
        || plain.offset[1] != self->info.offset[1])
      GST_ELEMENT_WARNING (self, STREAM, FORMAT, ("Downstream does not read "
              "GstVideoMeta, but the driver's layout is not GStreamer's "
              "default"), ("stride %d, GStreamer's %d", self->info.stride[0],
              plain.stride[0]));
  }

copy_pool:
  /* GstBaseSrc activates the pool left in the query, and deactivates it
   * when it stops or the next allocation query has none. */
  ret = self->mode == SHRBUF_SRC_MODE_EXPORT ||
      shrbuf_src_copy_decide_pool (&self->copy, query, caps, pool, size, min,
      max);
  gst_clear_object (&pool);
  return ret;
}

static GstClockTime
frame_duration (GstShrbufSrc * self)
{
  return shrbuf_frame_duration (self->info.fps_n, self->info.fps_d);
}

static gboolean
gst_shrbuf_src_query (GstBaseSrc * src, GstQuery * query)
{
  GstShrbufSrc *self = GST_SHRBUF_SRC (src);

  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY && self->streaming
      && self->info.fps_n > 0) {
    GstClockTime frame = frame_duration (self);

    /* A frame is ready one frame time after it started; the driver holds
     * at most n_buffers of them. */
    gst_query_set_latency (query, TRUE, frame, frame * self->n_buffers);
    return TRUE;
  }
  return GST_BASE_SRC_CLASS (gst_shrbuf_src_parent_class)->query (src, query);
}

/* unlock() and unlock_stop(): a waiting create() returns FLUSHING. */
static void
set_flushing (GstShrbufSrc * self, gboolean flushing)
{
  if (self->poll)
    gst_poll_set_flushing (self->poll, flushing);
}

static gboolean
gst_shrbuf_src_unlock (GstBaseSrc * src)
{
  set_flushing (GST_SHRBUF_SRC (src), TRUE);
  return TRUE;
}

static gboolean
gst_shrbuf_src_unlock_stop (GstBaseSrc * src)
{
  set_flushing (GST_SHRBUF_SRC (src), FALSE);
  return TRUE;
}

/* Posts @err (a device error, freed) as a failed capture. */
static GstFlowReturn
capture_failed (GstShrbufSrc * self, GError * err)
{
  shrbuf_post_error (self, err, g_strdup_printf ("Capture from video "
          "device '%s' failed", self->dev->path));
  return GST_FLOW_ERROR;
}

/* The driver returned buffer @index, which it does not have. */
static GstFlowReturn
not_ours (GstShrbufSrc * self, guint index)
{
  GST_ELEMENT_ERROR (self, RESOURCE, READ, ("Capture from video device "
          "'%s' failed", self->dev->path), ("the driver returned buffer "
          "%u, which is not ours to fill", index));
  return GST_FLOW_ERROR;
}

/* Waits for a filled buffer (poll first: libv4l2 complains on stderr about
 * a DQBUF that would block); the buffer is no longer counted as the
 * driver's and is FILLED in its pool slot. */
static GstFlowReturn
dequeue (GstShrbufSrc * self, ShrbufV4l2Dequeued * out)
{
  GError *err = NULL;
  gint ret;

  for (;;) {
    ret = gst_poll_wait (self->poll, GST_CLOCK_TIME_NONE);
    if (ret < 0) {
      if (errno == EBUSY)
        return GST_FLOW_FLUSHING;
      if (errno == EINTR || errno == EAGAIN)
        continue;
      g_set_error (&err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
          "poll failed: %s", g_strerror (errno));
      goto failed;
    }
    if (!shrbuf_v4l2_device_dequeue (self->dev, self->fmt.n_planes, out, &err))
      goto failed;
    if (out->index != G_MAXUINT)
      break;
    if (gst_poll_fd_has_error (self->poll, &self->pollfd)
        || gst_poll_fd_has_closed (self->poll, &self->pollfd)) {
      g_set_error (&err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
          "poll reported an error on the device, with nothing to dequeue");
      goto failed;
    }
  }
  g_atomic_int_add (&self->queued, -1);
  if (out->index >= self->n_buffers)
    return not_ours (self, out->index);
  shrbuf_pool_mark_filled (self->shrbuf_pool, out->index, out->sequence,
      out->timestamp);
  return GST_FLOW_OK;

failed:
  return capture_failed (self, err);
}

/* Counts a dequeued frame: sequence gaps (frames the driver skipped) and
 * a frame the driver flagged as bad are dropped frames, with a QoS
 * message. */
static void
count_frame (GstShrbufSrc * self, guint32 sequence, gboolean bad,
    GstClockTime pts, GstClockTime duration)
{
  guint64 missed = 0, frames, dropped;
  GstMessage *msg;

  /* Only a step forward is a gap: a driver that does not count (such as
   * v4l2loopback, whose sequence stays 0) repeats its number. */
  if (self->have_sequence && (gint32) (sequence - self->last_sequence) > 1)
    missed = (guint32) (sequence - self->last_sequence - 1);
  self->have_sequence = TRUE;
  self->last_sequence = sequence;

  GST_OBJECT_LOCK (self);
  self->frames++;
  self->dropped += missed + (bad ? 1 : 0);
  frames = self->frames;
  dropped = self->dropped;
  GST_OBJECT_UNLOCK (self);
  if (missed == 0 && !bad)
    return;

  if (missed > 0)
    GST_WARNING_OBJECT (self, "the driver dropped %" G_GUINT64_FORMAT
        " frame(s) before sequence %u", missed, sequence);
  if (bad)
    GST_WARNING_OBJECT (self, "frame %u has the error flag, dropping it",
        sequence);
  msg = gst_message_new_qos (GST_OBJECT (self), TRUE, pts,
      GST_CLOCK_TIME_NONE, pts, duration);
  gst_message_set_qos_stats (msg, GST_FORMAT_BUFFERS, frames, dropped);
  gst_element_post_message (GST_ELEMENT (self), msg);
}

/* The frame's running time and duration; counts it (and any gap before
 * it). Returns TRUE when the driver flagged it as bad (a dropped frame). */
static gboolean
time_frame (GstShrbufSrc * self, const ShrbufV4l2Dequeued * dq,
    GstClockTime * pts, GstClockTime * duration)
{
  gboolean bad = (dq->flags & V4L2_BUF_FLAG_ERROR) != 0;

  *duration = frame_duration (self);
  *pts = shrbuf_clock_running_time_of (GST_ELEMENT (self), dq->timestamp);
  count_frame (self, dq->sequence, bad, *pts, *duration);
  return bad;
}

/* Timestamps and offsets of frame @dq on @buffer, and the driver's own
 * timestamp as a reference timestamp meta. */
static void
stamp_buffer (GstBuffer * buffer, const ShrbufV4l2Dequeued * dq,
    GstClockTime pts, GstClockTime duration)
{
  GST_BUFFER_PTS (buffer) = pts;
  GST_BUFFER_DTS (buffer) = pts;
  GST_BUFFER_DURATION (buffer) = duration;
  GST_BUFFER_OFFSET (buffer) = dq->sequence;
  GST_BUFFER_OFFSET_END (buffer) = dq->sequence + 1;
  shrbuf_buffer_add_capture_time (buffer, dq->timestamp);
}

/* Frame @dq as the driver's own buffer, its memories the exported
 * dma-bufs; *@outbuf is left NULL for a frame the driver flagged as bad
 * (counted, dropped: back to the driver through frame_returned()). */
static GstFlowReturn
take_exported (GstShrbufSrc * self, const ShrbufV4l2Dequeued * dq,
    GstClockTime * pts, GstClockTime * duration, GstBuffer ** outbuf)
{
  gsize used[VIDEO_MAX_PLANES];
  GstBuffer *buffer;
  guint i;

  *outbuf = NULL;
  for (i = 0; i < self->fmt.n_planes; i++) {
    /* The layout (and GstVideoMeta) counts on whole planes. */
    used[i] = self->fmt.sizeimage[i];
    if (dq->bytesused[i] < self->fmt.sizeimage[i])
      GST_DEBUG_OBJECT (self, "buffer %u plane %u: %u of %u bytes used",
          dq->index, i, dq->bytesused[i], self->fmt.sizeimage[i]);
  }
  buffer = gst_buffer_new ();
  if (!gst_shrbuf_allocator_append_frame (GST_SHRBUF_ALLOCATOR
          (self->allocator), dq->index, buffer, used)) {
    gst_buffer_unref (buffer);
    return not_ours (self, dq->index);
  }
  if (time_frame (self, dq, pts, duration)) {
    gst_buffer_unref (buffer);
    return GST_FLOW_OK;
  }

  /* Tells a shrbufsink which slot to mark while the frame is on screen. */
  if (self->shrbuf_pool)
    shrbuf_buffer_add_slot_meta (buffer, self->shrbuf_pool, dq->index,
        dq->sequence, dq->timestamp);
  gst_buffer_add_video_meta_full (buffer, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_INFO_FORMAT (&self->info), self->info.width,
      self->info.height, GST_VIDEO_INFO_N_PLANES (&self->info),
      self->info.offset, self->info.stride);
  GST_OBJECT_LOCK (self);
  self->exported++;
  GST_OBJECT_UNLOCK (self);
  *outbuf = buffer;
  return GST_FLOW_OK;
}

/* Frame @dq copied into a buffer of the pool (src-copy.c), its V4L2
 * buffer re-queued before the copy goes downstream. *@outbuf is left NULL
 * for a frame the driver flagged as bad (counted, dropped), and when there
 * is no copy (flushing, say: a dropped frame, and the pool's answer). */
static GstFlowReturn
take_copied (GstShrbufSrc * self, const ShrbufV4l2Dequeued * dq,
    GstClockTime * pts, GstClockTime * duration, GstBuffer ** outbuf)
{
  GstBufferPool *pool;
  GstFlowReturn ret = GST_FLOW_OK;
  GError *err = NULL;

  *outbuf = NULL;
  if (!time_frame (self, dq, pts, duration)) {
    pool = gst_base_src_get_buffer_pool (GST_BASE_SRC (self));
    ret = shrbuf_src_copy_create (&self->copy, pool, dq, outbuf);
    gst_clear_object (&pool);
    if (*outbuf == NULL) {
      GST_OBJECT_LOCK (self);
      self->dropped++;
      GST_OBJECT_UNLOCK (self);
    }
  }

  /* Back to the driver before the copy goes downstream. */
  if (!queue_frame (self, dq->index, &err)) {
    gst_clear_buffer (outbuf);
    return capture_failed (self, err);
  }
  if (*outbuf) {
    GST_OBJECT_LOCK (self);
    self->copied++;
    GST_OBJECT_UNLOCK (self);
  }
  return ret;
}

static GstFlowReturn
gst_shrbuf_src_create (GstPushSrc * src, GstBuffer ** outbuf)
{
  GstShrbufSrc *self = GST_SHRBUF_SRC (src);
  gboolean copying = self->mode == SHRBUF_SRC_MODE_COPY;
  ShrbufV4l2Dequeued dq;
  GstFlowReturn ret;
  GstBuffer *buffer = NULL;
  GstClockTime pts, duration;

  if (!self->streaming)
    return GST_FLOW_NOT_NEGOTIATED;

  /* A bad frame gives no buffer: counted, re-queued, the next one. */
  while (buffer == NULL) {
    ret = dequeue (self, &dq);
    if (ret != GST_FLOW_OK)
      return ret;
    ret = copying ? take_copied (self, &dq, &pts, &duration, &buffer) :
        take_exported (self, &dq, &pts, &duration, &buffer);
    if (ret != GST_FLOW_OK)
      return ret;
  }
  stamp_buffer (buffer, &dq, pts, duration);

  if (copying)
    GST_LOG_OBJECT (self, "copied buffer %u, sequence %u, pts %"
        GST_TIME_FORMAT, dq.index, dq.sequence, GST_TIME_ARGS (pts));
  else
    GST_LOG_OBJECT (self, "buffer %u, sequence %u, pts %" GST_TIME_FORMAT
        ", driver timestamp %" G_GUINT64_FORMAT " ns", dq.index, dq.sequence,
        GST_TIME_ARGS (pts), dq.timestamp);
  *outbuf = buffer;
  return GST_FLOW_OK;
}

static GstStructure *
get_stats (GstShrbufSrc * self)
{
  GstStructure *s;

  GST_OBJECT_LOCK (self);
  s = gst_structure_new ("GstShrbufSrcStats",
      "frames", G_TYPE_UINT64, self->frames,
      "dropped", G_TYPE_UINT64, self->dropped,
      "exported", G_TYPE_UINT64, self->exported,
      "copied", G_TYPE_UINT64, self->copied,
      "queued-in-driver", G_TYPE_UINT,
      (guint) MAX (g_atomic_int_get (&self->queued), 0), NULL);
  GST_OBJECT_UNLOCK (self);
  return s;
}

static void
gst_shrbuf_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstShrbufSrc *self = GST_SHRBUF_SRC (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_DEVICE:
      g_free (self->device);
      self->device = g_value_dup_string (value);
      break;
    case PROP_DEVICE_FD:
      self->device_fd = g_value_get_int (value);
      break;
    case PROP_POOL:
    case PROP_BROKER:
      self->pool = g_value_get_enum (value);
      break;
    case PROP_QUEUE_DEPTH:
      self->queue_depth = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_shrbuf_src_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstShrbufSrc *self = GST_SHRBUF_SRC (object);

  /* get_stats() takes the lock itself. */
  if (prop_id == PROP_STATS) {
    g_value_take_boxed (value, get_stats (self));
    return;
  }
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_DEVICE:
      g_value_set_string (value, self->device);
      break;
    case PROP_DEVICE_FD:
      g_value_set_int (value, self->device_fd);
      break;
    case PROP_QUEUE_DEPTH:
      g_value_set_uint (value, self->queue_depth);
      break;
    case PROP_POOL:
    case PROP_BROKER:
      g_value_set_enum (value, self->pool);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_shrbuf_src_finalize (GObject * object)
{
  GstShrbufSrc *self = GST_SHRBUF_SRC (object);

  g_free (self->device);
  shrbuf_src_copy_clear (&self->copy);
  G_OBJECT_CLASS (gst_shrbuf_src_parent_class)->finalize (object);
}

static void
gst_shrbuf_src_class_init (GstShrbufSrcClass * klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);
  GstPushSrcClass *pushsrc_class = GST_PUSH_SRC_CLASS (klass);
  GstCaps *caps;

  GST_DEBUG_CATEGORY_INIT (shrbufsrc_debug, "shrbufsrc", 0,
      "V4L2 capture exported as dma-buf");

  object_class->set_property = gst_shrbuf_src_set_property;
  object_class->get_property = gst_shrbuf_src_get_property;
  object_class->finalize = gst_shrbuf_src_finalize;

  /**
   * GstShrbufSrc:device:
   *
   * The V4L2 capture device node. Default: "/dev/video0".
   */
  properties[PROP_DEVICE] = g_param_spec_string ("device", "Device",
      "V4L2 capture device node", DEFAULT_DEVICE,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  /**
   * GstShrbufSrc:device-fd:
   *
   * An already open V4L2 device to capture from instead of #device; the
   * element duplicates it and leaves the caller's fd open. Default: -1
   * (use #device).
   */
  properties[PROP_DEVICE_FD] = g_param_spec_int ("device-fd", "Device fd",
      "An open V4L2 capture device (duplicated), -1 to open 'device'",
      -1, G_MAXINT, DEFAULT_DEVICE_FD,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  /**
   * GstShrbufSrc:queue-depth:
   *
   * How many capture buffers to ask the driver for (REQBUFS; the driver
   * may give more). Buffers downstream holds are not in the driver's
   * queue. Default: 4, at least 2.
   */
  properties[PROP_QUEUE_DEPTH] = g_param_spec_uint ("queue-depth",
      "Queue depth", "Capture buffers to request from the driver",
      MIN_QUEUE_DEPTH, MAX_QUEUE_DEPTH, DEFAULT_QUEUE_DEPTH,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  /**
   * GstShrbufSrc:pool:
   *
   * Whether to record the capture buffers in a shrbuf pool (the kernel
   * module's /dev/shrbuf) when the module is loaded: a slot per buffer,
   * held EMPTY while the driver has it, FILLED (with its sequence number
   * and capture time) from DQBUF until downstream lets go, so that the
   * module's record of who holds what (debugfs shrbuf/pools) shows where
   * every buffer is. Capture works the same without it. Default: auto.
   */
  properties[PROP_POOL] = g_param_spec_enum ("pool", "shrbuf pool",
      "Record the buffers in a /dev/shrbuf pool", GST_TYPE_SHRBUF_SRC_POOL,
      DEFAULT_POOL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  /**
   * GstShrbufSrc:broker:
   *
   * The former name of #GstShrbufSrc:pool, kept so that pipelines that set
   * it go on working. Default: auto.
   */
  properties[PROP_BROKER] = g_param_spec_enum ("broker", "shrbuf pool (old "
      "name)", "Deprecated: use 'pool'", GST_TYPE_SHRBUF_SRC_POOL,
      DEFAULT_POOL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY | G_PARAM_DEPRECATED);
  /**
   * GstShrbufSrc:stats:
   *
   * Counters since the element last started, as a GstStructure
   * "GstShrbufSrcStats": frames (guint64, captured), dropped (guint64,
   * sequence gaps and buffers the driver flagged as bad), exported
   * (guint64, buffers pushed as the driver's dma-bufs), copied (guint64,
   * buffers pushed as copies) and queued-in-driver (guint, buffers the
   * driver holds now). Read-only.
   */
  properties[PROP_STATS] = g_param_spec_boxed ("stats", "Statistics",
      "Capture counters", GST_TYPE_STRUCTURE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, PROP_LAST, properties);
  gst_type_mark_as_plugin_api (GST_TYPE_SHRBUF_SRC_POOL, 0);

  gst_element_class_set_static_metadata (element_class,
      "V4L2 dma-buf source", "Source/Video",
      "Captures from a V4L2 device into the driver's buffers, exported as "
      "dma-buf", "gst-shrbuf contributors");
  /* Every format of the table has a V4L2 name (tests/check/common). */
  caps = shrbuf_format_template_caps (32768);
  gst_element_class_add_pad_template (element_class,
      gst_pad_template_new ("src", GST_PAD_SRC, GST_PAD_ALWAYS, caps));
  gst_caps_unref (caps);

  basesrc_class->start = GST_DEBUG_FUNCPTR (gst_shrbuf_src_start);
  basesrc_class->stop = GST_DEBUG_FUNCPTR (gst_shrbuf_src_stop);
  basesrc_class->get_caps = GST_DEBUG_FUNCPTR (gst_shrbuf_src_get_caps);
  basesrc_class->fixate = GST_DEBUG_FUNCPTR (gst_shrbuf_src_fixate);
  basesrc_class->set_caps = GST_DEBUG_FUNCPTR (gst_shrbuf_src_set_caps);
  basesrc_class->decide_allocation =
      GST_DEBUG_FUNCPTR (gst_shrbuf_src_decide_allocation);
  basesrc_class->query = GST_DEBUG_FUNCPTR (gst_shrbuf_src_query);
  basesrc_class->unlock = GST_DEBUG_FUNCPTR (gst_shrbuf_src_unlock);
  basesrc_class->unlock_stop = GST_DEBUG_FUNCPTR (gst_shrbuf_src_unlock_stop);
  pushsrc_class->create = GST_DEBUG_FUNCPTR (gst_shrbuf_src_create);
}

static void
gst_shrbuf_src_init (GstShrbufSrc * self)
{
  self->device = g_strdup (DEFAULT_DEVICE);
  self->device_fd = DEFAULT_DEVICE_FD;
  self->queue_depth = DEFAULT_QUEUE_DEPTH;
  self->pool = DEFAULT_POOL;
  shrbuf_src_copy_init (&self->copy, GST_ELEMENT (self));
  gst_base_src_set_live (GST_BASE_SRC (self), TRUE);
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
}
