/* gst-shrbuf: shrbufsrc's copy path
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
 * SECTION:shrbufsrc-copy
 *
 * The copy path of shrbufsrc, for frames that cannot be exported: the
 * driver has no VIDIOC_EXPBUF (it fails with ENOTTY or EINVAL), or the
 * format is one libv4l2 only emulates (its pixels are in libv4l2's memory,
 * not in the driver's buffers). The driver's MMAP buffers are mapped
 * (through libv4l2, which converts an emulated format into what it maps)
 * and each frame is copied into a buffer of the pool decide_allocation()
 * chose: downstream's if it takes our configuration, else a
 * GstVideoBufferPool. One warning a reason a start says why; every copy
 * logs a GST_PERFORMANCE "frame copy: <reason>" line.
 *
 * Ownership, in one place each:
 *
 * - The element owns the ShrbufSrcCopy (a member of GstShrbufSrc), its
 *   mode (copying or exporting), the device, the pool (GstBaseSrc's) and
 *   everything about a frame but its pixels: dequeueing, re-queueing,
 *   timestamps and the stats.
 * - The ShrbufSrcCopy owns the set of reasons warned about, from
 *   shrbuf_src_copy_init() to shrbuf_src_copy_clear(), emptied by
 *   shrbuf_src_copy_forget_warnings() (the element's start and stop), and,
 *   from shrbuf_src_copy_start() (configuring the device) to
 *   shrbuf_src_copy_stop() (stopping the stream, before REQBUFS(0)), the
 *   reason and the mappings of the driver's buffers. It borrows the
 *   element's device for as long as it has them.
 * - shrbuf_src_copy_create() copies into a buffer of the pool it is given,
 *   which the caller owns from then on; the driver's buffer is only read.
 * - There is no shrbuf pool on this path: it records exported dma-bufs
 *   only.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "src-copy.h"
#include "frame-copy.h"
#include "dma-drm.h"

#include <string.h>

GST_DEBUG_CATEGORY_EXTERN (shrbufsrc_debug);
#define GST_CAT_DEFAULT shrbufsrc_debug
GST_DEBUG_CATEGORY_STATIC (CAT_PERFORMANCE);

void
shrbuf_src_copy_init (ShrbufSrcCopy * copy, GstElement * element)
{
  GST_DEBUG_CATEGORY_GET (CAT_PERFORMANCE, "GST_PERFORMANCE");
  memset (copy, 0, sizeof (*copy));
  copy->element = element;
  copy->warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
shrbuf_src_copy_clear (ShrbufSrcCopy * copy)
{
  shrbuf_src_copy_stop (copy);
  g_clear_pointer (&copy->warned, g_hash_table_unref);
}

void
shrbuf_src_copy_forget_warnings (ShrbufSrcCopy * copy)
{
  g_hash_table_remove_all (copy->warned);
}

/* Maps every buffer of @dev; @reason is the warning's (posted once for
 * each reason until the warnings are forgotten). On failure, posts an
 * error; shrbuf_src_copy_stop() unmaps what was mapped. */
gboolean
shrbuf_src_copy_start (ShrbufSrcCopy * copy, ShrbufV4l2Device * dev,
    const ShrbufV4l2Format * fmt, const GstVideoInfo * info, guint n_buffers,
    const gchar * reason)
{
  GError *err = NULL;
  guint n = fmt->n_planes, i, p;

  copy->dev = dev;
  copy->reason = g_strdup (reason);
  copy->fmt = *fmt;
  copy->info = *info;
  copy->n_buffers = n_buffers;
  copy->mapped = g_new0 (gpointer, n_buffers * n);
  copy->mapped_lengths = g_new0 (gsize, n_buffers * n);
  for (i = 0; i < n_buffers; i++) {
    if (!shrbuf_v4l2_device_map (dev, i, n, &copy->mapped[i * n],
            &copy->mapped_lengths[i * n], &err)) {
      shrbuf_post_error (copy->element, err,
          g_strdup_printf ("Cannot map the capture buffers of '%s'",
              dev->path));
      return FALSE;
    }
    for (p = 0; p < n; p++) {
      if (copy->mapped_lengths[i * n + p] < fmt->sizeimage[p]) {
        GST_ELEMENT_ERROR (copy->element, RESOURCE, FAILED, ("Cannot map "
                "the capture buffers of '%s'", dev->path), ("buffer %u "
                "plane %u holds %" G_GSIZE_FORMAT " bytes, a frame %u", i, p,
                copy->mapped_lengths[i * n + p], fmt->sizeimage[p]));
        return FALSE;
      }
    }
  }
  GST_DEBUG_OBJECT (copy->element, "copying frames (%s): %u buffers mapped, "
      "no shrbuf pool (it records exported dma-bufs only)", reason, n_buffers);
  if (!g_hash_table_contains (copy->warned, reason)) {
    GST_ELEMENT_WARNING (copy->element, STREAM, FORMAT, ("%s, copying frames",
            reason), ("each frame is copied into a buffer of a video pool "
            "and counted in the stats' \"copied\""));
    g_hash_table_add (copy->warned, g_strdup (reason));
  }
  return TRUE;
}

/* Unmaps the buffers (before REQBUFS(0)); nothing when not started. */
void
shrbuf_src_copy_stop (ShrbufSrcCopy * copy)
{
  guint i;

  if (copy->mapped) {
    for (i = 0; i < copy->n_buffers * copy->fmt.n_planes; i++)
      if (copy->mapped[i])
        shrbuf_v4l2_device_unmap (copy->dev, copy->mapped[i],
            copy->mapped_lengths[i]);
    g_clear_pointer (&copy->mapped, g_free);
    g_clear_pointer (&copy->mapped_lengths, g_free);
  }
  g_clear_pointer (&copy->reason, g_free);
  copy->dev = NULL;
  copy->n_buffers = 0;
}

/* Leaves in @query the pool to copy into: downstream's @pool if it takes
 * our configuration, else a GstVideoBufferPool. Its buffers carry a
 * GstVideoMeta, as exported ones do, when the pool can add one. */
gboolean
shrbuf_src_copy_decide_pool (ShrbufSrcCopy * copy, GstQuery * query,
    GstCaps * caps, GstBufferPool * pool, guint size, guint min, guint max)
{
  GstStructure *config;

  shrbuf_video_info_from_caps (caps, &copy->pool_info, NULL, NULL, NULL);
  size = MAX (size, copy->pool_info.size);
  if (pool) {
    config = gst_buffer_pool_get_config (pool);
    gst_buffer_pool_config_set_params (config, caps, size, min, max);
    if (gst_buffer_pool_has_option (pool, GST_BUFFER_POOL_OPTION_VIDEO_META))
      gst_buffer_pool_config_add_option (config,
          GST_BUFFER_POOL_OPTION_VIDEO_META);
    if (gst_buffer_pool_set_config (pool, config)) {
      GST_DEBUG_OBJECT (copy->element, "copying into downstream's pool %"
          GST_PTR_FORMAT, pool);
      gst_query_add_allocation_pool (query, pool, size, min, max);
      return TRUE;
    }
    GST_DEBUG_OBJECT (copy->element, "downstream's pool refuses %"
        GST_PTR_FORMAT, caps);
  }

  pool = gst_video_buffer_pool_new ();
  config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_set_params (config, caps, size, min, max);
  gst_buffer_pool_config_add_option (config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  if (!gst_buffer_pool_set_config (pool, config)) {
    gst_object_unref (pool);
    GST_ELEMENT_ERROR (copy->element, RESOURCE, SETTINGS, ("Cannot make a "
            "pool to copy the frames of '%s' into", copy->dev->path),
        ("GstVideoBufferPool refused %" GST_PTR_FORMAT, caps));
    return FALSE;
  }
  GST_DEBUG_OBJECT (copy->element, "copying into a pool of our own");
  gst_query_add_allocation_pool (query, pool, size, min, max);
  gst_object_unref (pool);
  return TRUE;
}

/* The pixels of the driver's buffer @dq (dequeued, not re-queued yet)
 * copied into a buffer of @pool (NULL: not negotiated), in *@outbuf; NULL
 * there when the pool has none to give (flushing, say) or the copy fails
 * (an error posted). */
GstFlowReturn
shrbuf_src_copy_create (ShrbufSrcCopy * copy, GstBufferPool * pool,
    const ShrbufV4l2Dequeued * dq, GstBuffer ** outbuf)
{
  GstBuffer *buffer = NULL;
  GstFlowReturn ret;
  gsize sizes[VIDEO_MAX_PLANES];
  guint n = copy->fmt.n_planes, i;

  *outbuf = NULL;
  ret = pool ? gst_buffer_pool_acquire_buffer (pool, &buffer, NULL) :
      GST_FLOW_NOT_NEGOTIATED;
  if (ret != GST_FLOW_OK)
    return ret;
  for (i = 0; i < n; i++)
    sizes[i] = copy->fmt.sizeimage[i];
  if (!shrbuf_frame_copy (&copy->info, n, &copy->mapped[dq->index * n], sizes,
          buffer, &copy->pool_info)) {
    GST_ELEMENT_ERROR (copy->element, CORE, FAILED, (NULL), ("cannot copy "
            "frame %u into a buffer of %" GST_PTR_FORMAT, dq->sequence, pool));
    gst_buffer_unref (buffer);
    return GST_FLOW_ERROR;
  }
  GST_CAT_LOG_OBJECT (CAT_PERFORMANCE, copy->element, "frame copy: %s",
      copy->reason);
  *outbuf = buffer;
  return GST_FLOW_OK;
}
