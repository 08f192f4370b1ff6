/* gst-shrbuf: copying a captured frame into a buffer
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

#include "frame-copy.h"

/* Copies the frame in @n_memories blocks of memory @data (@sizes bytes
 * each), laid out as @src_info says (strides and offsets; an offset counts
 * across the blocks, as in a GstVideoMeta), into @dest, laid out as its
 * GstVideoMeta says or else as @dest_info. Rows are copied without the
 * source's padding. The blocks are only read, and are not referenced once
 * this returns. */
gboolean
shrbuf_frame_copy (const GstVideoInfo * src_info, guint n_memories,
    gpointer const data[], const gsize sizes[], GstBuffer * dest,
    const GstVideoInfo * dest_info)
{
  GstVideoFrame in, out;
  GstBuffer *wrapper = gst_buffer_new ();
  gboolean ok = FALSE;
  guint i;

  for (i = 0; i < n_memories; i++)
    gst_buffer_append_memory (wrapper,
        gst_memory_new_wrapped (GST_MEMORY_FLAG_READONLY, data[i], sizes[i],
            0, sizes[i], NULL, NULL));
  gst_buffer_add_video_meta_full (wrapper, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_INFO_FORMAT (src_info), GST_VIDEO_INFO_WIDTH (src_info),
      GST_VIDEO_INFO_HEIGHT (src_info), GST_VIDEO_INFO_N_PLANES (src_info),
      (gsize *) src_info->offset, (gint *) src_info->stride);

  if (!gst_video_frame_map (&in, src_info, wrapper, GST_MAP_READ))
    goto done;
  if (!gst_video_frame_map (&out, dest_info, dest, GST_MAP_WRITE))
    goto unmap_in;
  ok = gst_video_frame_copy (&out, &in);
  gst_video_frame_unmap (&out);
unmap_in:
  gst_video_frame_unmap (&in);
done:
  gst_buffer_unref (wrapper);
  return ok;
}
