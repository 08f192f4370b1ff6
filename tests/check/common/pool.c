/* gst-shrbuf: the elements' shrbuf pool (gst/common/pool.c) without the module
 * Copyright (C) 2026 gst-shrbuf contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * What the pool calls do where /dev/shrbuf does not exist (the host
 * tests never load the module); with the module they are tested in the VM
 * (tests/vm/cases/37-src-pool.sh, 52-e2e-pool.sh).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pool.h"
#include "pool-ioctl.h"

static gboolean
fd_is_open (gint fd)
{
  return fcntl (fd, F_GETFD) != -1 || errno != EBADF;
}

/* No module: no pool, the error says why (G_FILE_ERROR_NOENT from the
 * open of /dev/shrbuf), and the caller's fds are left as they were. */
GST_START_TEST (test_new_without_module)
{
  GError *err = NULL;
  gint fds[2];

  if (g_file_test (SHRBUF_POOL_DEVICE, G_FILE_TEST_EXISTS)) {
    g_print ("SKIP: " SHRBUF_POOL_DEVICE " exists on this machine\n");
    return;
  }
  fds[0] = memfd_create ("shrbuf-pool-test", MFD_CLOEXEC);
  fds[1] = memfd_create ("shrbuf-pool-test", MFD_CLOEXEC);
  fail_unless (fds[0] >= 0 && fds[1] >= 0);

  fail_unless (shrbuf_pool_new_recording ("shrbufsrc", fds, 2, &err) == NULL);
  fail_unless (g_error_matches (err, G_FILE_ERROR, G_FILE_ERROR_NOENT),
      "%s", err ? err->message : "no error");
  fail_unless_equals_string (err->message,
      "open " SHRBUF_POOL_DEVICE " failed: No such file or directory");
  g_clear_error (&err);
  /* Without an error to fill in: the same NULL. */
  fail_unless (shrbuf_pool_new_recording ("shrbufsrc", fds, 2, NULL) == NULL);
  fail_unless (fd_is_open (fds[0]) && fd_is_open (fds[1]));
  close (fds[0]);
  close (fds[1]);
}

GST_END_TEST;

/* An element without a pool calls it all the same: nothing happens. */
GST_START_TEST (test_null_pool)
{
  GError *err = NULL;

  fail_if (shrbuf_pool_hold_empty (NULL, 0));
  fail_if (shrbuf_pool_mark_filled (NULL, 0, 1, 2));

  fail_if (shrbuf_pool_hold (NULL, 0, TRUE, &err));
  fail_unless (g_error_matches (err, G_FILE_ERROR, G_FILE_ERROR_BADF));
  fail_unless_equals_string (err->message,
      "SHRBUF_IOC_ACQUIRE failed: Bad file descriptor");
  g_clear_error (&err);
  fail_if (shrbuf_pool_release (NULL, 0, SHRBUF_STATE_EMPTY, 0, 0, &err));
  fail_unless (g_error_matches (err, G_FILE_ERROR, G_FILE_ERROR_BADF));
  g_clear_error (&err);
  fail_if (shrbuf_pool_hold (NULL, 0, FALSE, NULL));

  fail_unless (shrbuf_pool_ref (NULL) == NULL);
  shrbuf_pool_close (NULL);
  shrbuf_pool_unref (NULL);
}

GST_END_TEST;

static Suite *
pool_suite (void)
{
  Suite *s = suite_create ("shrbuf-pool");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_new_without_module);
  tcase_add_test (tc, test_null_pool);
  return s;
}

GST_CHECK_MAIN (pool);
