/* gst-shrbuf: a system call retried while a signal interrupts it
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SHRBUF_RETRY_H__
#define __SHRBUF_RETRY_H__

#include <errno.h>

/* Evaluates @call (a system call returning < 0 with errno set when it
 * fails) again while it fails with EINTR; its value is the last call's.
 * Plain C (GNU statement expression), for the tools too. */
#define SHRBUF_RETRY_EINTR(call) __extension__ ({                      \
  long _shrbuf_ret;                                                    \
  do                                                                   \
    _shrbuf_ret = (long) (call);                                       \
  while (_shrbuf_ret < 0 && errno == EINTR);                           \
  _shrbuf_ret;                                                         \
})

#endif /* __SHRBUF_RETRY_H__ */
