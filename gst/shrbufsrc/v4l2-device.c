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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "v4l2-device.h"
#include "formats.h"
#include "dma-drm.h"
#include "retry.h"

#include <drm_fourcc.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <libv4l2.h>
#include <gst/video/video.h>

GST_DEBUG_CATEGORY_EXTERN (shrbufsrc_debug);
#define GST_CAT_DEFAULT shrbufsrc_debug

/* Through libv4l2 when the device is opened with it. */
static gint
dev_ioctl (ShrbufV4l2Device * dev, unsigned long request, void *arg)
{
  return SHRBUF_RETRY_EINTR (dev->libv4l2 ? v4l2_ioctl (dev->fd, request,
          arg) : ioctl (dev->fd, request, arg));
}

/* Straight to the driver, past libv4l2. Only for what libv4l2 refuses
 * wrongly, on formats it does not convert. */
static gint
raw_ioctl (gint fd, unsigned long request, void *arg)
{
  return SHRBUF_RETRY_EINTR (ioctl (fd, request, arg));
}

static GstResourceError
code_for_errno (gint err, GstResourceError otherwise)
{
  switch (err) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
      return GST_RESOURCE_ERROR_NOT_FOUND;
    case EBUSY:
      return GST_RESOURCE_ERROR_BUSY;
    case EACCES:
    case EPERM:
      return GST_RESOURCE_ERROR_OPEN_READ_WRITE;
    default:
      return otherwise;
  }
}

static void
set_ioctl_error (GError ** error, const gchar * name, gint err,
    GstResourceError otherwise)
{
  g_set_error (error, GST_RESOURCE_ERROR, code_for_errno (err, otherwise),
      "%s failed: %s", name, g_strerror (err));
}

/* A non-blocking fd of our own on the device: a duplicate of @fd, or
 * @path opened; -1 with @error set. */
static gint
open_raw (const gchar * path, gint fd, GError ** error)
{
  gint raw;

  if (fd < 0) {
    raw = open (path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (raw < 0)
      set_ioctl_error (error, "open", errno, GST_RESOURCE_ERROR_OPEN_READ);
    return raw;
  }
  raw = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  if (raw < 0) {
    set_ioctl_error (error, "dup", errno, GST_RESOURCE_ERROR_OPEN_READ);
    return -1;
  }
  if (fcntl (raw, F_SETFL, fcntl (raw, F_GETFL) | O_NONBLOCK) < 0) {
    set_ioctl_error (error, "fcntl(O_NONBLOCK)", errno,
        GST_RESOURCE_ERROR_OPEN_READ);
    close (raw);
    return -1;
  }
  return raw;
}

/* QUERYCAP on @raw: fills in what @dev is (driver, card, buffer type);
 * FALSE, with @error set, unless it is a streaming video capture device. */
static gboolean
query_caps (ShrbufV4l2Device * dev, gint raw, GError ** error)
{
  struct v4l2_capability cap = { 0, };

  /* Asked before libv4l2 wraps the fd, which complains on stderr. */
  if (raw_ioctl (raw, VIDIOC_QUERYCAP, &cap) < 0) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
        "not a V4L2 device (VIDIOC_QUERYCAP failed: %s)", g_strerror (errno));
    return FALSE;
  }
  dev->device_caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ?
      cap.device_caps : cap.capabilities;
  dev->driver = g_strndup ((const gchar *) cap.driver, sizeof (cap.driver));
  dev->card = g_strndup ((const gchar *) cap.card, sizeof (cap.card));

  if (dev->device_caps & V4L2_CAP_VIDEO_CAPTURE) {
    dev->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  } else if (dev->device_caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE) {
    dev->type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
    dev->mplane = TRUE;
  } else {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
        "not a video capture device ('%s', driver %s, device capabilities "
        "0x%08x)", dev->card, dev->driver, dev->device_caps);
    return FALSE;
  }
  if (!(dev->device_caps & V4L2_CAP_STREAMING)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
        "not a streaming device ('%s', driver %s: no V4L2_CAP_STREAMING)",
        dev->card, dev->driver);
    return FALSE;
  }
  return TRUE;
}

ShrbufV4l2Device *
shrbuf_v4l2_device_open (const gchar * path, gint fd, GError ** error)
{
  ShrbufV4l2Device *dev = g_new0 (ShrbufV4l2Device, 1);
  gint raw;

  dev->fd = -1;
  dev->path = fd >= 0 ? g_strdup_printf ("fd %d", fd) : g_strdup (path);
  raw = open_raw (path, fd, error);
  if (raw < 0)
    goto fail;
  if (!query_caps (dev, raw, error))
    goto fail_raw;

  if (dev->mplane) {
    /* libv4l2's mplane plugin would present the device as single-planar,
     * which cannot carry one-buffer-a-plane formats (NV12M): driven
     * directly. */
    dev->fd = raw;
  } else {
    /* From here on libv4l2 owns raw: v4l2_close() closes it. */
    dev->fd = v4l2_fd_open (raw, 0);
    if (dev->fd < 0) {
      set_ioctl_error (error, "v4l2_fd_open", errno,
          GST_RESOURCE_ERROR_OPEN_READ);
      goto fail_raw;
    }
    dev->libv4l2 = TRUE;
  }
  GST_INFO ("opened %s: driver %s, card %s, %s-planar%s", dev->path,
      dev->driver, dev->card, dev->mplane ? "multi" : "single",
      dev->libv4l2 ? ", through libv4l2" : "");
  return dev;

fail_raw:
  close (raw);
fail:
  shrbuf_v4l2_device_free (dev);
  return NULL;
}

void
shrbuf_v4l2_device_free (ShrbufV4l2Device * dev)
{
  if (dev == NULL)
    return;
  if (dev->fd >= 0 && dev->libv4l2)
    v4l2_close (dev->fd);
  else if (dev->fd >= 0)
    close (dev->fd);
  g_free (dev->path);
  g_free (dev->driver);
  g_free (dev->card);
  g_free (dev);
}

/* The frame rates at one size, as a GValue (list or range); FALSE when the
 * driver does not enumerate them. */
static gboolean
probe_framerates (ShrbufV4l2Device * dev, guint32 fourcc, guint width,
    guint height, GValue * out)
{
  struct v4l2_frmivalenum ival = { 0, };
  GValue rate = G_VALUE_INIT;

  ival.pixel_format = fourcc;
  ival.width = width;
  ival.height = height;
  if (dev_ioctl (dev, VIDIOC_ENUM_FRAMEINTERVALS, &ival) < 0)
    return FALSE;

  if (ival.type == V4L2_FRMIVAL_TYPE_DISCRETE) {
    g_value_init (out, GST_TYPE_LIST);
    g_value_init (&rate, GST_TYPE_FRACTION);
    do {
      if (ival.discrete.numerator != 0 && ival.discrete.denominator != 0) {
        /* A frame interval is the inverse of a frame rate. */
        gst_value_set_fraction (&rate, ival.discrete.denominator,
            ival.discrete.numerator);
        gst_value_list_append_value (out, &rate);
      }
      ival.index++;
    } while (dev_ioctl (dev, VIDIOC_ENUM_FRAMEINTERVALS, &ival) == 0);
    g_value_unset (&rate);
    if (gst_value_list_get_size (out) == 0) {
      g_value_unset (out);
      return FALSE;
    }
    return TRUE;
  }

  /* Stepwise or continuous: the range between the extremes. */
  if (ival.stepwise.min.numerator == 0 || ival.stepwise.max.numerator == 0)
    return FALSE;
  g_value_init (out, GST_TYPE_FRACTION_RANGE);
  gst_value_set_fraction_range_full (out, ival.stepwise.max.denominator,
      ival.stepwise.max.numerator, ival.stepwise.min.denominator,
      ival.stepwise.min.numerator);
  return TRUE;
}

static void
set_framerate_field (ShrbufV4l2Device * dev, GstStructure * s, guint32 fourcc,
    guint width, guint height)
{
  GValue rates = G_VALUE_INIT;

  if (probe_framerates (dev, fourcc, width, height, &rates)) {
    gst_structure_take_value (s, "framerate", &rates);
  } else {
    gst_structure_set (s, "framerate", GST_TYPE_FRACTION_RANGE, 0, 1,
        G_MAXINT, 1, NULL);
  }
}

static void
append_sizes (ShrbufV4l2Device * dev, GstCaps * caps, guint32 fourcc,
    const gchar * format)
{
  struct v4l2_frmsizeenum size = { 0, };
  GstStructure *s;

  size.pixel_format = fourcc;
  if (dev_ioctl (dev, VIDIOC_ENUM_FRAMESIZES, &size) < 0) {
    /* No enumeration: any size, any rate; S_FMT will tell. */
    gst_caps_append_structure (caps, gst_structure_new ("video/x-raw",
            "format", G_TYPE_STRING, format,
            "width", GST_TYPE_INT_RANGE, 1, 32768,
            "height", GST_TYPE_INT_RANGE, 1, 32768,
            "framerate", GST_TYPE_FRACTION_RANGE, 0, 1, G_MAXINT, 1, NULL));
    return;
  }

  if (size.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
    do {
      s = gst_structure_new ("video/x-raw",
          "format", G_TYPE_STRING, format,
          "width", G_TYPE_INT, (gint) size.discrete.width,
          "height", G_TYPE_INT, (gint) size.discrete.height, NULL);
      set_framerate_field (dev, s, fourcc, size.discrete.width,
          size.discrete.height);
      gst_caps_append_structure (caps, s);
      size.index++;
    } while (dev_ioctl (dev, VIDIOC_ENUM_FRAMESIZES, &size) == 0);
    return;
  }

  /* Stepwise or continuous; GStreamer has no step, the driver rounds. */
  s = gst_structure_new ("video/x-raw", "format", G_TYPE_STRING, format,
      "width", GST_TYPE_INT_RANGE, (gint) size.stepwise.min_width,
      (gint) size.stepwise.max_width,
      "height", GST_TYPE_INT_RANGE, (gint) size.stepwise.min_height,
      (gint) size.stepwise.max_height, NULL);
  set_framerate_field (dev, s, fourcc, size.stepwise.max_width,
      size.stepwise.max_height);
  gst_caps_append_structure (caps, s);
}

GstCaps *
shrbuf_v4l2_caps_offer (GstCaps * native, GstCaps * emulated,
    gboolean exportable)
{
  GstCaps *dma = gst_caps_new_empty ();
  guint i;

  for (i = 0; exportable && i < gst_caps_get_size (native); i++) {
    const GstStructure *s = gst_caps_get_structure (native, i);
    const ShrbufFormat *sf = shrbuf_format_from_gst
        (gst_video_format_from_string (gst_structure_get_string (s,
                "format")));
    ShrbufDrmFormat pair = { 0, DRM_FORMAT_MOD_LINEAR };

    if (!sf)
      continue;
    pair.fourcc = sf->drm;
    shrbuf_dma_drm_caps_append (dma, &pair, 1, s);
  }
  /* Simplified apart: gst_caps_simplify() does not keep the order. The
   * plain caps first: a peer that takes anything (appsink, fakesink)
   * gets caps that every application reads; a peer that prefers DMA_DRM
   * (shrbufsink, kmssink on 1.26) lists them first, and its order wins. */
  dma = gst_caps_merge (gst_caps_simplify (native), gst_caps_simplify (dma));
  return gst_caps_merge (dma, gst_caps_simplify (emulated));
}

/* Whether the driver's buffers can be exported, asked before any buffer
 * exists so that nothing changes on the device: EXPBUF of buffer 0 then
 * fails with ENOTTY on a driver without EXPBUF (v4l2loopback), and with
 * EINVAL (no such buffer yet) on a videobuf2 driver, whose MMAP buffers
 * every allocator can export. Capture still finds out for sure, and says
 * so if it cannot. */
static gboolean
probe_export (ShrbufV4l2Device * dev)
{
  struct v4l2_exportbuffer exp = { 0, };

  exp.type = dev->type;
  exp.flags = O_CLOEXEC | O_RDWR;
  if (raw_ioctl (dev->fd, VIDIOC_EXPBUF, &exp) == 0) {
    close (exp.fd);
    return TRUE;
  }
  GST_DEBUG ("EXPBUF before REQBUFS: %s", g_strerror (errno));
  return errno != ENOTTY;
}

/* Every format the device offers, with its sizes and frame rates: the
 * driver's own formats first (plain, then on GStreamer >= 1.24 as DMA_DRM
 * caps too when its buffers can be exported), then those libv4l2 only emulates (V4L2_FMT_FLAG_EMULATED), whose
 * pixels are converted into libv4l2's own memory and can only be copied
 * (see shrbuf_format_offer_order()): plain caps only. */
GstCaps *
shrbuf_v4l2_device_probe_caps (ShrbufV4l2Device * dev)
{
  GArray *descs = g_array_new (FALSE, TRUE, sizeof (struct v4l2_fmtdesc));
  struct v4l2_fmtdesc desc = { 0, };
  GstCaps *caps = gst_caps_new_empty (), *emulated = gst_caps_new_empty ();
  guint *order, n, i;

  desc.type = dev->type;
  for (desc.index = 0; dev_ioctl (dev, VIDIOC_ENUM_FMT, &desc) == 0;
      desc.index++)
    g_array_append_val (descs, desc);
  order = g_new (guint, MAX (descs->len, 1));
  n = shrbuf_format_offer_order ((struct v4l2_fmtdesc *) descs->data,
      descs->len, order);
  for (i = 0; i < n; i++) {
    const struct v4l2_fmtdesc *d = &g_array_index (descs,
        struct v4l2_fmtdesc, order[i]);
    const ShrbufFormat *f = shrbuf_format_from_v4l2 (d->pixelformat);

    if (d->flags & V4L2_FMT_FLAG_EMULATED)
      GST_DEBUG ("format %" GST_FOURCC_FORMAT " is emulated by libv4l2: "
          "offered last, copied", GST_FOURCC_ARGS (d->pixelformat));
    append_sizes (dev, (d->flags & V4L2_FMT_FLAG_EMULATED) ? emulated : caps,
        d->pixelformat, gst_video_format_to_string (f->gst));
  }
  GST_DEBUG ("%u of %u formats map to GStreamer formats", n, descs->len);
  g_free (order);
  g_array_unref (descs);
  return shrbuf_v4l2_caps_offer (caps, emulated, probe_export (dev));
}

/* The device's fourcc for a GStreamer format; 0 if none. A multi-planar
 * device gets the one-buffer-a-plane layout (NV12M) when it offers it, a
 * single-planar one the single-buffer layout (NV12). The driver's own
 * format wins over one libv4l2 emulates; *emulated says which it is. */
guint32
shrbuf_v4l2_device_fourcc_for (ShrbufV4l2Device * dev, GstVideoFormat format,
    gboolean * emulated)
{
  const ShrbufFormat *f = shrbuf_format_from_gst (format);
  struct v4l2_fmtdesc desc = { 0, };
  guint32 found = 0, found_emulated = 0;

  *emulated = FALSE;
  if (f == NULL)
    return 0;
  desc.type = dev->type;
  for (desc.index = 0; dev_ioctl (dev, VIDIOC_ENUM_FMT, &desc) == 0;
      desc.index++) {
    if (desc.flags & V4L2_FMT_FLAG_EMULATED) {
      if (desc.pixelformat == f->v4l2 || desc.pixelformat == f->v4l2_mplane)
        found_emulated = desc.pixelformat;
      continue;
    }
    if (dev->mplane && f->v4l2_mplane != 0
        && desc.pixelformat == f->v4l2_mplane)
      return f->v4l2_mplane;
    if (desc.pixelformat == f->v4l2 || desc.pixelformat == f->v4l2_mplane)
      found = desc.pixelformat;
  }
  if (found == 0 && found_emulated != 0) {
    *emulated = TRUE;
    return found_emulated;
  }
  return found;
}

static void
format_from_v4l2 (ShrbufV4l2Device * dev, const struct v4l2_format *vf,
    ShrbufV4l2Format * fmt)
{
  guint i;

  memset (fmt, 0, sizeof (*fmt));
  if (dev->mplane) {
    fmt->pixelformat = vf->fmt.pix_mp.pixelformat;
    fmt->width = vf->fmt.pix_mp.width;
    fmt->height = vf->fmt.pix_mp.height;
    fmt->n_planes = MIN (vf->fmt.pix_mp.num_planes, VIDEO_MAX_PLANES);
    for (i = 0; i < fmt->n_planes; i++) {
      fmt->bytesperline[i] = vf->fmt.pix_mp.plane_fmt[i].bytesperline;
      fmt->sizeimage[i] = vf->fmt.pix_mp.plane_fmt[i].sizeimage;
    }
  } else {
    fmt->pixelformat = vf->fmt.pix.pixelformat;
    fmt->width = vf->fmt.pix.width;
    fmt->height = vf->fmt.pix.height;
    fmt->n_planes = 1;
    fmt->bytesperline[0] = vf->fmt.pix.bytesperline;
    fmt->sizeimage[0] = vf->fmt.pix.sizeimage;
  }
}

gboolean
shrbuf_v4l2_device_get_format (ShrbufV4l2Device * dev,
    ShrbufV4l2Format * fmt, GError ** error)
{
  struct v4l2_format vf = { 0, };

  vf.type = dev->type;
  if (dev_ioctl (dev, VIDIOC_G_FMT, &vf) < 0) {
    set_ioctl_error (error, "VIDIOC_G_FMT", errno, GST_RESOURCE_ERROR_SETTINGS);
    return FALSE;
  }
  format_from_v4l2 (dev, &vf, fmt);
  return TRUE;
}

/* S_FMT; bytesperline is the first plane's wanted stride, 0 to let the
 * driver choose. The driver may pick another size or stride: the caller
 * checks @fmt. */
gboolean
shrbuf_v4l2_device_set_format (ShrbufV4l2Device * dev, guint32 pixelformat,
    guint width, guint height, guint bytesperline, ShrbufV4l2Format * fmt,
    GError ** error)
{
  struct v4l2_format vf = { 0, };

  vf.type = dev->type;
  if (dev->mplane) {
    vf.fmt.pix_mp.pixelformat = pixelformat;
    vf.fmt.pix_mp.width = width;
    vf.fmt.pix_mp.height = height;
    vf.fmt.pix_mp.field = V4L2_FIELD_NONE;
    vf.fmt.pix_mp.plane_fmt[0].bytesperline = bytesperline;
  } else {
    vf.fmt.pix.pixelformat = pixelformat;
    vf.fmt.pix.width = width;
    vf.fmt.pix.height = height;
    vf.fmt.pix.field = V4L2_FIELD_NONE;
    vf.fmt.pix.bytesperline = bytesperline;
  }
  if (dev_ioctl (dev, VIDIOC_S_FMT, &vf) < 0) {
    set_ioctl_error (error, "VIDIOC_S_FMT", errno, GST_RESOURCE_ERROR_SETTINGS);
    return FALSE;
  }
  format_from_v4l2 (dev, &vf, fmt);

  /* libv4l2 re-derives the format through its converter and drops the
   * bytesperline asked for. A stride is only asked for on the driver's own
   * formats (an emulated one is copied, see the element), so ask the driver
   * directly: the fd libv4l2 wraps is the device's. */
  if (bytesperline != 0 && fmt->pixelformat == pixelformat
      && fmt->bytesperline[0] != bytesperline) {
    if (dev->mplane)
      vf.fmt.pix_mp.plane_fmt[0].bytesperline = bytesperline;
    else
      vf.fmt.pix.bytesperline = bytesperline;
    if (raw_ioctl (dev->fd, VIDIOC_S_FMT, &vf) < 0) {
      set_ioctl_error (error, "VIDIOC_S_FMT", errno,
          GST_RESOURCE_ERROR_SETTINGS);
      return FALSE;
    }
    format_from_v4l2 (dev, &vf, fmt);
  }
  GST_INFO ("S_FMT %" GST_FOURCC_FORMAT " %ux%u: %u plane(s), "
      "bytesperline %u, sizeimage %u", GST_FOURCC_ARGS (fmt->pixelformat),
      fmt->width, fmt->height, fmt->n_planes, fmt->bytesperline[0],
      fmt->sizeimage[0]);
  return TRUE;
}

/* S_PARM; a driver without frame rate control is not an error. */
gboolean
shrbuf_v4l2_device_set_framerate (ShrbufV4l2Device * dev, gint fps_n,
    gint fps_d, GError ** error)
{
  struct v4l2_streamparm parm = { 0, };

  if (fps_n <= 0 || fps_d <= 0)
    return TRUE;
  parm.type = dev->type;
  if (dev_ioctl (dev, VIDIOC_G_PARM, &parm) < 0
      || !(parm.parm.capture.capability & V4L2_CAP_TIMEPERFRAME)) {
    GST_DEBUG ("no frame rate control on %s", dev->path);
    return TRUE;
  }
  parm.parm.capture.timeperframe.numerator = fps_d;
  parm.parm.capture.timeperframe.denominator = fps_n;
  if (dev_ioctl (dev, VIDIOC_S_PARM, &parm) < 0) {
    set_ioctl_error (error, "VIDIOC_S_PARM", errno,
        GST_RESOURCE_ERROR_SETTINGS);
    return FALSE;
  }
  GST_INFO ("S_PARM: %u/%u s a frame", parm.parm.capture.timeperframe.numerator,
      parm.parm.capture.timeperframe.denominator);
  return TRUE;
}

/* REQBUFS(MMAP): *count in, the driver's count out; capabilities gets the
 * queue's V4L2_BUF_CAP_* flags (0 on a driver too old to report them).
 * libv4l2 refuses REQBUFS(0) with EBUSY while a buffer is "mapped", and an
 * exported buffer counts as mapped (V4L2_BUF_FLAG_MAPPED): then the driver
 * is asked directly, and orphans the buffers if it can. */
gboolean
shrbuf_v4l2_device_request_buffers (ShrbufV4l2Device * dev, guint * count,
    guint32 * capabilities, GError ** error)
{
  struct v4l2_requestbuffers req = { 0, };

  req.type = dev->type;
  req.memory = V4L2_MEMORY_MMAP;
  req.count = *count;
  if (dev_ioctl (dev, VIDIOC_REQBUFS, &req) < 0 && (errno != EBUSY
          || *count != 0 || raw_ioctl (dev->fd, VIDIOC_REQBUFS, &req) < 0)) {
    set_ioctl_error (error, "VIDIOC_REQBUFS", errno,
        GST_RESOURCE_ERROR_NO_SPACE_LEFT);
    return FALSE;
  }
  GST_INFO ("REQBUFS(%u): %u buffers, capabilities 0x%x", *count, req.count,
      req.capabilities);
  *count = req.count;
  if (capabilities)
    *capabilities = req.capabilities;
  return TRUE;
}

/* An MMAP struct v4l2_buffer for @index, with room for @n_planes planes on
 * a multi-planar device. */
static void
buffer_init (ShrbufV4l2Device * dev, struct v4l2_buffer *buf,
    struct v4l2_plane *planes, guint index, guint n_planes)
{
  buf->type = dev->type;
  buf->memory = V4L2_MEMORY_MMAP;
  buf->index = index;
  if (dev->mplane) {
    buf->m.planes = planes;
    buf->length = n_planes;
  }
}

/* QUERYBUF: each plane's length and mmap() offset. */
static gboolean
query_planes (ShrbufV4l2Device * dev, guint index, guint n_planes,
    gsize lengths[], off_t offsets[], GError ** error)
{
  struct v4l2_plane planes[VIDEO_MAX_PLANES] = { {0}, };
  struct v4l2_buffer buf = { 0, };
  guint i;

  buffer_init (dev, &buf, planes, index, n_planes);
  if (dev_ioctl (dev, VIDIOC_QUERYBUF, &buf) < 0) {
    set_ioctl_error (error, "VIDIOC_QUERYBUF", errno,
        GST_RESOURCE_ERROR_FAILED);
    return FALSE;
  }
  for (i = 0; i < n_planes; i++) {
    lengths[i] = dev->mplane ? planes[i].length : buf.length;
    offsets[i] = dev->mplane ? planes[i].m.mem_offset : buf.m.offset;
  }
  return TRUE;
}

gboolean
shrbuf_v4l2_device_query_plane_lengths (ShrbufV4l2Device * dev, guint index,
    guint n_planes, gsize lengths[], GError ** error)
{
  off_t offsets[VIDEO_MAX_PLANES];

  return query_planes (dev, index, n_planes, lengths, offsets, error);
}

/* EXPBUF: a new dma-buf fd (O_CLOEXEC | O_RDWR) the caller owns, or minus
 * the errno it failed with (-ENOTTY: the driver has no EXPBUF; -EINVAL: its
 * queue cannot export). */
gint
shrbuf_v4l2_device_export (ShrbufV4l2Device * dev, guint index, guint plane,
    GError ** error)
{
  struct v4l2_exportbuffer exp = { 0, };
  gint err;

  exp.type = dev->type;
  exp.index = index;
  exp.plane = plane;
  exp.flags = O_CLOEXEC | O_RDWR;
  if (dev_ioctl (dev, VIDIOC_EXPBUF, &exp) < 0) {
    err = errno;
    set_ioctl_error (error, "VIDIOC_EXPBUF", err, GST_RESOURCE_ERROR_FAILED);
    return -err;
  }
  return exp.fd;
}

/* Maps the @n_planes planes of buffer @index for reading (QUERYBUF, then
 * v4l2_mmap() through libv4l2, so that a format it emulates is converted
 * into what is mapped; mmap() on a multi-planar device). @data and
 * @lengths get each plane's address and length; the caller unmaps them
 * with shrbuf_v4l2_device_unmap() before REQBUFS(0). */
gboolean
shrbuf_v4l2_device_map (ShrbufV4l2Device * dev, guint index, guint n_planes,
    gpointer data[], gsize lengths[], GError ** error)
{
  off_t offsets[VIDEO_MAX_PLANES];
  guint i;

  if (!query_planes (dev, index, n_planes, lengths, offsets, error))
    return FALSE;
  for (i = 0; i < n_planes; i++) {
    gsize length = lengths[i];
    off_t offset = offsets[i];
    gpointer p = dev->libv4l2 ?
        v4l2_mmap (NULL, length, PROT_READ, MAP_SHARED, dev->fd, offset) :
        mmap (NULL, length, PROT_READ, MAP_SHARED, dev->fd, offset);

    if (p == MAP_FAILED) {
      set_ioctl_error (error, dev->libv4l2 ? "v4l2_mmap" : "mmap", errno,
          GST_RESOURCE_ERROR_FAILED);
      while (i > 0) {
        i--;
        shrbuf_v4l2_device_unmap (dev, data[i], lengths[i]);
        data[i] = NULL;
      }
      return FALSE;
    }
    data[i] = p;
  }
  return TRUE;
}

void
shrbuf_v4l2_device_unmap (ShrbufV4l2Device * dev, gpointer data, gsize length)
{
  if (dev->libv4l2)
    v4l2_munmap (data, length);
  else
    munmap (data, length);
}

gboolean
shrbuf_v4l2_device_queue (ShrbufV4l2Device * dev, guint index,
    guint n_planes, GError ** error)
{
  struct v4l2_plane planes[VIDEO_MAX_PLANES] = { {0}, };
  struct v4l2_buffer buf = { 0, };

  buffer_init (dev, &buf, planes, index, n_planes);
  if (dev_ioctl (dev, VIDIOC_QBUF, &buf) < 0) {
    set_ioctl_error (error, "VIDIOC_QBUF", errno, GST_RESOURCE_ERROR_READ);
    return FALSE;
  }
  return TRUE;
}

/* DQBUF on the non-blocking fd. When no buffer is ready (EAGAIN) it
 * returns TRUE with out->index G_MAXUINT, and the caller polls again. */
gboolean
shrbuf_v4l2_device_dequeue (ShrbufV4l2Device * dev, guint n_planes,
    ShrbufV4l2Dequeued * out, GError ** error)
{
  struct v4l2_plane planes[VIDEO_MAX_PLANES] = { {0}, };
  struct v4l2_buffer buf = { 0, };
  guint i;

  memset (out, 0, sizeof (*out));
  out->index = G_MAXUINT;
  buffer_init (dev, &buf, planes, 0, n_planes);
  if (dev_ioctl (dev, VIDIOC_DQBUF, &buf) < 0) {
    if (errno == EAGAIN)
      return TRUE;
    set_ioctl_error (error, "VIDIOC_DQBUF", errno, GST_RESOURCE_ERROR_READ);
    return FALSE;
  }
  out->index = buf.index;
  out->sequence = buf.sequence;
  out->flags = buf.flags;
  out->timestamp = GST_TIMEVAL_TO_TIME (buf.timestamp);
  /* A timestamp on another clock (V4L2_BUF_FLAG_TIMESTAMP_COPY or UNKNOWN,
   * such as the one v4l2loopback copies from its writer): the time of the
   * dequeue on CLOCK_MONOTONIC instead. */
  if ((buf.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) !=
      V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
    out->timestamp = g_get_monotonic_time () * GST_USECOND;
  if (dev->mplane) {
    for (i = 0; i < n_planes; i++)
      out->bytesused[i] = planes[i].bytesused - planes[i].data_offset;
  } else {
    out->bytesused[0] = buf.bytesused;
  }
  return TRUE;
}

gboolean
shrbuf_v4l2_device_stream (ShrbufV4l2Device * dev, gboolean on, GError ** error)
{
  gint type = dev->type;

  if (dev_ioctl (dev, on ? VIDIOC_STREAMON : VIDIOC_STREAMOFF, &type) < 0) {
    set_ioctl_error (error, on ? "VIDIOC_STREAMON" : "VIDIOC_STREAMOFF",
        errno, GST_RESOURCE_ERROR_FAILED);
    return FALSE;
  }
  return TRUE;
}
