/* gst-shrbuf: the smallest zero-copy capture-to-display loop, for the
 * pipeline benchmark's floor
 * Copyright (C) 2026 The gst-shrbuf authors
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
 *
 * You should have received a copy of the GNU Library General Public
 * License along with this library; if not, write to the
 * Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
 * Boston, MA 02110-1301, USA.
 */

/* floorloop VIDEO DRIVER WIDTH HEIGHT FRAMES [STEADY]
 *
 * One thread, no GStreamer: BGRx frames from the V4L2 device VIDEO,
 * exported with VIDIOC_EXPBUF, imported into the DRM device of DRIVER and
 * page-flipped on its first connected output; a frame goes back to the
 * driver when the next one has flipped in. The work a frame needs at the
 * least (poll, DQBUF, page flip, event, QBUF), so that the benchmark can
 * tell how much of a pipeline's CPU time per frame is the pipeline's own.
 * Prints "shown=N dropped=N"; with STEADY, also the CPU time from the
 * STEADY-th frame dequeued to the end as "steady: frames=F user_ns=U
 * sys_ns=S", as gstrun --steady does.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <linux/videodev2.h>
#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#define N_BUFFERS 4

static int video = -1, drm = -1;
static unsigned int width, height;
static unsigned int fb[N_BUFFERS];
static int shown = -1, flipping = -1, waiting = -1;
static unsigned long n_shown, n_dropped;
static unsigned int crtc_id;

static long long
ns (const struct timeval *tv)
{
  return tv->tv_sec * 1000000000LL + tv->tv_usec * 1000LL;
}

static void
die (const char *what)
{
  fprintf (stderr, "floorloop: %s: %s\n", what, strerror (errno));
  exit (1);
}

static void
queue (int index)
{
  struct v4l2_buffer b = {
    .index = index,
    .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
    .memory = V4L2_MEMORY_MMAP,
  };

  if (ioctl (video, VIDIOC_QBUF, &b) < 0)
    die ("VIDIOC_QBUF");
}

static void
flip (int index)
{
  if (drmModePageFlip (drm, crtc_id, fb[index], DRM_MODE_PAGE_FLIP_EVENT,
          NULL) < 0)
    die ("drmModePageFlip");
  flipping = index;
}

static void
flipped (int fd, unsigned int seq, unsigned int sec, unsigned int usec,
    void *data)
{
  (void) fd;
  (void) seq;
  (void) sec;
  (void) usec;
  (void) data;
  if (shown >= 0)
    queue (shown);
  shown = flipping;
  flipping = -1;
  n_shown++;
  if (waiting >= 0) {
    flip (waiting);
    waiting = -1;
  }
}

static int
open_drm (const char *driver)
{
  char path[32];
  int i, fd;

  for (i = 0; i < 8; i++) {
    drmVersionPtr v;

    snprintf (path, sizeof path, "/dev/dri/card%d", i);
    fd = open (path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
      continue;
    v = drmGetVersion (fd);
    if (v && strcmp (v->name, driver) == 0) {
      drmFreeVersion (v);
      return fd;
    }
    drmFreeVersion (v);
    close (fd);
  }
  errno = ENODEV;
  die (driver);
  return -1;
}

/* The first connected connector with a WIDTHxHEIGHT mode, set up on a CRTC
 * its encoder can drive, showing buffer 0. */
static void
set_mode (void)
{
  drmModeRes *res = drmModeGetResources (drm);
  int c, m, k;

  if (res == NULL)
    die ("drmModeGetResources");
  for (c = 0; c < res->count_connectors; c++) {
    drmModeConnector *conn = drmModeGetConnector (drm, res->connectors[c]);

    if (conn == NULL || conn->connection != DRM_MODE_CONNECTED
        || conn->count_encoders == 0) {
      drmModeFreeConnector (conn);
      continue;
    }
    for (m = 0; m < conn->count_modes; m++) {
      drmModeEncoder *enc;

      if (conn->modes[m].hdisplay != width || conn->modes[m].vdisplay != height)
        continue;
      enc = drmModeGetEncoder (drm, conn->encoders[0]);
      for (k = 0; enc && k < res->count_crtcs; k++) {
        if (!(enc->possible_crtcs & (1u << k)))
          continue;
        crtc_id = res->crtcs[k];
        if (drmModeSetCrtc (drm, crtc_id, fb[0], 0, 0, &conn->connector_id, 1,
                &conn->modes[m]) < 0)
          die ("drmModeSetCrtc");
        drmModeFreeEncoder (enc);
        drmModeFreeConnector (conn);
        drmModeFreeResources (res);
        return;
      }
      drmModeFreeEncoder (enc);
    }
    drmModeFreeConnector (conn);
  }
  errno = ENOENT;
  die ("no connected output with that mode");
}

int
main (int argc, char **argv)
{
  struct v4l2_format fmt = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
  struct v4l2_requestbuffers req = {
    .count = N_BUFFERS,
    .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
    .memory = V4L2_MEMORY_MMAP,
  };
  drmEventContext ev = {
    .version = 2,
    .page_flip_handler = flipped,
  };
  int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  unsigned long frames, steady = 0, dequeued = 0;
  struct rusage start, end;
  unsigned int i;

  if (argc != 6 && argc != 7) {
    fprintf (stderr, "usage: floorloop VIDEO DRIVER WIDTH HEIGHT FRAMES "
        "[STEADY]\n");
    return 2;
  }
  width = strtoul (argv[3], NULL, 10);
  height = strtoul (argv[4], NULL, 10);
  frames = strtoul (argv[5], NULL, 10);
  if (argc == 7)
    steady = strtoul (argv[6], NULL, 10);

  video = open (argv[1], O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (video < 0)
    die (argv[1]);
  drm = open_drm (argv[2]);

  fmt.fmt.pix.width = width;
  fmt.fmt.pix.height = height;
  fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_XBGR32;
  if (ioctl (video, VIDIOC_S_FMT, &fmt) < 0)
    die ("VIDIOC_S_FMT");
  if (fmt.fmt.pix.width != width || fmt.fmt.pix.height != height
      || fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_XBGR32) {
    errno = EINVAL;
    die ("the device does not capture BGRx at that size");
  }
  if (ioctl (video, VIDIOC_REQBUFS, &req) < 0 || req.count < N_BUFFERS)
    die ("VIDIOC_REQBUFS");

  for (i = 0; i < N_BUFFERS; i++) {
    struct v4l2_exportbuffer exp = {
      .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
      .index = i,
      .flags = O_CLOEXEC | O_RDWR,
    };
    uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };

    if (ioctl (video, VIDIOC_EXPBUF, &exp) < 0)
      die ("VIDIOC_EXPBUF");
    if (drmPrimeFDToHandle (drm, exp.fd, &handles[0]) < 0)
      die ("drmPrimeFDToHandle");
    close (exp.fd);
    pitches[0] = fmt.fmt.pix.bytesperline;
    if (drmModeAddFB2 (drm, width, height, DRM_FORMAT_XRGB8888, handles,
            pitches, offsets, &fb[i], 0) < 0)
      die ("drmModeAddFB2");
  }

  /* Buffer 0 is on screen first: the rest capture. */
  set_mode ();
  shown = 0;
  for (i = 1; i < N_BUFFERS; i++)
    queue (i);
  if (ioctl (video, VIDIOC_STREAMON, &type) < 0)
    die ("VIDIOC_STREAMON");

  while (dequeued < frames || flipping >= 0) {
    struct pollfd fds[2] = {
      {.fd = video,.events = dequeued < frames ? POLLIN : 0},
      {.fd = drm,.events = POLLIN},
    };

    if (poll (fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      die ("poll");
    }
    if (fds[1].revents & POLLIN)
      drmHandleEvent (drm, &ev);
    if (dequeued < frames && (fds[0].revents & POLLIN)) {
      struct v4l2_buffer b = {
        .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
        .memory = V4L2_MEMORY_MMAP,
      };

      if (ioctl (video, VIDIOC_DQBUF, &b) < 0) {
        if (errno == EAGAIN)
          continue;
        die ("VIDIOC_DQBUF");
      }
      if (++dequeued == steady)
        getrusage (RUSAGE_SELF, &start);
      if (flipping < 0) {
        flip (b.index);
      } else {
        /* One flip in flight: the newest frame waits, an older one goes
         * back. */
        if (waiting >= 0) {
          queue (waiting);
          n_dropped++;
        }
        waiting = b.index;
      }
    }
  }
  if (waiting >= 0)
    n_dropped++;
  getrusage (RUSAGE_SELF, &end);

  ioctl (video, VIDIOC_STREAMOFF, &type);
  printf ("shown=%lu dropped=%lu\n", n_shown, n_dropped);
  if (steady > 0 && dequeued > steady)
    printf ("steady: frames=%lu user_ns=%lld sys_ns=%lld\n",
        dequeued - steady, ns (&end.ru_utime) - ns (&start.ru_utime),
        ns (&end.ru_stime) - ns (&start.ru_stime));
  return 0;
}
