/* gst-shrbuf: shrbufsink, dma-buf frames on a DRM/KMS plane
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
 * SECTION:element-shrbufsink
 *
 * Shows each frame on a DRM/KMS plane by importing its dma-buf, with
 * atomic commits and page-flip events (legacy KMS where the driver has no
 * atomic). System-memory frames are copied into scanout memory, unless
 * upstream takes the pool of dumb buffers the sink proposes.
 *
 * |[
 * gst-launch-1.0 v4l2src io-mode=dmabuf ! shrbufsink
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstshrbufsink.h"
#include "dumb-allocator.h"
#include "scanout.h"
#include "formats.h"
#include "dma-drm.h"
#include "element-error.h"
#include "clock.h"

#include <drm_fourcc.h>
#include <errno.h>
#include <gst/allocators/allocators.h>
#include <gst/video/videooverlay.h>

GST_DEBUG_CATEGORY (shrbuf_sink_debug);
#define GST_CAT_DEFAULT shrbuf_sink_debug
GST_DEBUG_CATEGORY_STATIC (CAT_PERFORMANCE);

/* Without a frame rate, how long a frame may wait for the previous flip. */
#define DEFAULT_FRAME_DURATION (50 * GST_MSECOND)
/* A flip that has not completed after this long is an error. */
#define FLIP_TIMEOUT_US (2 * G_USEC_PER_SEC)

enum
{
  PROP_0,
  PROP_DEVICE,
  PROP_DRIVER_NAME,
  PROP_FD,
  PROP_CONNECTOR_ID,
  PROP_PLANE_ID,
  PROP_FORCE_MODESETTING,
  PROP_DISPLAY_WIDTH,
  PROP_DISPLAY_HEIGHT,
  PROP_STATS,
  PROP_LAST,
  /* GstVideoOverlay's render-rectangle is PROP_LAST + 1; GstBaseSink's
   * last-sample, overridden (the frame on screen), comes after it. */
  PROP_LAST_SAMPLE = PROP_LAST + 2
};

static GParamSpec *properties[PROP_LAST];

static void gst_shrbuf_sink_overlay_init (GstVideoOverlayInterface * iface);

#define gst_shrbuf_sink_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstShrbufSink, gst_shrbuf_sink, GST_TYPE_VIDEO_SINK,
    G_IMPLEMENT_INTERFACE (GST_TYPE_VIDEO_OVERLAY,
        gst_shrbuf_sink_overlay_init);
    GST_DEBUG_CATEGORY_INIT (shrbuf_sink_debug, "shrbufsink", 0,
        "dma-buf frames on a DRM/KMS plane");
    GST_DEBUG_CATEGORY_GET (CAT_PERFORMANCE, "GST_PERFORMANCE"));
GST_ELEMENT_REGISTER_DEFINE (shrbufsink, "shrbufsink", GST_RANK_NONE,
    GST_TYPE_SHRBUF_SINK);

/* ---- start/stop ---- */

static gboolean
gst_shrbuf_sink_start (GstBaseSink * bsink)
{
  GstShrbufSink *self = GST_SHRBUF_SINK (bsink);
  g_autoptr (GError) err = NULL;
  g_autofree gchar *device = NULL, *driver_name = NULL;
  gint fd, connector_id;
  guint32 plane_id;
  gboolean force;

  GST_OBJECT_LOCK (self);
  device = g_strdup (self->device);
  driver_name = g_strdup (self->driver_name);
  fd = self->fd;
  connector_id = self->connector_id;
  plane_id = self->plane_id > 0 ? self->plane_id : 0;
  force = self->force_modesetting;
  GST_OBJECT_UNLOCK (self);

  self->out = shrbuf_kms_output_open (device, driver_name, fd, connector_id,
      shrbuf_scanouts_flipped, &self->scanouts, &err);
  if (!self->out) {
    shrbuf_post_error (self, g_error_copy (err), NULL);
    return FALSE;
  }

  self->cache = shrbuf_fb_cache_new (shrbuf_kms_output_get_fd (self->out));
  self->dumb_allocator =
      shrbuf_dumb_allocator_new (shrbuf_kms_output_get_fd (self->out));
  self->device_caps = shrbuf_kms_output_get_caps (self->out, plane_id, force);
  self->device_formats = shrbuf_kms_output_describe_formats (self->out);
  GST_INFO_OBJECT (self, "%s offers %s", shrbuf_kms_output_get_path
      (self->out), self->device_formats);

  shrbuf_scanouts_reset_stats (&self->scanouts);
  self->copy_warned = FALSE;
  return TRUE;
}

static gboolean
gst_shrbuf_sink_stop (GstBaseSink * bsink)
{
  GstShrbufSink *self = GST_SHRBUF_SINK (bsink);
  GstStructure *stats;
  gchar *str;

  g_mutex_lock (&self->commit_lock);
  if (self->out) {
    shrbuf_scanouts_wait (&self->scanouts, FLIP_TIMEOUT_US);
    /* The CRTC shows what it showed before, then our framebuffers go. */
    shrbuf_kms_output_restore (self->out);
  }
  shrbuf_scanouts_release (&self->scanouts);

  stats = shrbuf_scanouts_get_stats (&self->scanouts);
  str = gst_structure_to_string (stats);
  GST_INFO_OBJECT (self, "stats: %s", str);
  g_free (str);
  gst_structure_free (stats);

  if (self->copy_pool) {
    gst_buffer_pool_set_active (self->copy_pool, FALSE);
    gst_clear_object (&self->copy_pool);
  }
  if (self->cache) {
    shrbuf_fb_cache_clear (self->cache);
    shrbuf_fb_cache_unref (self->cache);
    self->cache = NULL;
  }
  if (self->dumb_allocator)
    shrbuf_dumb_allocator_close (self->dumb_allocator);
  gst_clear_object (&self->dumb_allocator);
  g_clear_pointer (&self->out, shrbuf_kms_output_close);
  g_mutex_unlock (&self->commit_lock);
  gst_clear_caps (&self->device_caps);
  gst_clear_caps (&self->refused_caps);
  g_clear_pointer (&self->device_formats, g_free);
  self->configured = FALSE;

  GST_OBJECT_LOCK (self);
  self->display_width = self->display_height = 0;
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

/* ---- caps ---- */

static GstCaps *
gst_shrbuf_sink_get_caps (GstBaseSink * bsink, GstCaps * filter)
{
  GstShrbufSink *self = GST_SHRBUF_SINK (bsink);
  GstCaps *caps, *result;

  if (!self->device_caps)
    caps = gst_pad_get_pad_template_caps (GST_BASE_SINK_PAD (bsink));
  else
    caps = gst_caps_ref (self->device_caps);

  if (!filter)
    return caps;
  /* In the sink's order of preference (shrbuf_kms_output_get_caps ()). */
  result = gst_caps_intersect_full (caps, filter, GST_CAPS_INTERSECT_FIRST);
  gst_caps_unref (caps);
  if (gst_caps_is_empty (result) && self->device_caps) {
    /* Nothing the device shows fits: let the caps through to set_caps (),
     * which fails negotiation and names the formats the device offers. */
    GstCaps *tmpl = gst_pad_get_pad_template_caps (GST_BASE_SINK_PAD (bsink));

    gst_caps_unref (result);
    result = gst_caps_intersect_full (filter, tmpl, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (tmpl);
  }
  return result;
}

/* Says why the device cannot show @caps (@err, NULL: no DRM format for
 * them), once for the same caps in a row: the format and the plane, with
 * the drm-format where the modifier is not linear; the debug text names
 * fourcc, modifier and plane in any case. */
static void
refuse_caps (GstShrbufSink * self, GstCaps * caps, const GstVideoInfo * info,
    guint32 fourcc, guint64 modifier, guint32 plane_id, const GError * err)
{
  const gchar *path = shrbuf_kms_output_get_path (self->out);
  g_autofree gchar *which = NULL, *what = NULL, *pair = NULL;
  const gchar *format = gst_video_format_to_string (GST_VIDEO_INFO_FORMAT
      (info));

  /* Upstream may try the same caps again: one error for them. */
  if (self->refused_caps && gst_caps_is_equal (caps, self->refused_caps))
    return;
  gst_caps_replace (&self->refused_caps, caps);
  if (err && err->domain != GST_CORE_ERROR) {
    shrbuf_post_error (self, g_error_copy (err), NULL);
    return;
  }
  if (plane_id)
    which = g_strdup_printf ("Plane %u of %s cannot", plane_id, path);
  else
    which = g_strdup_printf ("No plane of %s can", path);
  if (modifier != DRM_FORMAT_MOD_LINEAR) {
    pair = shrbuf_drm_format_to_string (fourcc, modifier);
    what = g_strdup_printf ("%s as %s (modifier 0x%016" G_GINT64_MODIFIER
        "x)", format, pair, modifier);
  } else {
    what = g_strdup (format);
  }
  GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
      ("%s show %s; the device offers: %s", which, what,
          self->device_formats), ("%s", err ? err->message :
          "no DRM format for it"));
}

/* With the commit lock held: the plane (and mode) for @caps. */
static gboolean
configure_caps (GstShrbufSink * self, GstCaps * caps)
{
  const ShrbufFormat *sf;
  GstVideoInfo info;
  GError *err = NULL;
  guint32 plane_id, fourcc;
  guint64 modifier;
  gboolean force;
  guint w, h;

  if (!shrbuf_video_info_from_caps (caps, &info, &fourcc, &modifier, NULL)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("invalid caps %" GST_PTR_FORMAT, caps));
    return FALSE;
  }
  sf = shrbuf_format_from_gst (GST_VIDEO_INFO_FORMAT (&info));
  GST_OBJECT_LOCK (self);
  plane_id = self->plane_id > 0 ? self->plane_id : 0;
  force = self->force_modesetting;
  GST_OBJECT_UNLOCK (self);

  /* A modifier no plane takes is refused here, not at the commit. */
  if (!sf || !shrbuf_kms_output_configure (self->out, sf->drm, modifier,
          GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info),
          plane_id, force, &err)) {
    refuse_caps (self, caps, &info, fourcc, modifier, plane_id, err);
    g_clear_error (&err);
    return FALSE;
  }

  if (self->configured && (!gst_video_info_is_equal (&info, &self->info)
          || modifier != self->modifier)) {
    /* New layout: framebuffers made for the old caps go once unused. */
    shrbuf_scanouts_wait (&self->scanouts, FLIP_TIMEOUT_US);
    shrbuf_fb_cache_clear (self->cache);
  }
  if (self->copy_pool) {
    gst_buffer_pool_set_active (self->copy_pool, FALSE);
    gst_clear_object (&self->copy_pool);
  }

  self->info = info;
  self->drm_format = sf->drm;
  self->modifier = modifier;
  self->frame_duration = shrbuf_frame_duration (info.fps_n, info.fps_d);
  if (!GST_CLOCK_TIME_IS_VALID (self->frame_duration))
    self->frame_duration = DEFAULT_FRAME_DURATION;
  shrbuf_scanouts_set_frame_duration (&self->scanouts, self->frame_duration);
  self->configured = TRUE;

  shrbuf_kms_output_get_display_size (self->out, &w, &h);
  GST_OBJECT_LOCK (self);
  self->display_width = w;
  self->display_height = h;
  GST_OBJECT_UNLOCK (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_WIDTH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_HEIGHT]);
  /* tests/vm/cases/60-player-vicodec waits for this line, by this
   * function's name. */
  GST_INFO_OBJECT (self, "%s (modifier 0x%016" G_GINT64_MODIFIER "x) %dx%d "
      "on plane %u, display %ux%u",
      gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&info)), modifier,
      GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info),
      shrbuf_kms_output_get_plane_id (self->out), w, h);
  return TRUE;
}

static gboolean
gst_shrbuf_sink_set_caps (GstBaseSink * bsink, GstCaps * caps)
{
  GstShrbufSink *self = GST_SHRBUF_SINK (bsink);
  gboolean ok;

  g_mutex_lock (&self->commit_lock);
  ok = configure_caps (self, caps);
  g_mutex_unlock (&self->commit_lock);
  return ok;
}

/* Upstream may render straight into scanout memory: a pool of dumb
 * buffers exported as dma-buf. The sink holds up to two of them (on
 * screen and committed), so the pool keeps at least three. Dumb buffers
 * are linear: for DMA_DRM caps of another modifier, only the video meta. */
static gboolean
gst_shrbuf_sink_propose_allocation (GstBaseSink * bsink, GstQuery * query)
{
  GstShrbufSink *self = GST_SHRBUF_SINK (bsink);
  GstCaps *caps;
  gboolean need_pool;
  GstVideoInfo info;
  g_autoptr (GstBufferPool) pool = NULL;
  guint64 modifier;
  gsize size;

  gst_query_parse_allocation (query, &caps, &need_pool);
  if (!caps || !shrbuf_video_info_from_caps (caps, &info, NULL, &modifier,
          NULL) || !self->dumb_allocator)
    return FALSE;
  /* A crop (videocrop, decoders) goes to the plane's source rectangle. */
  gst_query_add_allocation_meta (query, GST_VIDEO_CROP_META_API_TYPE, NULL);
  if (modifier != DRM_FORMAT_MOD_LINEAR) {
    gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
    return TRUE;
  }

  /* Made without need_pool too: upstream's own pool then allocates with
   * the same rows. */
  pool = shrbuf_dumb_allocator_make_pool (self->dumb_allocator, caps, 3, &size);
  if (!pool)
    return FALSE;
  gst_query_add_allocation_pool (query, need_pool ? pool : NULL, size, 3, 0);
  gst_query_add_allocation_param (query, self->dumb_allocator, NULL);
  gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
  return TRUE;
}

static void drain (GstShrbufSink * self);

static gboolean
gst_shrbuf_sink_query (GstBaseSink * bsink, GstQuery * query)
{
  GstShrbufSink *self = GST_SHRBUF_SINK (bsink);

  if (GST_QUERY_TYPE (query) == GST_QUERY_DRAIN) {
    g_mutex_lock (&self->commit_lock);
    drain (self);
    g_mutex_unlock (&self->commit_lock);
    return TRUE;
  }
  if (GST_QUERY_TYPE (query) == GST_QUERY_ACCEPT_CAPS) {
    /* Whatever the template allows: set_caps () checks the device and
     * says what it offers instead. */
    GstCaps *caps, *tmpl;

    gst_query_parse_accept_caps (query, &caps);
    tmpl = gst_pad_get_pad_template_caps (GST_BASE_SINK_PAD (bsink));
    gst_query_set_accept_caps_result (query, gst_caps_is_subset (caps, tmpl));
    gst_caps_unref (tmpl);
    return TRUE;
  }
  return GST_BASE_SINK_CLASS (parent_class)->query (bsink, query);
}

/* ---- rendering ---- */

/* The size of @buffer's frame in its memory, in @frame_info (the video
 * meta's, larger than the caps' when upstream crops with a
 * GstVideoCropMeta, as videocrop does when the sink takes the meta), and
 * the rectangle of it to show, in @src: the crop meta's, else the caps'
 * size; clipped to the frame. */
static void
frame_geometry (GstShrbufSink * self, GstBuffer * buffer,
    GstVideoInfo * frame_info, GstVideoRectangle * src)
{
  GstVideoMeta *vmeta = gst_buffer_get_video_meta (buffer);
  GstVideoCropMeta *crop = gst_buffer_get_video_crop_meta (buffer);
  gint w, h;

  *frame_info = self->info;
  if (vmeta && ((gint) vmeta->width != GST_VIDEO_INFO_WIDTH (&self->info)
          || (gint) vmeta->height != GST_VIDEO_INFO_HEIGHT (&self->info)))
    gst_video_info_set_format (frame_info,
        GST_VIDEO_INFO_FORMAT (&self->info), vmeta->width, vmeta->height);
  w = GST_VIDEO_INFO_WIDTH (frame_info);
  h = GST_VIDEO_INFO_HEIGHT (frame_info);
  src->x = crop ? MIN ((gint) crop->x, w - 1) : 0;
  src->y = crop ? MIN ((gint) crop->y, h - 1) : 0;
  src->w = crop ? (gint) crop->width : GST_VIDEO_INFO_WIDTH (&self->info);
  src->h = crop ? (gint) crop->height : GST_VIDEO_INFO_HEIGHT (&self->info);
  src->w = MIN (src->w, w - src->x);
  src->h = MIN (src->h, h - src->y);
}

/* The pool to copy frames of @info's size into. */
static GstBufferPool *
copy_pool (GstShrbufSink * self, const GstVideoInfo * info)
{
  g_autoptr (GstCaps) caps = NULL;
  gsize size;

  if (self->copy_pool && gst_video_info_is_equal (info, &self->copy_info))
    return self->copy_pool;
  if (self->copy_pool) {
    gst_buffer_pool_set_active (self->copy_pool, FALSE);
    gst_clear_object (&self->copy_pool);
  }
  caps = gst_video_info_to_caps (info);
  self->copy_pool = shrbuf_dumb_allocator_make_pool (self->dumb_allocator,
      caps, 3, &size);
  if (!self->copy_pool || !gst_buffer_pool_set_active (self->copy_pool, TRUE)) {
    GST_ERROR_OBJECT (self, "cannot make a pool of dumb buffers");
    gst_clear_object (&self->copy_pool);
    return NULL;
  }
  self->copy_info = *info;
  return self->copy_pool;
}

/* Copies @buffer's whole frame into a dumb buffer, with its crop; returns
 * it, or NULL. */
static GstBuffer *
copy_to_dumb (GstShrbufSink * self, GstBuffer * buffer)
{
  GstVideoFrame src, dst;
  GstVideoInfo info;
  GstVideoRectangle rect;
  GstVideoCropMeta *crop;
  GstBufferPool *pool;
  GstBuffer *out = NULL;
  gboolean ok;

  frame_geometry (self, buffer, &info, &rect);
  pool = copy_pool (self, &info);
  if (!pool || gst_buffer_pool_acquire_buffer (pool, &out, NULL) != GST_FLOW_OK)
    return NULL;
  if (!gst_video_frame_map (&src, &info, buffer, GST_MAP_READ)) {
    gst_buffer_unref (out);
    return NULL;
  }
  if (!gst_video_frame_map (&dst, &info, out, GST_MAP_WRITE)) {
    gst_video_frame_unmap (&src);
    gst_buffer_unref (out);
    return NULL;
  }
  ok = gst_video_frame_copy (&dst, &src);
  gst_video_frame_unmap (&dst);
  gst_video_frame_unmap (&src);
  if (!ok) {
    gst_clear_buffer (&out);
    return NULL;
  }
  /* Not pooled: the pool drops it when the buffer comes back. */
  if (gst_buffer_get_video_crop_meta (buffer)) {
    crop = gst_buffer_add_video_crop_meta (out);
    crop->x = rect.x;
    crop->y = rect.y;
    crop->width = rect.w;
    crop->height = rect.h;
  }
  return out;
}

/* The framebuffer of @buffer's frame (frame_geometry ()), imported or
 * found in the cache. */
static ShrbufFb *
get_fb (GstShrbufSink * self, GstBuffer * buffer, guint64 modifier,
    gboolean * made, GError ** err)
{
  GstVideoInfo info;
  GstVideoRectangle rect;

  frame_geometry (self, buffer, &info, &rect);
  return shrbuf_fb_cache_get (self->cache, buffer, &info, self->drm_format,
      modifier, made, err);
}

/* The capture time on CLOCK_MONOTONIC (ns), from the reference timestamp
 * meta (clock.h) or else the PTS on the pipeline clock, 0 when unknown;
 * @from_meta says which. Also the presentation deadline. */
static void
frame_times (GstShrbufSink * self, GstBuffer * buffer, guint64 * capture,
    gboolean * from_meta, guint64 * deadline)
{
  GstBaseSink *bsink = GST_BASE_SINK (self);
  GstClockTime running;
  guint64 pts_mono;

  *capture = *deadline = 0;
  *from_meta = shrbuf_buffer_get_capture_time (buffer, capture);
  GST_OBJECT_LOCK (self);
  running = gst_segment_to_running_time (&bsink->segment, GST_FORMAT_TIME,
      GST_BUFFER_PTS (buffer));
  GST_OBJECT_UNLOCK (self);
  pts_mono = shrbuf_clock_monotonic_of (GST_ELEMENT (self), running);
  if (!*from_meta)
    *capture = pts_mono;
  if (pts_mono && gst_base_sink_get_sync (bsink))
    *deadline = pts_mono + gst_base_sink_get_latency (bsink) +
        gst_base_sink_get_render_delay (bsink);
  GST_LOG_OBJECT (self, "capture %" G_GUINT64_FORMAT " (%s), deadline %"
      G_GUINT64_FORMAT, *capture, *from_meta ? "reference timestamp" : "PTS",
      *deadline);
}

/* The framebuffer of a copy of @buffer into scanout memory, which could
 * not be imported (@why), with the copy in @frame. */
static GstFlowReturn
copy_framebuffer (GstShrbufSink * self, GstBuffer * buffer,
    ShrbufScanout * frame, const GError * why, gboolean * made)
{
  g_autoptr (GError) err = NULL;

  if (self->modifier != DRM_FORMAT_MOD_LINEAR) {
    /* A row copy of tiled or compressed pixels would be garbage. */
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED,
        ("Could not show a frame of modifier 0x%016" G_GINT64_MODIFIER
            "x on %s", self->modifier,
            shrbuf_kms_output_get_path (self->out)), ("%s; such frames "
            "cannot be copied into linear scanout memory", why->message));
    return GST_FLOW_ERROR;
  }
  if (!self->copy_warned) {
    self->copy_warned = TRUE;
    GST_ELEMENT_WARNING (self, STREAM, FORMAT,
        ("Copying frames into scanout memory: %s", why->message),
        ("the first frame that could not be imported; later ones are "
            "counted in the stats' \"copied\""));
  }
  frame->buffer = copy_to_dumb (self, buffer);
  if (!frame->buffer) {
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED,
        ("Could not copy a frame into scanout memory of %s",
            shrbuf_kms_output_get_path (self->out)), (NULL));
    return GST_FLOW_ERROR;
  }
  /* Dumb buffers are linear. */
  frame->fb = get_fb (self, frame->buffer, DRM_FORMAT_MOD_LINEAR, made, &err);
  if (!frame->fb) {
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED,
        ("Could not show frames on %s",
            shrbuf_kms_output_get_path (self->out)), ("%s", err->message));
    shrbuf_scanout_clear (frame);
    return GST_FLOW_ERROR;
  }
  return GST_FLOW_OK;
}

/* Makes @frame the pending scanout once the previous flip is done, waiting
 * for it at most a frame period; on a drop, @frame keeps its references
 * and the caller drops them. */
static GstFlowReturn
queue (GstShrbufSink * self, GstBuffer * buffer, ShrbufScanout * frame,
    gboolean copied, gboolean * queued)
{
  *queued = FALSE;
  frame_times (self, buffer, &frame->capture, &frame->capture_from_meta,
      &frame->deadline);
  frame->seq = GST_BUFFER_OFFSET (buffer);

  switch (shrbuf_scanouts_queue (&self->scanouts, frame, copied,
          self->frame_duration / GST_USECOND, FLIP_TIMEOUT_US)) {
    case SHRBUF_SCANOUT_QUEUED:
      *queued = TRUE;
      return GST_FLOW_OK;
    case SHRBUF_SCANOUT_DROPPED:
      GST_DEBUG_OBJECT (self, "previous flip still pending: frame dropped");
      return GST_FLOW_OK;
    case SHRBUF_SCANOUT_STUCK:
    default:
      GST_ELEMENT_ERROR (self, RESOURCE, FAILED,
          ("No page flip on %s for %d s",
              shrbuf_kms_output_get_path (self->out),
              (gint) (FLIP_TIMEOUT_US / G_USEC_PER_SEC)), (NULL));
      return GST_FLOW_ERROR;
  }
}

/* Commits the pending scanout @buffer on @fb. Not under the scanouts'
 * lock: the flip may complete (and take it) at once. */
static GstFlowReturn
commit (GstShrbufSink * self, GstBuffer * buffer, ShrbufFb * fb)
{
  g_autoptr (GError) err = NULL;
  GstVideoRectangle rect, src;
  GstVideoInfo info;
  gint saved_errno;

  GST_OBJECT_LOCK (self);
  rect = self->render_rect;
  GST_OBJECT_UNLOCK (self);

  frame_geometry (self, buffer, &info, &src);
  if (shrbuf_kms_output_commit (self->out, shrbuf_fb_get_id (fb), &src,
          &rect, &err)) {
    if (shrbuf_kms_output_take_scaling_refused (self->out))
      GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
          ("Plane %u of %s cannot scale: the frame is shown 1:1, centred "
              "in the render rectangle",
              shrbuf_kms_output_get_plane_id (self->out),
              shrbuf_kms_output_get_path (self->out)),
          ("%dx%d into %dx%d at %d,%d refused", src.w, src.h, rect.w,
              rect.h, rect.x, rect.y));
    return GST_FLOW_OK;
  }

  saved_errno = errno;
  shrbuf_scanouts_unqueue (&self->scanouts, buffer);
  GST_ELEMENT_ERROR (self, RESOURCE, FAILED,
      ("Could not show a frame on %s: %s",
          shrbuf_kms_output_get_path (self->out),
          g_strerror (saved_errno)), ("%s", err->message));
  return GST_FLOW_ERROR;
}

/* DRAIN: upstream (a decoder about to reallocate, say) wants every buffer
 * it lent back. The committed frame is waited for; then a frame on screen
 * in upstream's memory is copied into a dumb buffer of the sink's and that
 * copy shown instead, so that the picture stays and upstream's buffer goes
 * back at its flip. A frame in the sink's own dumb buffers (the pool it
 * proposed, earlier copies) stays. The copy is counted in "copied" and
 * logged as a GST_PERFORMANCE frame copy; it has no capture time (no
 * latency is counted for it). */
static void
drain (GstShrbufSink * self)
{
  g_autoptr (GError) err = NULL;
  ShrbufScanout frame = { NULL, };
  GstBuffer *shown;
  ShrbufFb *fb;
  gboolean made;

  shrbuf_scanouts_wait (&self->scanouts, FLIP_TIMEOUT_US);
  shown = shrbuf_scanouts_ref_on_screen (&self->scanouts);
  if (!shown || !self->configured
      || gst_buffer_peek_memory (shown, 0)->allocator == self->dumb_allocator
      || self->modifier != DRM_FORMAT_MOD_LINEAR) {
    gst_clear_buffer (&shown);
    return;
  }
  GST_CAT_LOG_OBJECT (CAT_PERFORMANCE, self, "frame copy: drain, the frame "
      "on screen into a dumb buffer");
  frame.buffer = copy_to_dumb (self, shown);
  frame.seq = GST_BUFFER_OFFSET (shown);
  gst_buffer_unref (shown);
  if (frame.buffer)
    frame.fb = get_fb (self, frame.buffer, DRM_FORMAT_MOD_LINEAR, &made, &err);
  if (!frame.fb) {
    GST_WARNING_OBJECT (self, "drain: the frame on screen stays, no copy of "
        "it could be shown: %s", err ? err->message : "no dumb buffer");
    shrbuf_scanout_clear (&frame);
    return;
  }
  if (made)
    shrbuf_scanouts_count_framebuffer (&self->scanouts);
  /* Borrowed: the pending scanout holds them until the flip or unqueue. */
  shown = frame.buffer;
  fb = frame.fb;
  if (shrbuf_scanouts_queue (&self->scanouts, &frame, TRUE, 0,
          FLIP_TIMEOUT_US) != SHRBUF_SCANOUT_QUEUED) {
    shrbuf_scanout_clear (&frame);
    return;
  }
  if (commit (self, shown, fb) == GST_FLOW_OK)
    shrbuf_scanouts_wait (&self->scanouts, FLIP_TIMEOUT_US);
}

/* With the commit lock held: @buffer's framebuffer committed for the next
 * flip, unless the previous one is still pending. */
static GstFlowReturn
show (GstShrbufSink * self, GstBuffer * buffer)
{
  g_autoptr (GError) err = NULL;
  ShrbufScanout frame = { NULL, };
  GstBuffer *shown;
  ShrbufFb *fb;
  gboolean made, copied, queued;
  GstFlowReturn ret;

  if (!self->configured) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("a buffer arrived before the caps"));
    return GST_FLOW_NOT_NEGOTIATED;
  }

  /* The framebuffer: the frame's own, else a copy's. tests/vm/lib/case.sh
   * counts the GST_PERFORMANCE line by this function's name. */
  frame.fb = get_fb (self, buffer, self->modifier, &made, &err);
  copied = frame.fb == NULL;
  if (!copied) {
    frame.buffer = gst_buffer_ref (buffer);
  } else {
    GST_CAT_LOG_OBJECT (CAT_PERFORMANCE, self, "frame copy: %s", err->message);
    ret = copy_framebuffer (self, buffer, &frame, err, &made);
    if (ret != GST_FLOW_OK)
      return ret;
  }
  if (made)
    shrbuf_scanouts_count_framebuffer (&self->scanouts);

  /* Borrowed: the pending scanout holds them until the flip or unqueue. */
  shown = frame.buffer;
  fb = frame.fb;
  ret = queue (self, buffer, &frame, copied, &queued);
  if (!queued) {
    shrbuf_scanout_clear (&frame);
    return ret;
  }
  return commit (self, shown, fb);
}

static GstFlowReturn
gst_shrbuf_sink_show_frame (GstVideoSink * vsink, GstBuffer * buffer)
{
  GstShrbufSink *self = GST_SHRBUF_SINK (vsink);
  GstFlowReturn ret;

  g_mutex_lock (&self->commit_lock);
  ret = show (self, buffer);
  g_mutex_unlock (&self->commit_lock);
  return ret;
}

/* The frame on screen as a sample (playbin's "sample": a player's
 * snapshot), NULL before the first frame. Its caps are plain video/x-raw
 * ones of the frame's format and size where it is linear, so that
 * gst_video_convert_sample () takes it. The sample holds a buffer the sink
 * holds anyway, for as long as the caller keeps it. */
static GstSample *
on_screen_sample (GstShrbufSink * self)
{
  GstBaseSink *bsink = GST_BASE_SINK (self);
  g_autoptr (GstBuffer) buffer = NULL;
  g_autoptr (GstCaps) caps = NULL;
  GstSample *sample;

  g_mutex_lock (&self->commit_lock);
  buffer = shrbuf_scanouts_ref_on_screen (&self->scanouts);
  if (buffer && self->modifier == DRM_FORMAT_MOD_LINEAR)
    caps = gst_video_info_to_caps (&self->info);
  else if (buffer)
    caps = gst_pad_get_current_caps (GST_BASE_SINK_PAD (bsink));
  g_mutex_unlock (&self->commit_lock);
  if (!buffer)
    return NULL;
  GST_OBJECT_LOCK (self);
  sample = gst_sample_new (buffer, caps, &bsink->segment, NULL);
  GST_OBJECT_UNLOCK (self);
  return sample;
}

/* ---- GstVideoOverlay ---- */

static void
gst_shrbuf_sink_set_render_rectangle (GstVideoOverlay * overlay, gint x,
    gint y, gint width, gint height)
{
  GstShrbufSink *self = GST_SHRBUF_SINK (overlay);

  GST_OBJECT_LOCK (self);
  if (width <= 0 || height <= 0) {
    self->render_rect.x = self->render_rect.y = 0;
    self->render_rect.w = self->render_rect.h = 0;
  } else {
    self->render_rect.x = x;
    self->render_rect.y = y;
    self->render_rect.w = width;
    self->render_rect.h = height;
  }
  GST_OBJECT_UNLOCK (self);
}

/* Shows the frame on screen again, placed in the render rectangle as it is
 * now: a player that moved the rectangle while paused calls it. The frame
 * is committed again like a new one (counted in "shown" and "imported");
 * without one, nothing happens. */
static void
gst_shrbuf_sink_expose (GstVideoOverlay * overlay)
{
  GstShrbufSink *self = GST_SHRBUF_SINK (overlay);
  ShrbufScanout frame;
  GstBuffer *shown;
  ShrbufFb *fb;

  g_mutex_lock (&self->commit_lock);
  if (!self->out || !self->configured
      || !shrbuf_scanouts_ref_on_screen_frame (&self->scanouts, &frame))
    goto done;
  /* Borrowed: the pending scanout holds them until the flip or unqueue. */
  shown = frame.buffer;
  fb = frame.fb;
  if (shrbuf_scanouts_queue (&self->scanouts, &frame, FALSE,
          FLIP_TIMEOUT_US, FLIP_TIMEOUT_US) != SHRBUF_SCANOUT_QUEUED) {
    GST_WARNING_OBJECT (self, "expose: the previous flip never came");
    shrbuf_scanout_clear (&frame);
    goto done;
  }
  commit (self, shown, fb);
done:
  g_mutex_unlock (&self->commit_lock);
}

static void
gst_shrbuf_sink_set_window_handle (GstVideoOverlay * overlay, guintptr h)
{
  /* There are no windows on a KMS plane. */
}

static void
gst_shrbuf_sink_overlay_init (GstVideoOverlayInterface * iface)
{
  iface->set_render_rectangle = gst_shrbuf_sink_set_render_rectangle;
  iface->set_window_handle = gst_shrbuf_sink_set_window_handle;
  iface->expose = gst_shrbuf_sink_expose;
}

/* ---- GObject ---- */

static void
gst_shrbuf_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstShrbufSink *self = GST_SHRBUF_SINK (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_DEVICE:
      g_free (self->device);
      self->device = g_value_dup_string (value);
      break;
    case PROP_DRIVER_NAME:
      g_free (self->driver_name);
      self->driver_name = g_value_dup_string (value);
      break;
    case PROP_FD:
      self->fd = g_value_get_int (value);
      break;
    case PROP_CONNECTOR_ID:
      self->connector_id = g_value_get_int (value);
      break;
    case PROP_PLANE_ID:
      self->plane_id = g_value_get_int (value);
      break;
    case PROP_FORCE_MODESETTING:
      self->force_modesetting = g_value_get_boolean (value);
      break;
    default:
      GST_OBJECT_UNLOCK (self);
      if (!gst_video_overlay_set_property (object, PROP_LAST, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_shrbuf_sink_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstShrbufSink *self = GST_SHRBUF_SINK (object);

  if (prop_id == PROP_STATS) {
    g_value_take_boxed (value, shrbuf_scanouts_get_stats (&self->scanouts));
    return;
  }
  if (prop_id == PROP_LAST_SAMPLE) {
    g_value_take_boxed (value, on_screen_sample (self));
    return;
  }
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_DEVICE:
      g_value_set_string (value, self->device);
      break;
    case PROP_DRIVER_NAME:
      g_value_set_string (value, self->driver_name);
      break;
    case PROP_FD:
      g_value_set_int (value, self->fd);
      break;
    case PROP_CONNECTOR_ID:
      g_value_set_int (value, self->connector_id);
      break;
    case PROP_PLANE_ID:
      g_value_set_int (value, self->plane_id);
      break;
    case PROP_FORCE_MODESETTING:
      g_value_set_boolean (value, self->force_modesetting);
      break;
    case PROP_DISPLAY_WIDTH:
      g_value_set_int (value, self->display_width);
      break;
    case PROP_DISPLAY_HEIGHT:
      g_value_set_int (value, self->display_height);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_shrbuf_sink_finalize (GObject * object)
{
  GstShrbufSink *self = GST_SHRBUF_SINK (object);

  g_free (self->device);
  g_free (self->driver_name);
  shrbuf_scanouts_clear (&self->scanouts);
  g_mutex_clear (&self->commit_lock);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_shrbuf_sink_init (GstShrbufSink * self)
{
  self->fd = -1;
  self->connector_id = -1;
  self->plane_id = -1;
  shrbuf_scanouts_init (&self->scanouts, GST_OBJECT (self));
  g_mutex_init (&self->commit_lock);
  /* The last sample would keep one more upstream buffer referenced;
   * "last-sample" gives the frame on screen instead. */
  gst_base_sink_set_last_sample_enabled (GST_BASE_SINK (self), FALSE);
}

static void
gst_shrbuf_sink_class_init (GstShrbufSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *basesink_class = GST_BASE_SINK_CLASS (klass);
  GstVideoSinkClass *videosink_class = GST_VIDEO_SINK_CLASS (klass);
  GstCaps *caps;

  gobject_class->set_property = gst_shrbuf_sink_set_property;
  gobject_class->get_property = gst_shrbuf_sink_get_property;
  gobject_class->finalize = gst_shrbuf_sink_finalize;

  /**
   * GstShrbufSink:device:
   *
   * The DRM device node, such as /dev/dri/card0. Default: NULL (the card
   * named by #GstShrbufSink:driver-name, else the first with a connected
   * connector).
   */
  properties[PROP_DEVICE] = g_param_spec_string ("device", "Device",
      "DRM device node (default: the first card with a connected connector)",
      NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY);
  /**
   * GstShrbufSink:driver-name:
   *
   * Use the first card driven by this DRM driver (such as "vkms"), when
   * #GstShrbufSink:device is not set. Default: NULL.
   */
  properties[PROP_DRIVER_NAME] = g_param_spec_string ("driver-name",
      "Driver name", "Use the first card of this DRM driver", NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  /**
   * GstShrbufSink:fd:
   *
   * An open DRM device fd to use instead of opening one; the sink does not
   * close it. Default: -1 (none).
   */
  properties[PROP_FD] = g_param_spec_int ("fd", "File descriptor",
      "An open DRM fd to use (not closed by the sink), -1 for none",
      -1, G_MAXINT, -1, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY);
  /**
   * GstShrbufSink:connector-id:
   *
   * The DRM connector to show on. Default: -1 (the first connected one).
   */
  properties[PROP_CONNECTOR_ID] = g_param_spec_int ("connector-id",
      "Connector ID", "DRM connector (-1: the first connected one)",
      -1, G_MAXINT, -1, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY);
  /**
   * GstShrbufSink:plane-id:
   *
   * The DRM plane to show on. Default: -1 (automatic: an overlay plane
   * that supports the format, else the primary plane; the primary plane
   * first when the sink sets the mode).
   */
  properties[PROP_PLANE_ID] = g_param_spec_int ("plane-id", "Plane ID",
      "DRM plane (-1: automatic)", -1, G_MAXINT, -1,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  /**
   * GstShrbufSink:force-modesetting:
   *
   * Set a mode of the video's size (when the connector has one) even when
   * the CRTC is already lit; the video then goes on the primary plane.
   * Default: FALSE.
   */
  properties[PROP_FORCE_MODESETTING] =
      g_param_spec_boolean ("force-modesetting", "Force modesetting",
      "Set a mode of the video's size even when the CRTC is already lit",
      FALSE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY);
  /**
   * GstShrbufSink:display-width:
   *
   * Width of the mode the video is shown in (0 before caps).
   */
  properties[PROP_DISPLAY_WIDTH] = g_param_spec_int ("display-width",
      "Display width", "Width of the mode shown in", 0, G_MAXINT, 0,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * GstShrbufSink:display-height:
   *
   * Height of the mode the video is shown in (0 before caps).
   */
  properties[PROP_DISPLAY_HEIGHT] = g_param_spec_int ("display-height",
      "Display height", "Height of the mode shown in", 0, G_MAXINT, 0,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * GstShrbufSink:stats:
   *
   * Counters since the last start: shown (flips completed), imported and
   * copied (frames committed from their own dma-buf or from a copy),
   * dropped (not committed: the previous flip was still pending after a
   * frame period), late (on screen more than a frame period after their
   * presentation time), framebuffers (made), latency-mean, latency-p50 and
   * latency-p99 (ns, capture to flip event; the percentiles over the last
   * 1024 frames).
   */
  properties[PROP_STATS] = g_param_spec_boxed ("stats", "Statistics",
      "Frames shown, imported, copied, dropped, late; capture-to-flip "
      "latency (ns)", GST_TYPE_STRUCTURE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (gobject_class, PROP_LAST, properties);
  gst_video_overlay_install_properties (gobject_class, PROP_LAST);
  /**
   * GstShrbufSink:last-sample:
   *
   * GstBaseSink's property, overridden: the frame on screen, with plain
   * video/x-raw caps where it is linear (for gst_video_convert_sample ()),
   * or NULL. It needs no #GstBaseSink:enable-last-sample (FALSE by
   * default, so that the sink holds no third upstream buffer); playbin's
   * "sample" reads it. gst_base_sink_get_last_sample () is GstBaseSink's
   * own and stays NULL.
   */
  g_object_class_override_property (gobject_class, PROP_LAST_SAMPLE,
      "last-sample");

  gst_element_class_set_static_metadata (element_class,
      "DRM/KMS dma-buf sink", "Sink/Video",
      "Shows dma-buf frames on a DRM/KMS plane without copying",
      "gst-shrbuf contributors");
  caps = shrbuf_format_template_caps (G_MAXINT);
  gst_element_class_add_pad_template (element_class,
      gst_pad_template_new ("sink", GST_PAD_SINK, GST_PAD_ALWAYS, caps));
  gst_caps_unref (caps);

  basesink_class->start = GST_DEBUG_FUNCPTR (gst_shrbuf_sink_start);
  basesink_class->stop = GST_DEBUG_FUNCPTR (gst_shrbuf_sink_stop);
  basesink_class->get_caps = GST_DEBUG_FUNCPTR (gst_shrbuf_sink_get_caps);
  basesink_class->set_caps = GST_DEBUG_FUNCPTR (gst_shrbuf_sink_set_caps);
  basesink_class->propose_allocation =
      GST_DEBUG_FUNCPTR (gst_shrbuf_sink_propose_allocation);
  basesink_class->query = GST_DEBUG_FUNCPTR (gst_shrbuf_sink_query);
  videosink_class->show_frame = GST_DEBUG_FUNCPTR (gst_shrbuf_sink_show_frame);
}
