/* gst-shrbuf: a GError posted as an element's error message
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SHRBUF_ELEMENT_ERROR_H__
#define __SHRBUF_ELEMENT_ERROR_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* The device helpers (v4l2-device.c, kms-output.c) report failures as a
 * GError of GST_RESOURCE_ERROR (or GST_CORE_ERROR) whose message names the
 * device, the call and the errno text. This posts @err (transfer full:
 * freed here) as an error message of @element, with err's domain and code,
 * as GST_ELEMENT_ERROR would: @text (transfer full: a g_strdup_printf()
 * result, or NULL) for the user, err's message as the debug text; with
 * @text NULL, err's message is the text and there is no debug text. */
#define shrbuf_post_error(element, err, text) G_STMT_START {           \
  GError *_shrbuf_err = (err);                                        \
  gchar *_shrbuf_text = (text);                                       \
  gst_element_message_full (GST_ELEMENT (element), GST_MESSAGE_ERROR, \
      _shrbuf_err->domain, _shrbuf_err->code,                         \
      _shrbuf_text ? _shrbuf_text : g_strdup (_shrbuf_err->message),  \
      _shrbuf_text ? g_strdup (_shrbuf_err->message) : NULL,          \
      __FILE__, GST_FUNCTION, __LINE__);                              \
  g_error_free (_shrbuf_err);                                         \
} G_STMT_END

G_END_DECLS

#endif /* __SHRBUF_ELEMENT_ERROR_H__ */
