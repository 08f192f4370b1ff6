/* gst-shrbuf: user-space client of /dev/shrbuf
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#include "pool-ioctl.h"
#include "retry.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* A blocking ACQUIRE is not restarted: its -EINTR goes to the caller. */
static int
xioctl (int fd, unsigned long cmd, void *arg)
{
  int ret = cmd == SHRBUF_IOC_ACQUIRE ? ioctl (fd, cmd, arg) :
      (int) SHRBUF_RETRY_EINTR (ioctl (fd, cmd, arg));

  return ret < 0 ? -errno : ret;
}

int
shrbuf_pool_ioctl_open (void)
{
  int fd = open (SHRBUF_POOL_DEVICE, O_RDWR | O_CLOEXEC);

  return fd < 0 ? -errno : fd;
}

int
shrbuf_pool_ioctl_create (int dev, uint32_t max_slots, uint32_t * id)
{
  struct shrbuf_pool_create arg = {.max_slots = max_slots };
  int ret = xioctl (dev, SHRBUF_IOC_POOL_CREATE, &arg);

  if (ret < 0)
    return ret;
  if (id)
    *id = arg.id;
  return arg.fd;
}

int
shrbuf_pool_ioctl_clone (int pool)
{
  struct shrbuf_pool_clone arg = { 0 };
  int ret = xioctl (pool, SHRBUF_IOC_POOL_CLONE, &arg);

  return ret < 0 ? ret : arg.fd;
}

int
shrbuf_pool_ioctl_add (int pool, int dmabuf_fd, uint32_t state, const char *tag,
    uint32_t * index)
{
  struct shrbuf_add arg = {.fd = dmabuf_fd,.state = state };
  int ret;

  /* NUL-padded; a tag of all 16 bytes needs no NUL. */
  if (tag)
    memcpy (arg.tag, tag, strnlen (tag, sizeof arg.tag));
  ret = xioctl (pool, SHRBUF_IOC_ADD, &arg);
  if (ret < 0)
    return ret;
  if (index)
    *index = arg.index;
  return 0;
}

/* A blocking acquire interrupted by a signal returns -EINTR rather than
 * starting its timeout again. */
int
shrbuf_pool_ioctl_acquire (int pool, uint32_t index, uint32_t state,
    uint32_t flags, int64_t timeout_ns, struct shrbuf_acquire *result)
{
  struct shrbuf_acquire arg = {.index = index,.state = state,.flags = flags,
    .timeout_ns = timeout_ns
  };
  int ret = xioctl (pool, SHRBUF_IOC_ACQUIRE, &arg);

  if (ret < 0)
    return ret;
  if (result)
    *result = arg;
  return (flags & SHRBUF_ACQUIRE_NO_FD) ? 0 : arg.fd;
}

int
shrbuf_pool_ioctl_release (int pool, uint32_t index, uint32_t state,
    uint64_t seq, uint64_t timestamp_ns)
{
  struct shrbuf_release arg = {.index = index,.state = state,.seq = seq,
    .timestamp_ns = timestamp_ns
  };

  return xioctl (pool, SHRBUF_IOC_RELEASE, &arg);
}

int
shrbuf_pool_ioctl_query (int pool, struct shrbuf_slot_info *slots,
    uint32_t capacity, struct shrbuf_query *result)
{
  struct shrbuf_query arg = {.slots_ptr = (uintptr_t) slots,
    .count = slots ? capacity : 0,.entry_size = sizeof (*slots)
  };
  int ret = xioctl (pool, SHRBUF_IOC_QUERY, &arg);

  if (ret < 0)
    return ret;
  if (result)
    *result = arg;
  return 0;
}

int
shrbuf_pool_ioctl_clone_id (int pool, uint32_t * handle_id)
{
  struct shrbuf_pool_clone arg = { 0 };
  int ret = xioctl (pool, SHRBUF_IOC_POOL_CLONE, &arg);

  if (ret < 0)
    return ret;
  if (handle_id)
    *handle_id = arg.handle_id;
  return arg.fd;
}

int
shrbuf_pool_ioctl_handle_id (int pool)
{
  struct shrbuf_query arg = { 0 };
  int ret = xioctl (pool, SHRBUF_IOC_QUERY, &arg);

  return ret < 0 ? ret : (int) arg.handle_id;
}

int
shrbuf_pool_ioctl_acquire_shared (int pool, uint32_t index, uint32_t flags,
    struct shrbuf_acquire *result)
{
  return shrbuf_pool_ioctl_acquire (pool, index, 0,
      flags | SHRBUF_ACQUIRE_SHARED, 0, result);
}

void
shrbuf_pool_ioctl_shared_release_arg (const struct shrbuf_acquire *acquired,
    struct shrbuf_release *arg)
{
  memset (arg, 0, sizeof *arg);
  arg->index = acquired->index;
  arg->state = acquired->state;
}

int
shrbuf_pool_ioctl_release_shared (int pool,
    const struct shrbuf_acquire *acquired)
{
  struct shrbuf_release arg;

  shrbuf_pool_ioctl_shared_release_arg (acquired, &arg);
  return xioctl (pool, SHRBUF_IOC_RELEASE, &arg);
}

int
shrbuf_pool_ioctl_revoke (int pool, uint32_t handle_id, uint32_t * returned)
{
  struct shrbuf_revoke arg = {.handle_id = handle_id };
  int ret = xioctl (pool, SHRBUF_IOC_REVOKE, &arg);

  if (ret < 0)
    return ret;
  if (returned)
    *returned = arg.returned;
  return 0;
}
