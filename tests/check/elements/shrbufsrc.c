/* gst-shrbuf: shrbufsrc and its allocator, on the host
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * The allocator is tested on memfd fds (no driver), the copy path's frame
 * copy on memory of its own, the driver's plane layout on described
 * formats; capture itself is tested in the VM
 * (tests/vm/cases/3*-src-*.sh).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/allocators/allocators.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gstshrbufallocator.h"
#include "gstshrbufsrc.h"
#include "frame-copy.h"
#include "v4l2-layout.h"
#include "v4l2-device.h"
#include "dma-drm.h"

#define SIZE 8192

static GArray *recycled;

static void
on_recycle (GstShrbufAllocator * allocator, guint index, gpointer user_data)
{
  fail_unless (user_data == (gpointer) & recycled);
  g_array_append_val (recycled, index);
}

static gint
make_memfd (guint8 fill)
{
  guint8 buf[SIZE];
  gint fd = memfd_create ("shrbuf-test", MFD_CLOEXEC);

  fail_unless (fd >= 0);
  memset (buf, fill, sizeof (buf));
  fail_unless_equals_int (write (fd, buf, sizeof (buf)), SIZE);
  return fd;
}

static gboolean
fd_is_open (gint fd)
{
  return fcntl (fd, F_GETFD) != -1 || errno != EBADF;
}

static GstShrbufAllocator *
new_allocator (void)
{
  recycled = g_array_new (FALSE, FALSE, sizeof (guint));
  return GST_SHRBUF_ALLOCATOR (gst_shrbuf_allocator_new (on_recycle,
          &recycled));
}

static void
free_allocator (GstShrbufAllocator * alloc)
{
  gst_object_unref (alloc);
  g_array_unref (recycled);
  recycled = NULL;
}

GST_START_TEST (test_allocator_map_and_recycle)
{
  GstShrbufAllocator *alloc = new_allocator ();
  gint fd = make_memfd (0x5a);
  gsize size = SIZE, used = SIZE - 100;
  GstBuffer *buf;
  GstMemory *mem;
  GstMapInfo map;

  fail_unless (gst_shrbuf_allocator_add_frame (alloc, 3, 1, &fd, &size));
  /* Recorded: its index is taken. */
  {
    gint other = make_memfd (0);

    fail_if (gst_shrbuf_allocator_add_frame (alloc, 3, 1, &other, &size));
    fail_if (fd_is_open (other));
  }

  buf = gst_buffer_new ();
  fail_unless (gst_shrbuf_allocator_append_frame (alloc, 3, buf, &used));
  fail_unless_equals_int (gst_buffer_n_memory (buf), 1);
  mem = gst_buffer_peek_memory (buf, 0);
  fail_unless (gst_is_dmabuf_memory (mem));
  fail_unless_equals_int (gst_dmabuf_memory_get_fd (mem), fd);
  fail_unless_equals_int (gst_buffer_get_size (buf), SIZE - 100);
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  fail_unless_equals_int (map.data[0], 0x5a);
  fail_unless_equals_int (map.data[map.size - 1], 0x5a);
  gst_buffer_unmap (buf, &map);

  /* Handed out: cannot be handed out twice. */
  {
    GstBuffer *again = gst_buffer_new ();

    fail_if (gst_shrbuf_allocator_append_frame (alloc, 3, again, &used));
    gst_buffer_unref (again);
  }

  /* The last reference goes: recycled, not freed, fd open. */
  fail_unless_equals_int (recycled->len, 0);
  gst_buffer_unref (buf);
  fail_unless_equals_int (recycled->len, 1);
  fail_unless_equals_int (g_array_index (recycled, guint, 0), 3);
  fail_unless (fd_is_open (fd));

  /* At home again: a second round works, with the size reset. */
  buf = gst_buffer_new ();
  used = SIZE;
  fail_unless (gst_shrbuf_allocator_append_frame (alloc, 3, buf, &used));
  fail_unless_equals_int (gst_buffer_get_size (buf), SIZE);
  gst_buffer_unref (buf);
  fail_unless_equals_int (recycled->len, 2);

  /* Retired at home: freed and its fd closed right away. */
  gst_shrbuf_allocator_retire (alloc);
  /* No frame left: none to hand out. */
  buf = gst_buffer_new ();
  fail_if (gst_shrbuf_allocator_append_frame (alloc, 3, buf, &used));
  gst_buffer_unref (buf);
  fail_if (fd_is_open (fd));
  fail_unless_equals_int (recycled->len, 2);
  free_allocator (alloc);
}

GST_END_TEST;

/* DONT_CLOSE: no memory closes the frame's fd; the frame does, after its
 * last memory, also when that outlives the retirement (and the allocator's
 * owner). */
GST_START_TEST (test_allocator_outlives_retire)
{
  GstShrbufAllocator *alloc = new_allocator ();
  gint fd = make_memfd (0x11);
  gsize size = SIZE;
  GstBuffer *buf, *copy;
  GstMemory *sub;
  GstMapInfo map;

  fail_unless (gst_shrbuf_allocator_add_frame (alloc, 0, 1, &fd, &size));
  buf = gst_buffer_new ();
  fail_unless (gst_shrbuf_allocator_append_frame (alloc, 0, buf, &size));
  sub = gst_memory_share (gst_buffer_peek_memory (buf, 0), 16, 16);
  copy = gst_buffer_copy (buf);

  gst_shrbuf_allocator_retire (alloc);
  gst_object_unref (alloc);     /* the owner lets go; memories hold it */
  fail_unless (fd_is_open (fd));

  gst_buffer_unref (buf);
  gst_buffer_unref (copy);
  fail_unless (fd_is_open (fd));        /* the share holds the parent */
  fail_unless (gst_memory_map (sub, &map, GST_MAP_READ));
  fail_unless_equals_int (map.size, 16);
  fail_unless_equals_int (map.data[0], 0x11);
  gst_memory_unmap (sub, &map);

  gst_memory_unref (sub);
  fail_if (fd_is_open (fd));
  fail_unless_equals_int (recycled->len, 0);
  g_array_unref (recycled);
  recycled = NULL;
}

GST_END_TEST;

/* The recycle function runs without the allocator's lock (it may call
 * back into it), and retire() waits for a recycle call in flight: once it
 * returned, the owner's device is never touched again. */
typedef struct
{
  GstShrbufAllocator *alloc;
  GMutex lock;
  GCond cond;
  gboolean in_recycle, release, retired;
} SlowRecycle;

static void
slow_recycle (GstShrbufAllocator * allocator, guint index, gpointer data)
{
  SlowRecycle *sr = data;
  GstBuffer *probe = gst_buffer_new ();
  gsize size = SIZE;

  /* Would deadlock if the allocator's lock were held. */
  fail_if (gst_shrbuf_allocator_append_frame (allocator, 7, probe, &size));
  gst_buffer_unref (probe);
  g_mutex_lock (&sr->lock);
  sr->in_recycle = TRUE;
  g_cond_broadcast (&sr->cond);
  while (!sr->release)
    g_cond_wait (&sr->cond, &sr->lock);
  fail_if (sr->retired, "retire() returned during a recycle call");
  g_mutex_unlock (&sr->lock);
}

static gpointer
retire_thread (gpointer data)
{
  SlowRecycle *sr = data;

  gst_shrbuf_allocator_retire (sr->alloc);
  g_mutex_lock (&sr->lock);
  sr->retired = TRUE;
  g_cond_broadcast (&sr->cond);
  g_mutex_unlock (&sr->lock);
  return NULL;
}

static gpointer
drop_thread (gpointer data)
{
  gst_buffer_unref (GST_BUFFER (data));
  return NULL;
}

GST_START_TEST (test_allocator_retire_waits_for_recycle)
{
  SlowRecycle sr = { NULL, };
  gint fd = make_memfd (0x22);
  gsize size = SIZE;
  GstBuffer *buf = gst_buffer_new ();
  GThread *dropper, *retirer;

  g_mutex_init (&sr.lock);
  g_cond_init (&sr.cond);
  sr.alloc = GST_SHRBUF_ALLOCATOR (gst_shrbuf_allocator_new (slow_recycle,
          &sr));
  fail_unless (gst_shrbuf_allocator_add_frame (sr.alloc, 0, 1, &fd, &size));
  fail_unless (gst_shrbuf_allocator_append_frame (sr.alloc, 0, buf, &size));

  dropper = g_thread_new ("drop", drop_thread, buf);
  g_mutex_lock (&sr.lock);
  while (!sr.in_recycle)
    g_cond_wait (&sr.cond, &sr.lock);
  g_mutex_unlock (&sr.lock);

  retirer = g_thread_new ("retire", retire_thread, &sr);
  g_usleep (100 * 1000);
  g_mutex_lock (&sr.lock);
  fail_if (sr.retired, "retire() did not wait for the recycle call");
  sr.release = TRUE;
  g_cond_broadcast (&sr.cond);
  g_mutex_unlock (&sr.lock);
  g_thread_join (dropper);
  g_thread_join (retirer);
  fail_unless (sr.retired);
  fail_if (fd_is_open (fd));    /* retired at home: freed, fd closed */

  gst_object_unref (sr.alloc);
  g_mutex_clear (&sr.lock);
  g_cond_clear (&sr.cond);
}

GST_END_TEST;

/* A frame of two planes comes back only with both; a share or a buffer
 * copy keeps it out. */
GST_START_TEST (test_allocator_planes)
{
  GstShrbufAllocator *alloc = new_allocator ();
  gint fds[2] = { make_memfd (1), make_memfd (2) };
  gsize sizes[2] = { SIZE, SIZE / 2 };
  GstBuffer *buf, *copy;
  GstMemory *plane0;

  fail_unless (gst_shrbuf_allocator_add_frame (alloc, 1, 2, fds, sizes));
  buf = gst_buffer_new ();
  fail_unless (gst_shrbuf_allocator_append_frame (alloc, 1, buf, sizes));
  fail_unless_equals_int (gst_buffer_n_memory (buf), 2);
  fail_unless_equals_int (gst_buffer_get_size (buf), SIZE + SIZE / 2);

  plane0 = gst_memory_ref (gst_buffer_peek_memory (buf, 0));
  copy = gst_buffer_copy (buf);
  gst_buffer_unref (buf);
  fail_unless_equals_int (recycled->len, 0);
  gst_buffer_unref (copy);
  fail_unless_equals_int (recycled->len, 0);
  gst_memory_unref (plane0);
  fail_unless_equals_int (recycled->len, 1);

  /* Retired with plane 1 downstream: plane 0's memory is freed now, but
   * its fd is the frame's (DONT_CLOSE) and stays open with the frame. */
  buf = gst_buffer_new ();
  fail_unless (gst_shrbuf_allocator_append_frame (alloc, 1, buf, sizes));
  plane0 = gst_memory_ref (gst_buffer_peek_memory (buf, 1));
  gst_buffer_unref (buf);
  gst_shrbuf_allocator_retire (alloc);
  fail_unless (fd_is_open (fds[0]));
  fail_unless (fd_is_open (fds[1]));
  gst_memory_unref (plane0);
  fail_if (fd_is_open (fds[0]));
  fail_if (fd_is_open (fds[1]));
  fail_unless_equals_int (recycled->len, 1);
  free_allocator (alloc);
}

GST_END_TEST;

GST_START_TEST (test_allocator_bad_input)
{
  GstShrbufAllocator *alloc = new_allocator ();
  gint fds[2] = { make_memfd (0), make_memfd (0) };
  gsize size = SIZE;
  GstBuffer *buf = gst_buffer_new ();

  /* Unknown frame. */
  fail_if (gst_shrbuf_allocator_append_frame (alloc, 7, buf, &size));
  /* It allocates nothing of its own. */
  fail_unless (gst_allocator_alloc (GST_ALLOCATOR (alloc), 100, NULL) == NULL);
  /* A taken index is refused, and the fd it came with closed. */
  fail_unless (gst_shrbuf_allocator_add_frame (alloc, 0, 1, &fds[0], &size));
  fail_if (gst_shrbuf_allocator_add_frame (alloc, 0, 1, &fds[1], &size));
  fail_if (fd_is_open (fds[1]));
  fail_unless (fd_is_open (fds[0]));
  gst_buffer_unref (buf);
  gst_shrbuf_allocator_retire (alloc);
  fail_if (fd_is_open (fds[0]));
  free_allocator (alloc);
}

GST_END_TEST;

GST_START_TEST (test_property_defaults)
{
  GstElement *src = gst_element_factory_make ("shrbufsrc", NULL);
  GstStructure *stats = NULL;
  gchar *device = NULL;
  gint fd = 0;
  guint depth = 0;
  guint64 v;
  guint queued = 1;
  gint pool = -1, broker = -1;

  fail_unless (src != NULL);
  g_object_get (src, "device", &device, "device-fd", &fd, "queue-depth",
      &depth, "stats", &stats, NULL);
  fail_unless_equals_string (device, "/dev/video0");
  fail_unless_equals_int (fd, -1);
  fail_unless_equals_int (depth, 4);
  fail_unless (stats != NULL);
  fail_unless (gst_structure_get_uint64 (stats, "frames", &v) && v == 0);
  fail_unless (gst_structure_get_uint64 (stats, "dropped", &v) && v == 0);
  fail_unless (gst_structure_get_uint64 (stats, "exported", &v) && v == 0);
  fail_unless (gst_structure_get_uint64 (stats, "copied", &v) && v == 0);
  fail_unless (gst_structure_get_uint (stats, "queued-in-driver", &queued));
  fail_unless_equals_int (queued, 0);
  /* The queue depth has a floor. */
  fail_unless_equals_int (G_PARAM_SPEC_UINT (g_object_class_find_property
          (G_OBJECT_GET_CLASS (src), "queue-depth"))->minimum, 2);
  /* "pool", auto by default; "broker" is its old name for the same value. */
  g_object_get (src, "pool", &pool, "broker", &broker, NULL);
  fail_unless_equals_int (pool, GST_SHRBUF_SRC_POOL_AUTO);
  fail_unless_equals_int (broker, GST_SHRBUF_SRC_POOL_AUTO);
  gst_util_set_object_arg (G_OBJECT (src), "broker", "off");
  g_object_get (src, "pool", &pool, NULL);
  fail_unless_equals_int (pool, GST_SHRBUF_SRC_POOL_OFF);
  gst_util_set_object_arg (G_OBJECT (src), "pool", "auto");
  g_object_get (src, "broker", &broker, NULL);
  fail_unless_equals_int (broker, GST_SHRBUF_SRC_POOL_AUTO);
  g_free (device);
  gst_structure_free (stats);
  gst_object_unref (src);
}

GST_END_TEST;

/* Starts shrbufsrc on @device; returns its error message (freed by the
 * caller) after checking the domain and code. */
static gchar *
start_error (const gchar * device, gint code)
{
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make ("shrbufsrc", NULL);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  GError *err = NULL;
  gchar *text;

  g_object_set (src, "device", device, NULL);
  /* Alone: it fails in start(), before any data flows. */
  gst_bin_add (GST_BIN (pipeline), src);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (src));
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (err->domain == GST_RESOURCE_ERROR);
  fail_unless_equals_int (err->code, code);
  text = g_strdup (err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  return text;
}

GST_START_TEST (test_missing_device)
{
  gchar *text = start_error ("/nonexistent/video99",
      GST_RESOURCE_ERROR_NOT_FOUND);

  fail_unless (strstr (text, "/nonexistent/video99") != NULL, "%s", text);
  g_free (text);
}

GST_END_TEST;

GST_START_TEST (test_not_a_video_device)
{
  gchar *text = start_error ("/dev/null", GST_RESOURCE_ERROR_NOT_FOUND);

  fail_unless (strstr (text, "/dev/null") != NULL, "%s", text);
  fail_unless (strstr (text, "not a V4L2 device") != NULL, "%s", text);
  g_free (text);
}

GST_END_TEST;

/* A buffer of @caps from a GstVideoBufferPool, with a GstVideoMeta. */
static GstBuffer *
pool_buffer (GstBufferPool ** pool, const gchar * caps_str, GstVideoInfo * info)
{
  GstCaps *caps = gst_caps_from_string (caps_str);
  GstStructure *config;
  GstBuffer *buf = NULL;

  fail_unless (gst_video_info_from_caps (info, caps));
  *pool = gst_video_buffer_pool_new ();
  config = gst_buffer_pool_get_config (*pool);
  gst_buffer_pool_config_set_params (config, caps, info->size, 0, 0);
  gst_buffer_pool_config_add_option (config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  fail_unless (gst_buffer_pool_set_config (*pool, config));
  fail_unless (gst_buffer_pool_set_active (*pool, TRUE));
  fail_unless (gst_buffer_pool_acquire_buffer (*pool, &buf, NULL) ==
      GST_FLOW_OK);
  fail_unless (gst_buffer_get_video_meta (buf) != NULL);
  gst_caps_unref (caps);
  return buf;
}

static void
release_pool (GstBufferPool * pool, GstBuffer * buf)
{
  gst_buffer_unref (buf);
  fail_unless (gst_buffer_pool_set_active (pool, FALSE));
  gst_object_unref (pool);
}

/* BGRx 64x4 in one block with the driver's bytesperline 320 (64 bytes of
 * padding a row): the copy has GStreamer's stride, 256, the same pixels
 * and none of the padding (0xAA, never a pixel value); the source is only
 * read. */
GST_START_TEST (test_frame_copy_stride)
{
  GstVideoInfo src, dst;
  GstBufferPool *pool;
  GstBuffer *out;
  GstMapInfo map;
  guint8 *block = g_malloc (320 * 4), *before;
  gpointer data[1] = { block };
  gsize sizes[1] = { 320 * 4 };
  guint x, y;

  for (y = 0; y < 4; y++)
    for (x = 0; x < 320; x++)
      block[y * 320 + x] = x < 256 ? (guint8) ((y * 64 + x) % 0xA0) : 0xAA;
  before = g_memdup2 (block, 320 * 4);
  gst_video_info_set_format (&src, GST_VIDEO_FORMAT_BGRx, 64, 4);
  src.stride[0] = 320;
  src.size = 320 * 4;

  out = pool_buffer (&pool, "video/x-raw,format=BGRx,width=64,height=4", &dst);
  fail_unless_equals_int (dst.stride[0], 256);
  fail_unless (shrbuf_frame_copy (&src, 1, data, sizes, out, &dst));
  fail_unless (gst_buffer_map (out, &map, GST_MAP_READ));
  fail_unless_equals_int (map.size, 256 * 4);
  for (y = 0; y < 4; y++)
    fail_unless (memcmp (map.data + y * 256, block + y * 320, 256) == 0,
        "row %u", y);
  fail_if (memchr (map.data, 0xAA, map.size) != NULL);
  gst_buffer_unmap (out, &map);
  fail_unless (memcmp (block, before, 320 * 4) == 0);
  release_pool (pool, out);
  g_free (before);
  g_free (block);
}

GST_END_TEST;

/* NV12 64x4 one block a plane (NV12M): the chroma plane's offset counts
 * across the blocks, as in a GstVideoMeta; both planes land in place. */
GST_START_TEST (test_frame_copy_planes)
{
  GstVideoInfo src, dst;
  GstBufferPool *pool;
  GstBuffer *out;
  GstVideoFrame frame;
  guint8 *y_plane = g_malloc (64 * 4), *uv_plane = g_malloc (64 * 2);
  gpointer data[2] = { y_plane, uv_plane };
  gsize sizes[2] = { 64 * 4, 64 * 2 };
  guint i;

  for (i = 0; i < 64 * 4; i++)
    y_plane[i] = (guint8) i;
  for (i = 0; i < 64 * 2; i++)
    uv_plane[i] = (guint8) (255 - i);
  gst_video_info_set_format (&src, GST_VIDEO_FORMAT_NV12, 64, 4);
  src.offset[0] = 0;
  src.offset[1] = 64 * 4;

  out = pool_buffer (&pool, "video/x-raw,format=NV12,width=64,height=4", &dst);
  fail_unless (shrbuf_frame_copy (&src, 2, data, sizes, out, &dst));
  fail_unless (gst_video_frame_map (&frame, &dst, out, GST_MAP_READ));
  fail_unless (memcmp (GST_VIDEO_FRAME_PLANE_DATA (&frame, 0), y_plane,
          64 * 4) == 0);
  fail_unless (memcmp (GST_VIDEO_FRAME_PLANE_DATA (&frame, 1), uv_plane,
          64 * 2) == 0);
  gst_video_frame_unmap (&frame);
  release_pool (pool, out);
  g_free (y_plane);
  g_free (uv_plane);
}

GST_END_TEST;

/* A destination too small for the frame: FALSE, nothing written past it. */
GST_START_TEST (test_frame_copy_too_small)
{
  GstVideoInfo src;
  guint8 *block = g_malloc0 (256 * 4);
  gpointer data[1] = { block };
  gsize sizes[1] = { 256 * 4 };
  GstBuffer *out = gst_buffer_new_allocate (NULL, 256, NULL);

  gst_video_info_set_format (&src, GST_VIDEO_FORMAT_BGRx, 64, 4);
  fail_if (shrbuf_frame_copy (&src, 1, data, sizes, out, &src));
  gst_buffer_unref (out);
  g_free (block);
}

GST_END_TEST;

/* shrbuf_v4l2_layout(): the planes as the driver lays them out. */
static ShrbufV4l2Format
single_plane (guint bytesperline, guint sizeimage)
{
  ShrbufV4l2Format fmt = { 0, };

  fmt.n_planes = 1;
  fmt.bytesperline[0] = bytesperline;
  fmt.sizeimage[0] = sizeimage;
  return fmt;
}

GST_START_TEST (test_layout_single_plane)
{
  GstVideoInfo info;
  ShrbufV4l2Format fmt;
  GError *err = NULL;

  /* NV12 640x480 at 704 bytes a row: both planes at the padded stride. */
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_NV12, 640, 480);
  fmt = single_plane (704, 704 * 480 * 3 / 2);
  fail_unless (shrbuf_v4l2_layout (&info, &fmt, &err));
  fail_unless (err == NULL);
  fail_unless_equals_int (info.stride[0], 704);
  fail_unless_equals_int (info.stride[1], 704);
  fail_unless_equals_int (info.offset[0], 0);
  fail_unless_equals_int (info.offset[1], 704 * 480);
  fail_unless_equals_int (info.size, 704 * 480 * 3 / 2);

  /* I420 64x48 at 80 bytes a row: the chroma planes at half of it. */
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 64, 48);
  fmt = single_plane (80, 80 * 48 + 2 * 40 * 24 + 100);
  fail_unless (shrbuf_v4l2_layout (&info, &fmt, NULL));
  fail_unless_equals_int (info.stride[0], 80);
  fail_unless_equals_int (info.stride[1], 40);
  fail_unless_equals_int (info.stride[2], 40);
  fail_unless_equals_int (info.offset[1], 80 * 48);
  fail_unless_equals_int (info.offset[2], 80 * 48 + 40 * 24);
  /* The driver's buffer size, with its slack. */
  fail_unless_equals_int (info.size, 80 * 48 + 2 * 40 * 24 + 100);

  /* YUY2 640x480 at 1408 bytes a row (1280 unpadded). */
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_YUY2, 640, 480);
  fmt = single_plane (1408, 1408 * 480);
  fail_unless (shrbuf_v4l2_layout (&info, &fmt, NULL));
  fail_unless_equals_int (info.stride[0], 1408);
  fail_unless_equals_int (info.offset[0], 0);
  fail_unless_equals_int (info.size, 1408 * 480);
}

GST_END_TEST;

GST_START_TEST (test_layout_multi_plane)
{
  GstVideoInfo info;
  ShrbufV4l2Format fmt = { 0, };

  /* NV12M: a buffer a plane, each with its own bytesperline; an offset
   * counts across the buffers. */
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_NV12, 640, 480);
  fmt.n_planes = 2;
  fmt.bytesperline[0] = 768;
  fmt.bytesperline[1] = 704;
  fmt.sizeimage[0] = 768 * 480;
  fmt.sizeimage[1] = 704 * 240 + 64;
  fail_unless (shrbuf_v4l2_layout (&info, &fmt, NULL));
  fail_unless_equals_int (info.stride[0], 768);
  fail_unless_equals_int (info.stride[1], 704);
  fail_unless_equals_int (info.offset[0], 0);
  fail_unless_equals_int (info.offset[1], 768 * 480);
  fail_unless_equals_int (info.size, 768 * 480 + 704 * 240 + 64);
}

GST_END_TEST;

GST_START_TEST (test_layout_refused)
{
  GstVideoInfo info;
  ShrbufV4l2Format fmt;
  GError *err = NULL;

  /* A buffer that holds the luma plane only. */
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_NV12, 640, 480);
  fmt = single_plane (640, 640 * 480);
  fail_if (shrbuf_v4l2_layout (&info, &fmt, &err));
  fail_unless (g_error_matches (err, GST_CORE_ERROR,
          GST_CORE_ERROR_NEGOTIATION));
  fail_unless (strstr (err->message, "460800") != NULL, "%s", err->message);
  g_clear_error (&err);

  /* Three buffers for NV12's two planes. */
  fmt.n_planes = 3;
  fmt.bytesperline[1] = fmt.bytesperline[2] = 640;
  fmt.sizeimage[1] = fmt.sizeimage[2] = 640 * 240;
  fail_if (shrbuf_v4l2_layout (&info, &fmt, &err));
  fail_unless (g_error_matches (err, GST_CORE_ERROR,
          GST_CORE_ERROR_NEGOTIATION));
  fail_unless_equals_string (err->message, "3 V4L2 planes for 2 video planes");
  g_clear_error (&err);
}

GST_END_TEST;

/* The caps offered: the driver's formats as plain caps, then on GStreamer
 * >= 1.24 a linear DMA_DRM twin of each (not of those libv4l2 emulates,
 * which are copied), then the emulated ones: on 1.22 the plain caps alone.
 * A driver whose buffers cannot be exported gets the plain caps only. */
GST_START_TEST (test_caps_offer)
{
  GstCaps *native = gst_caps_from_string ("video/x-raw,format=YUY2,"
      "width=640,height=480,framerate=30/1; video/x-raw,format=BGRx,"
      "width=[1,1920],height=[1,1080],framerate=[0/1,60/1]");
  GstCaps *emulated = gst_caps_from_string ("video/x-raw,format=RGB,"
      "width=640,height=480,framerate=30/1");
  GstCaps *plain = gst_caps_merge (gst_caps_copy (native),
      gst_caps_copy (emulated));
  GstCaps *caps = shrbuf_v4l2_caps_offer (gst_caps_copy (native),
      gst_caps_copy (emulated), TRUE), *rest, *unexported;
  guint n_dma = shrbuf_dma_drm_supported ()? 2 : 0, i;

  unexported = shrbuf_v4l2_caps_offer (native, emulated, FALSE);
  fail_unless (gst_caps_is_strictly_equal (unexported, plain));
  gst_caps_unref (unexported);

  GST_INFO ("offered %" GST_PTR_FORMAT, caps);
  fail_unless_equals_int (gst_caps_get_size (caps), n_dma + 3);
  for (i = 0; i < n_dma; i++) {
    const GstStructure *s = gst_caps_get_structure (caps, 2 + i);
    const GstStructure *twin = gst_caps_get_structure (plain, i);
    gint w;

    fail_unless (gst_caps_features_contains (gst_caps_get_features (caps,
                2 + i), GST_CAPS_FEATURE_MEMORY_DMABUF));
    fail_unless_equals_string (gst_structure_get_string (s, "format"),
        "DMA_DRM");
    fail_unless_equals_string (gst_structure_get_string (s, "drm-format"),
        i == 0 ? "YUYV" : "XR24");
    fail_unless (gst_value_compare (gst_structure_get_value (s, "width"),
            gst_structure_get_value (twin, "width")) == GST_VALUE_EQUAL);
    fail_unless (gst_value_compare (gst_structure_get_value (s,
                "framerate"), gst_structure_get_value (twin, "framerate"))
        == GST_VALUE_EQUAL);
    if (i == 0)
      fail_unless (gst_structure_get_int (s, "height", &w) && w == 480);
  }
  rest = gst_caps_new_empty ();
  for (i = 0; i < gst_caps_get_size (caps); i++)
    if (i < 2 || i >= 2 + n_dma)
      gst_caps_append (rest, gst_caps_copy_nth (caps, i));
  fail_unless (gst_caps_is_strictly_equal (rest, plain));
  gst_caps_unref (rest);
  gst_caps_unref (plain);
  gst_caps_unref (caps);
}

GST_END_TEST;

/* With no device, fixate wants BGRx; of DMA_DRM and plain caps allowed
 * alike, the DMA_DRM ones (first), with drm-format fixated. */
GST_START_TEST (test_fixate_dma_drm)
{
  GstElement *src = gst_element_factory_make ("shrbufsrc", NULL);
  GstBaseSrcClass *klass = GST_BASE_SRC_GET_CLASS (src);
  GstCaps *caps = gst_caps_from_string ("video/x-raw(memory:DMABuf),"
      "format=DMA_DRM,drm-format={YUYV,XR24},width=[1,1920],"
      "height=[1,1080],framerate=[0/1,60/1]; video/x-raw,"
      "format={YUY2,BGRx},width=[1,1920],height=[1,1080],"
      "framerate=[0/1,60/1]");
  GstStructure *s;
  GstVideoInfo info;
  guint32 fourcc;
  guint64 modifier;
  gboolean dma_drm;

  caps = klass->fixate (GST_BASE_SRC (src), caps);
  GST_INFO ("fixated %" GST_PTR_FORMAT, caps);
  fail_unless (gst_caps_is_fixed (caps));
  s = gst_caps_get_structure (caps, 0);
  fail_unless_equals_string (gst_structure_get_string (s, "drm-format"),
      "XR24");
  fail_unless (shrbuf_video_info_from_caps (caps, &info, &fourcc, &modifier,
          &dma_drm));
  fail_unless (dma_drm);
  fail_unless_equals_int (GST_VIDEO_INFO_FORMAT (&info), GST_VIDEO_FORMAT_BGRx);
  gst_caps_unref (caps);
  gst_object_unref (src);
}

GST_END_TEST;

static Suite *
shrbufsrc_suite (void)
{
  Suite *s = suite_create ("shrbufsrc");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_allocator_map_and_recycle);
  tcase_add_test (tc, test_allocator_outlives_retire);
  tcase_add_test (tc, test_allocator_planes);
  tcase_add_test (tc, test_allocator_retire_waits_for_recycle);
  tcase_add_test (tc, test_allocator_bad_input);
  tcase_add_test (tc, test_property_defaults);
  tcase_add_test (tc, test_missing_device);
  tcase_add_test (tc, test_not_a_video_device);
  tcase_add_test (tc, test_frame_copy_stride);
  tcase_add_test (tc, test_frame_copy_planes);
  tcase_add_test (tc, test_frame_copy_too_small);
  tcase_add_test (tc, test_layout_single_plane);
  tcase_add_test (tc, test_layout_multi_plane);
  tcase_add_test (tc, test_layout_refused);
  tcase_add_test (tc, test_caps_offer);
  if (shrbuf_dma_drm_supported ())
    tcase_add_test (tc, test_fixate_dma_drm);
  return s;
}

GST_CHECK_MAIN (shrbufsrc);
