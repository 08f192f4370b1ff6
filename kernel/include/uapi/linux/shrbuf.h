/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * shrbuf: lifetime, state and ownership ledger for shared dma-bufs.
 *
 * The ABI of /dev/shrbuf, shared by the kernel module, the GStreamer
 * elements and the tests. docs/kernel-abi.md describes each call.
 *
 * A pool is a set of slots, each holding a reference to a dma-buf that any
 * exporter made. Opening /dev/shrbuf and calling SHRBUF_IOC_POOL_CREATE
 * gives a pool handle: an fd, shared only by passing it (SCM_RIGHTS) or by
 * SHRBUF_IOC_POOL_CLONE. Every other call is made on a pool handle.
 * Acquiring a slot gives a new fd for the same dma-buf file; the acquisition
 * belongs to the handle it was made on and comes back by itself when that
 * handle's file is released (the holder closed it, or died).
 *
 * Every struct has fixed-width fields and explicit padding that must be
 * zero. The kernel copies min(its size, the size in the ioctl number) in
 * and out, so a struct may grow at its end.
 */
#ifndef _UAPI_LINUX_SHRBUF_H
#define _UAPI_LINUX_SHRBUF_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define SHRBUF_DEVICE_NAME	"shrbuf"
#define SHRBUF_TAG_LEN		16
#define SHRBUF_EXPORTER_LEN	32

/* Slot states; a producer fills EMPTY slots, a consumer takes FILLED ones. */
#define SHRBUF_STATE_EMPTY	0
#define SHRBUF_STATE_FILLED	1
#define SHRBUF_STATE_COUNT	2

/* For shrbuf_acquire.index: any unheld slot in the wanted state. */
#define SHRBUF_SLOT_ANY		0xffffffffu

/**
 * struct shrbuf_pool_create - SHRBUF_IOC_POOL_CREATE, on /dev/shrbuf
 * @max_slots: in: slots the pool may hold, 1 to the max_slots parameter
 * @flags: in: must be 0
 * @fd: out: the pool handle (O_CLOEXEC)
 * @id: out: the pool's number, as debugfs and the ledger show it
 */
struct shrbuf_pool_create {
	__u32 max_slots;
	__u32 flags;
	__s32 fd;
	__u32 id;
};

/**
 * struct shrbuf_pool_clone - SHRBUF_IOC_POOL_CLONE, on a pool handle
 * @flags: in: must be 0
 * @fd: out: a new handle for the same pool (O_CLOEXEC), a holder of its own
 */
struct shrbuf_pool_clone {
	__u32 flags;
	__s32 fd;
};

/**
 * struct shrbuf_add - SHRBUF_IOC_ADD
 * @fd: in: a dma-buf fd; the pool takes its own reference
 * @state: in: the slot's first state (SHRBUF_STATE_*)
 * @tag: in: a short name for the ledger, NUL-padded; need not end in NUL
 * @index: out: the new slot's index
 * @pad: must be 0
 */
struct shrbuf_add {
	__s32 fd;
	__u32 state;
	char tag[SHRBUF_TAG_LEN];
	__u32 index;
	__u32 pad;
};

/* shrbuf_acquire.flags */
#define SHRBUF_ACQUIRE_NONBLOCK	0x1u
/* Hold the slot without a new fd (for a holder that has the buffer already): @fd is -1. */
#define SHRBUF_ACQUIRE_NO_FD	0x2u

/**
 * struct shrbuf_acquire - SHRBUF_IOC_ACQUIRE
 * @index: in: a slot, or SHRBUF_SLOT_ANY; out: the slot acquired
 * @state: in: with SHRBUF_SLOT_ANY, the wanted state (slots come oldest
 *	release first), else 0; out: the slot's state
 * @flags: in: SHRBUF_ACQUIRE_*
 * @fd: out: a new fd (O_CLOEXEC) for the slot's dma-buf file; -1 with
 *	SHRBUF_ACQUIRE_NO_FD
 * @timeout_ns: in: with SHRBUF_SLOT_ANY, how long to wait for a slot:
 *	< 0 for ever, 0 not at all
 * @seq: out: the sequence number of the last release
 * @timestamp_ns: out: the timestamp of the last release
 */
struct shrbuf_acquire {
	__u32 index;
	__u32 state;
	__u32 flags;
	__s32 fd;
	__s64 timeout_ns;
	__u64 seq;
	__u64 timestamp_ns;
};

/**
 * struct shrbuf_release - SHRBUF_IOC_RELEASE
 * @index: in: a slot this handle holds
 * @state: in: its new state (SHRBUF_STATE_*)
 * @seq: in: a sequence number, kept for the next acquirer and the ledger
 * @timestamp_ns: in: a timestamp, likewise
 * @flags: in: must be 0
 * @pad: must be 0
 *
 * The fd that SHRBUF_IOC_ACQUIRE gave stays the caller's to close.
 */
struct shrbuf_release {
	__u32 index;
	__u32 state;
	__u64 seq;
	__u64 timestamp_ns;
	__u32 flags;
	__u32 pad;
};

/**
 * struct shrbuf_slot_info - one slot in the ledger
 * @inode: the dma-buf's inode number (as fstat() on its fd shows)
 * @size: the dma-buf's size in bytes
 * @exporter: the exporter's name, NUL-terminated
 * @tag: the tag given to SHRBUF_IOC_ADD, NUL-padded
 * @index: the slot's index
 * @state: SHRBUF_STATE_*
 * @holder_tgid: the process holding it (its tgid in the caller's pid
 *	namespace), 0 when unheld
 * @pad: 0
 * @acquire_count: how many times it was acquired
 * @auto_return_count: how many times it came back from a holder that let
 *	go of its handle without releasing it
 * @age_ns: time since it was added, acquired or released, whichever is last
 * @seq: the sequence number of the last release
 * @timestamp_ns: the timestamp of the last release
 */
struct shrbuf_slot_info {
	__u64 inode;
	__u64 size;
	char exporter[SHRBUF_EXPORTER_LEN];
	char tag[SHRBUF_TAG_LEN];
	__u32 index;
	__u32 state;
	__s32 holder_tgid;
	__u32 pad;
	__u64 acquire_count;
	__u64 auto_return_count;
	__u64 age_ns;
	__u64 seq;
	__u64 timestamp_ns;
};

/**
 * struct shrbuf_query - SHRBUF_IOC_QUERY
 * @slots_ptr: in: a user pointer to @count entries of @entry_size bytes,
 *	or 0 to learn only the counts
 * @count: in: entries the array holds; out: slots in the pool
 * @entry_size: in: sizeof(struct shrbuf_slot_info) as the caller knows it
 *	(at least up to @age_ns); out: as the kernel knows it
 * @id: out: the pool's number
 * @max_slots: out: the pool's limit
 * @held: out: slots held now
 * @pad: must be 0
 * @auto_returned: out: acquisitions that came back by themselves, in all
 */
struct shrbuf_query {
	__u64 slots_ptr;
	__u32 count;
	__u32 entry_size;
	__u32 id;
	__u32 max_slots;
	__u32 held;
	__u32 pad;
	__u64 auto_returned;
};

#define SHRBUF_IOC_MAGIC	'S'
#define SHRBUF_IOC_POOL_CREATE	_IOWR(SHRBUF_IOC_MAGIC, 0x00, struct shrbuf_pool_create)
#define SHRBUF_IOC_POOL_CLONE	_IOWR(SHRBUF_IOC_MAGIC, 0x01, struct shrbuf_pool_clone)
#define SHRBUF_IOC_ADD		_IOWR(SHRBUF_IOC_MAGIC, 0x02, struct shrbuf_add)
#define SHRBUF_IOC_ACQUIRE	_IOWR(SHRBUF_IOC_MAGIC, 0x03, struct shrbuf_acquire)
#define SHRBUF_IOC_RELEASE	_IOWR(SHRBUF_IOC_MAGIC, 0x04, struct shrbuf_release)
#define SHRBUF_IOC_QUERY	_IOWR(SHRBUF_IOC_MAGIC, 0x05, struct shrbuf_query)

#endif /* _UAPI_LINUX_SHRBUF_H */
