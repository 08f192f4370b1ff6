/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * shrbuf: lifetime, state and ownership ledger for shared dma-bufs.
 *
 * The ABI of /dev/shrbuf, shared by the kernel module, the GStreamer
 * elements and the tests.
 */
#ifndef _UAPI_LINUX_SHRBUF_H
#define _UAPI_LINUX_SHRBUF_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define SHRBUF_DEVICE_NAME	"shrbuf"
#define SHRBUF_IOC_MAGIC	'S'

#endif /* _UAPI_LINUX_SHRBUF_H */
