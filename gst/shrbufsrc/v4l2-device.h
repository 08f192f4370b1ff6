/* gst-shrbuf: a V4L2 capture device, driven through libv4l2
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

#ifndef __SHRBUF_V4L2_DEVICE_H__
#define __SHRBUF_V4L2_DEVICE_H__

#include <gst/gst.h>

#include "element-error.h"
#include <gst/video/video.h>
#include <linux/videodev2.h>

G_BEGIN_DECLS

/* An open V4L2 streaming capture device (single- or multi-planar). The
 * device owns its file descriptor: shrbuf_v4l2_device_free() closes it.
 * Single-planar devices are driven through libv4l2 (so its plugins work);
 * multi-planar ones directly, see shrbuf_v4l2_device_open().
 * Errors are GError in GST_RESOURCE_ERROR with a code the element posts
 * as is (NOT_FOUND, BUSY, OPEN_READ, SETTINGS, READ, FAILED); their message
 * names the ioctl and errno. */
typedef struct
{
  gchar *path;
  gint fd;
  gboolean mplane;
  gboolean libv4l2;             /* ioctls go through libv4l2 */
  enum v4l2_buf_type type;
  guint32 device_caps;
  gchar *driver;
  gchar *card;
} ShrbufV4l2Device;

/* The format the driver agreed to in S_FMT. */
typedef struct
{
  guint32 pixelformat;
  guint width;
  guint height;
  guint n_planes;               /* memory planes: 1 unless multi-planar */
  guint bytesperline[VIDEO_MAX_PLANES];
  guint sizeimage[VIDEO_MAX_PLANES];
} ShrbufV4l2Format;

/* One dequeued buffer. */
typedef struct
{
  guint index;
  guint32 sequence;
  guint32 flags;
  GstClockTime timestamp;       /* CLOCK_MONOTONIC, in ns: the driver's
                                 * timestamp, or the time of DQBUF when the
                                 * driver's is on another clock */
  guint bytesused[VIDEO_MAX_PLANES];
} ShrbufV4l2Dequeued;


ShrbufV4l2Device *shrbuf_v4l2_device_open (const gchar * path, gint fd,
    GError ** error);
void shrbuf_v4l2_device_free (ShrbufV4l2Device * dev);

/* Every format the device offers, with its sizes and frame rates, in the
 * order of shrbuf_v4l2_caps_offer (). A new reference. */
GstCaps *shrbuf_v4l2_device_probe_caps (ShrbufV4l2Device * dev);

/* Pure: the caps to offer from @native (the driver's own formats) and
 * @emulated (libv4l2's, which are copied), one format a structure, both
 * taken: @native; then on GStreamer >= 1.24, when the driver's buffers are
 * @exportable, a DMA_DRM twin of each @native structure (its DRM fourcc,
 * linear: MMAP buffers are; the same sizes and rates); then @emulated,
 * each simplified apart. A new reference. */
GstCaps *shrbuf_v4l2_caps_offer (GstCaps * native, GstCaps * emulated,
    gboolean exportable);
gboolean shrbuf_v4l2_device_get_format (ShrbufV4l2Device * dev,
    ShrbufV4l2Format * fmt, GError ** error);
gboolean shrbuf_v4l2_device_set_format (ShrbufV4l2Device * dev,
    guint32 pixelformat, guint width, guint height, guint bytesperline,
    ShrbufV4l2Format * fmt, GError ** error);
gboolean shrbuf_v4l2_device_set_framerate (ShrbufV4l2Device * dev,
    gint fps_n, gint fps_d, GError ** error);

gboolean shrbuf_v4l2_device_request_buffers (ShrbufV4l2Device * dev,
    guint * count, guint32 * capabilities, GError ** error);
gboolean shrbuf_v4l2_device_query_plane_lengths (ShrbufV4l2Device * dev,
    guint index, guint n_planes, gsize lengths[], GError ** error);
guint32 shrbuf_v4l2_device_fourcc_for (ShrbufV4l2Device * dev,
    GstVideoFormat format, gboolean * emulated);

gint shrbuf_v4l2_device_export (ShrbufV4l2Device * dev, guint index,
    guint plane, GError ** error);
gboolean shrbuf_v4l2_device_map (ShrbufV4l2Device * dev, guint index,
    guint n_planes, gpointer data[], gsize lengths[], GError ** error);
void shrbuf_v4l2_device_unmap (ShrbufV4l2Device * dev, gpointer data,
    gsize length);
gboolean shrbuf_v4l2_device_queue (ShrbufV4l2Device * dev, guint index,
    guint n_planes, GError ** error);
gboolean shrbuf_v4l2_device_dequeue (ShrbufV4l2Device * dev, guint n_planes,
    ShrbufV4l2Dequeued * out, GError ** error);
gboolean shrbuf_v4l2_device_stream (ShrbufV4l2Device * dev, gboolean on,
    GError ** error);

G_END_DECLS

#endif /* __SHRBUF_V4L2_DEVICE_H__ */
