/* gst-shrbuf: the shrbuf ioctl wrappers' pure logic (gst/common/pool-ioctl.c)
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * Without the module: the first published struct sizes against the
 * layout of the uapi header, the argument of a shared release, and the
 * -errno of the ABI 2 wrappers on fds that are no pool handle. The calls
 * themselves are tested in the VM (tests/vm/cases/26-kernel-shared.sh,
 * 27-kernel-revoke.sh, 28-kernel-sizes.sh).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <unistd.h>

#include "pool-ioctl.h"

#define END_OF(type, field) (offsetof (type, field) + sizeof ((type *) 0)->field)

/* Each first published size ends where the ABI 1 struct ended, and every
 * field added since lies past it: an ABI 1 caller never passes half of a
 * new field, and its outputs are all within what it passed. */
GST_START_TEST (test_first_sizes)
{
  fail_unless_equals_int (SHRBUF_POOL_CREATE_SIZE_V1,
      END_OF (struct shrbuf_pool_create, id));
  fail_unless_equals_int (SHRBUF_POOL_CREATE_SIZE_V1,
      offsetof (struct shrbuf_pool_create, handle_id));
  fail_unless_equals_int (SHRBUF_POOL_CLONE_SIZE_V1,
      END_OF (struct shrbuf_pool_clone, fd));
  fail_unless_equals_int (SHRBUF_POOL_CLONE_SIZE_V1,
      offsetof (struct shrbuf_pool_clone, handle_id));
  fail_unless_equals_int (SHRBUF_ADD_SIZE_V1, sizeof (struct shrbuf_add));
  fail_unless_equals_int (SHRBUF_ACQUIRE_SIZE_V1,
      sizeof (struct shrbuf_acquire));
  fail_unless_equals_int (SHRBUF_RELEASE_SIZE_V1,
      sizeof (struct shrbuf_release));
  fail_unless_equals_int (SHRBUF_QUERY_SIZE_V1,
      END_OF (struct shrbuf_query, auto_returned));
  fail_unless_equals_int (SHRBUF_QUERY_SIZE_V1,
      offsetof (struct shrbuf_query, revoked));
  fail_unless_equals_int (SHRBUF_REVOKE_SIZE_V2,
      sizeof (struct shrbuf_revoke));
  fail_unless_equals_int (SHRBUF_SLOT_INFO_SIZE_V1,
      offsetof (struct shrbuf_slot_info, holders));
  /* ABI 2's sizes, as docs/kernel-abi.md gives them. */
  fail_unless_equals_int (sizeof (struct shrbuf_pool_create), 24);
  fail_unless_equals_int (sizeof (struct shrbuf_pool_clone), 16);
  fail_unless_equals_int (sizeof (struct shrbuf_query), 56);
  fail_unless_equals_int (sizeof (struct shrbuf_slot_info), 136);
  /* The ioctl numbers carry the kernel's sizes. */
  fail_unless_equals_int (_IOC_SIZE (SHRBUF_IOC_POOL_CREATE), 24);
  fail_unless_equals_int (_IOC_NR (SHRBUF_IOC_REVOKE), 0x06);
  fail_unless_equals_int (_IOC_DIR (SHRBUF_IOC_REVOKE),
      _IOC_READ | _IOC_WRITE);
}

GST_END_TEST;

/* A shared hold's release repeats the state it saw and nothing else. */
GST_START_TEST (test_shared_release_arg)
{
  struct shrbuf_acquire acq = {.index = 3,.state = SHRBUF_STATE_FILLED,
    .flags = SHRBUF_ACQUIRE_SHARED,.fd = 7,.timeout_ns = -1,.seq = 41,
    .timestamp_ns = 1000
  };
  struct shrbuf_release rel;

  memset (&rel, 0xa5, sizeof rel);
  shrbuf_pool_ioctl_shared_release_arg (&acq, &rel);
  fail_unless_equals_int (rel.index, 3);
  fail_unless_equals_int (rel.state, SHRBUF_STATE_FILLED);
  fail_unless (rel.seq == 0 && rel.timestamp_ns == 0);
  fail_unless_equals_int (rel.flags, 0);
  fail_unless_equals_int (rel.pad, 0);
}

GST_END_TEST;

/* The wrappers give -errno: a closed fd is EBADF, a file that is no pool
 * handle ENOTTY, and nothing is written on failure. */
GST_START_TEST (test_wrappers_errno)
{
  struct shrbuf_acquire acq = {.index = 99 };
  uint32_t id = 77, returned = 77;
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);

  fail_unless (null >= 0);
  fail_unless_equals_int (shrbuf_pool_ioctl_clone_id (-1, &id), -EBADF);
  fail_unless_equals_int (shrbuf_pool_ioctl_handle_id (-1), -EBADF);
  fail_unless_equals_int (shrbuf_pool_ioctl_revoke (-1, 1, &returned),
      -EBADF);
  fail_unless_equals_int (shrbuf_pool_ioctl_clone_id (null, &id), -ENOTTY);
  fail_unless_equals_int (shrbuf_pool_ioctl_handle_id (null), -ENOTTY);
  fail_unless_equals_int (shrbuf_pool_ioctl_acquire_shared (null, 0,
          SHRBUF_ACQUIRE_NO_FD, &acq), -ENOTTY);
  fail_unless_equals_int (shrbuf_pool_ioctl_release_shared (null, &acq),
      -ENOTTY);
  fail_unless_equals_int (shrbuf_pool_ioctl_revoke (null, 1, &returned),
      -ENOTTY);
  fail_unless_equals_int (id, 77);
  fail_unless_equals_int (returned, 77);
  fail_unless_equals_int (acq.index, 99);
  close (null);
}

GST_END_TEST;

static Suite *
pool_ioctl_suite (void)
{
  Suite *s = suite_create ("pool-ioctl");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_first_sizes);
  tcase_add_test (tc, test_shared_release_arg);
  tcase_add_test (tc, test_wrappers_errno);
  return s;
}

GST_CHECK_MAIN (pool_ioctl);
