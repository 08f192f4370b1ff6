/* gst-shrbuf: zero-copy camera-to-display elements
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

#include <gst/gst.h>

#include "shrbufsrc/gstshrbufsrc.h"
#include "shrbufsrc/gstshrbufdeviceprovider.h"
#include "shrbufsink/gstshrbufsink.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ret = TRUE;

  ret &= GST_ELEMENT_REGISTER (shrbufsrc, plugin);
  ret &= GST_ELEMENT_REGISTER (shrbufsink, plugin);
  ret &= GST_DEVICE_PROVIDER_REGISTER (shrbufdeviceprovider, plugin);
  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, shrbuf,
    "Zero-copy V4L2 capture to DRM/KMS display over dma-buf",
    plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
