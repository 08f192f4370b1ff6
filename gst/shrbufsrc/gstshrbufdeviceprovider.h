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

#ifndef __GST_SHRBUF_DEVICE_PROVIDER_H__
#define __GST_SHRBUF_DEVICE_PROVIDER_H__

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_SHRBUF_DEVICE_PROVIDER (gst_shrbuf_device_provider_get_type ())
G_DECLARE_FINAL_TYPE (GstShrbufDeviceProvider, gst_shrbuf_device_provider,
    GST, SHRBUF_DEVICE_PROVIDER, GstDeviceProvider)

#define GST_TYPE_SHRBUF_DEVICE (gst_shrbuf_device_get_type ())
G_DECLARE_FINAL_TYPE (GstShrbufDevice, gst_shrbuf_device, GST, SHRBUF_DEVICE,
    GstDevice)

GST_DEVICE_PROVIDER_REGISTER_DECLARE (shrbufdeviceprovider);

G_END_DECLS

#endif /* __GST_SHRBUF_DEVICE_PROVIDER_H__ */
