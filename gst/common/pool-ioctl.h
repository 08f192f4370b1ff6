/* gst-shrbuf: user-space client of /dev/shrbuf
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Thin wrappers over the shrbuf ioctls (kernel/include/uapi/linux/shrbuf.h,
 * docs/kernel-abi.md). Plain C, no GLib, so that tests and tools can use it
 * too. Every call returns a value >= 0 on success and -errno on failure;
 * fds it returns are O_CLOEXEC and the caller's to close. */

#ifndef __SHRBUF_POOL_IOCTL_H__
#define __SHRBUF_POOL_IOCTL_H__

#include <stdint.h>
#include <linux/shrbuf.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SHRBUF_POOL_DEVICE "/dev/" SHRBUF_DEVICE_NAME

int shrbuf_pool_ioctl_open (void);
int shrbuf_pool_ioctl_create (int dev, uint32_t max_slots, uint32_t * id);
int shrbuf_pool_ioctl_clone (int pool);
int shrbuf_pool_ioctl_add (int pool, int dmabuf_fd, uint32_t state,
    const char *tag, uint32_t * index);
/* With SHRBUF_ACQUIRE_NO_FD in @flags, 0 on success (no fd is made). */
int shrbuf_pool_ioctl_acquire (int pool, uint32_t index, uint32_t state,
    uint32_t flags, int64_t timeout_ns, struct shrbuf_acquire *result);
int shrbuf_pool_ioctl_release (int pool, uint32_t index, uint32_t state,
    uint64_t seq, uint64_t timestamp_ns);
int shrbuf_pool_ioctl_query (int pool, struct shrbuf_slot_info *slots,
    uint32_t capacity, struct shrbuf_query *result);

/* ABI 2 (docs/kernel-abi.md, "ABI versions") */

/* A clone and its handle id (0 from a kernel without handle ids). */
int shrbuf_pool_ioctl_clone_id (int pool, uint32_t * handle_id);
/* The id of @pool's handle (from QUERY): > 0, or -errno; 0 from a kernel
 * without handle ids. */
int shrbuf_pool_ioctl_handle_id (int pool);
/* A shared hold of slot @index (SHRBUF_ACQUIRE_SHARED added to @flags):
 * the fd, or 0 with SHRBUF_ACQUIRE_NO_FD. */
int shrbuf_pool_ioctl_acquire_shared (int pool, uint32_t index,
    uint32_t flags, struct shrbuf_acquire *result);
/* The release of a shared hold as @acquired describes it: its index and
 * the state it saw (a shared hold changes nothing), seq and timestamp 0. */
void shrbuf_pool_ioctl_shared_release_arg (const struct shrbuf_acquire
    *acquired, struct shrbuf_release *arg);
int shrbuf_pool_ioctl_release_shared (int pool,
    const struct shrbuf_acquire *acquired);
/* Revokes the client @handle_id names (on the creator's handle only);
 * @returned (may be NULL) gets the count of holds returned. */
int shrbuf_pool_ioctl_revoke (int pool, uint32_t handle_id,
    uint32_t * returned);

#ifdef __cplusplus
}
#endif

#endif /* __SHRBUF_POOL_IOCTL_H__ */
