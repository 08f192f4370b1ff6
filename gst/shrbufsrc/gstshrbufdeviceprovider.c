/* gst-shrbuf: the V4L2 capture devices shrbufsrc can open
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

/*
 * GstShrbufDeviceProvider ("shrbufdeviceprovider") lists, for
 * gst-device-monitor-1.0 and a player's GstDeviceMonitor, each V4L2 node
 * shrbufsrc can capture from: /dev/video* in name order, each opened as the
 * element opens it (shrbuf_v4l2_device_open (): a streaming video capture
 * node; output and memory-to-memory nodes are left out), with the caps the
 * element offers for it (shrbuf_v4l2_device_probe_caps ()). It probes when
 * asked and does not watch for hotplug.
 *
 * GstShrbufDevice is one such node: its display name is the driver's card
 * name, its class "Video/Source", its properties device.path, device.api
 * (v4l2), v4l2.device.driver and v4l2.device.card.
 * gst_device_create_element () makes a shrbufsrc with "device" set to it.
 *
 * Ownership: probe () opens each node only while it probes it (the
 * ShrbufV4l2Device is freed before the next); the list and the devices in
 * it go to the caller (transfer full, devices floating, as
 * GstDeviceProvider wants). A device owns its path.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstshrbufdeviceprovider.h"
#include "v4l2-device.h"

#include <string.h>

GST_DEBUG_CATEGORY_STATIC (shrbuf_device_provider_debug);
#define GST_CAT_DEFAULT shrbuf_device_provider_debug

#define DEVICE_DIR "/dev"

struct _GstShrbufDevice
{
  GstDevice parent;
  gchar *path;
};

G_DEFINE_TYPE (GstShrbufDevice, gst_shrbuf_device, GST_TYPE_DEVICE);

static GstElement *
gst_shrbuf_device_create_element (GstDevice * device, const gchar * name)
{
  GstShrbufDevice *self = GST_SHRBUF_DEVICE (device);
  GstElement *src = gst_element_factory_make ("shrbufsrc", name);

  if (src)
    g_object_set (src, "device", self->path, NULL);
  return src;
}

static void
gst_shrbuf_device_finalize (GObject * object)
{
  g_free (GST_SHRBUF_DEVICE (object)->path);
  G_OBJECT_CLASS (gst_shrbuf_device_parent_class)->finalize (object);
}

static void
gst_shrbuf_device_class_init (GstShrbufDeviceClass * klass)
{
  GST_DEVICE_CLASS (klass)->create_element = gst_shrbuf_device_create_element;
  G_OBJECT_CLASS (klass)->finalize = gst_shrbuf_device_finalize;
}

static void
gst_shrbuf_device_init (GstShrbufDevice * self)
{
}

/* The device of the node @path, or NULL when shrbufsrc could not capture
 * from it (the reason in the debug log). */
static GstDevice *
probe_node (const gchar * path)
{
  g_autoptr (GError) err = NULL;
  ShrbufV4l2Device *dev = shrbuf_v4l2_device_open (path, -1, &err);
  GstShrbufDevice *device;
  GstStructure *props;
  GstCaps *caps;

  if (!dev) {
    GST_DEBUG ("%s left out: %s", path, err->message);
    return NULL;
  }
  caps = shrbuf_v4l2_device_probe_caps (dev);
  if (gst_caps_is_empty (caps)) {
    GST_DEBUG ("%s left out: no format shrbufsrc can capture", path);
    gst_caps_unref (caps);
    shrbuf_v4l2_device_free (dev);
    return NULL;
  }
  props = gst_structure_new ("shrbuf-device-properties",
      "device.path", G_TYPE_STRING, path,
      "device.api", G_TYPE_STRING, "v4l2",
      "v4l2.device.driver", G_TYPE_STRING, dev->driver,
      "v4l2.device.card", G_TYPE_STRING, dev->card, NULL);
  device = g_object_new (GST_TYPE_SHRBUF_DEVICE, "display-name", dev->card,
      "device-class", "Video/Source", "caps", caps, "properties", props, NULL);
  device->path = g_strdup (path);
  gst_structure_free (props);
  gst_caps_unref (caps);
  shrbuf_v4l2_device_free (dev);
  return GST_DEVICE (device);
}

static gint
cmp_nodes (gconstpointer a, gconstpointer b)
{
  return strverscmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* The /dev/video* nodes, in name order (video2 before video10). */
static GPtrArray *
video_nodes (void)
{
  GPtrArray *nodes = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open (DEVICE_DIR, 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir)))
    if (g_str_has_prefix (name, "video"))
      g_ptr_array_add (nodes, g_build_filename (DEVICE_DIR, name, NULL));
  if (dir)
    g_dir_close (dir);
  g_ptr_array_sort (nodes, cmp_nodes);
  return nodes;
}

struct _GstShrbufDeviceProvider
{
  GstDeviceProvider parent;
};

G_DEFINE_TYPE (GstShrbufDeviceProvider, gst_shrbuf_device_provider,
    GST_TYPE_DEVICE_PROVIDER);
GST_DEVICE_PROVIDER_REGISTER_DEFINE (shrbufdeviceprovider,
    "shrbufdeviceprovider", GST_RANK_MARGINAL, GST_TYPE_SHRBUF_DEVICE_PROVIDER);

static GList *
gst_shrbuf_device_provider_probe (GstDeviceProvider * provider)
{
  GPtrArray *nodes = video_nodes ();
  GList *devices = NULL;
  guint i;

  for (i = 0; i < nodes->len; i++) {
    GstDevice *device = probe_node (g_ptr_array_index (nodes, i));

    if (device)
      devices = g_list_append (devices, device);
  }
  GST_DEBUG_OBJECT (provider, "%u of %u video nodes can be captured from",
      g_list_length (devices), nodes->len);
  g_ptr_array_unref (nodes);
  return devices;
}

static void
gst_shrbuf_device_provider_class_init (GstShrbufDeviceProviderClass * klass)
{
  GstDeviceProviderClass *dp_class = GST_DEVICE_PROVIDER_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (shrbuf_device_provider_debug,
      "shrbufdeviceprovider", 0, "shrbufsrc's device provider");
  dp_class->probe = gst_shrbuf_device_provider_probe;
  gst_device_provider_class_set_static_metadata (dp_class,
      "shrbuf V4L2 capture devices", "Source/Video",
      "The V4L2 capture devices shrbufsrc can capture from",
      "gst-shrbuf contributors");
}

static void
gst_shrbuf_device_provider_init (GstShrbufDeviceProvider * self)
{
}
