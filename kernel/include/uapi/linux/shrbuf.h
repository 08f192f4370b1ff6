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
 * zero. A struct only ever grows at its end. The kernel accepts any size
 * from the struct's first published size (SHRBUF_*_SIZE_V1) up: what the
 * caller did not pass reads as zero, which asks for the old behaviour;
 * bytes beyond the kernel's struct must be zero. It copies back
 * min(its size, the caller's size).
 *
 * ABI 2 added shared holds (SHRBUF_ACQUIRE_SHARED), handle ids, the
 * holders of a slot in the ledger, and SHRBUF_IOC_REVOKE. A new binary
 * learns that the kernel is older from a handle id of 0 (ids start at 1),
 * from EINVAL for SHRBUF_ACQUIRE_SHARED and from ENOTTY for REVOKE.
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

/*
 * Handle ids (POOL_CREATE, POOL_CLONE, QUERY, REVOKE) are 1 to 2^31 - 1,
 * unique among a pool's handles and not reused until that range wraps;
 * 0 is never a handle's id.
 */

/**
 * struct shrbuf_pool_create - SHRBUF_IOC_POOL_CREATE, on /dev/shrbuf
 * @max_slots: in: slots the pool may hold, 1 to the max_slots parameter
 * @flags: in: must be 0
 * @fd: out: the pool handle (O_CLOEXEC)
 * @id: out: the pool's number, as debugfs and the ledger show it
 * @handle_id: out (ABI 2): the new handle's id within the pool
 * @pad: must be 0
 */
struct shrbuf_pool_create {
	__u32 max_slots;
	__u32 flags;
	__s32 fd;
	__u32 id;
	__u32 handle_id;
	__u32 pad;
};

/**
 * struct shrbuf_pool_clone - SHRBUF_IOC_POOL_CLONE, on a pool handle
 * @flags: in: must be 0
 * @fd: out: a new handle for the same pool (O_CLOEXEC), a holder of its own
 * @handle_id: out (ABI 2): the new handle's id within the pool
 * @pad: must be 0
 */
struct shrbuf_pool_clone {
	__u32 flags;
	__s32 fd;
	__u32 handle_id;
	__u32 pad;
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
/*
 * ABI 2: hold the slot (an explicit index only) shared with other handles:
 * allowed while it is unheld or held shared by other handles. A shared
 * hold leaves the slot's state, seq and timestamp as they are; its release
 * must name the slot's current state and zero seq and timestamp_ns.
 */
#define SHRBUF_ACQUIRE_SHARED	0x4u

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
 * The fd that SHRBUF_IOC_ACQUIRE gave stays the caller's to close. The
 * release of a shared hold changes nothing in the slot: @state must be
 * its current state, @seq and @timestamp_ns 0.
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
 *	namespace), 0 when unheld; when held shared, the process whose hold
 *	is the oldest of its current holds
 * @pad: 0
 * @acquire_count: how many times it was acquired
 * @auto_return_count: how many times it came back from a holder that let
 *	go of its handle without releasing it
 * @age_ns: time since it was added, acquired or released, whichever is last
 * @seq: the sequence number of the last release
 * @timestamp_ns: the timestamp of the last release
 * @holders: (ABI 2) how many handles hold it: 0, 1 when held exclusively,
 *	1 or more when held shared
 * @flags: (ABI 2) SHRBUF_SLOT_SHARED while it is held shared
 * @revoke_count: (ABI 2) how many holds of it SHRBUF_IOC_REVOKE returned
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
	__u32 holders;
	__u32 flags;
	__u64 revoke_count;
};

/* shrbuf_slot_info.flags */
#define SHRBUF_SLOT_SHARED	0x1u

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
 * @revoked: out (ABI 2): holds that SHRBUF_IOC_REVOKE returned, in all
 * @handle_id: out (ABI 2): the id of the handle the call was made on
 * @handle_flags: out (ABI 2): SHRBUF_HANDLE_* of that handle
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
	__u64 revoked;
	__u32 handle_id;
	__u32 handle_flags;
};

/* shrbuf_query.handle_flags */
#define SHRBUF_HANDLE_CREATOR	0x1u	/* made by POOL_CREATE: may revoke */
#define SHRBUF_HANDLE_REVOKED	0x2u	/* cut off by SHRBUF_IOC_REVOKE */

/**
 * struct shrbuf_revoke - SHRBUF_IOC_REVOKE (ABI 2), on the handle that
 *	SHRBUF_IOC_POOL_CREATE made
 * @handle_id: in: the id of a handle of a client of the pool
 * @flags: in: must be 0
 * @returned: out: holds returned
 * @pad: must be 0
 *
 * A client is a handle cloned from the creator's handle together with
 * every handle cloned from it, directly or not; its id is the id of that
 * first handle, which names it even after that handle is closed. REVOKE
 * of the id of any handle of a client revokes all its handles: it returns
 * every hold of those handles (exclusive ones in the state they
 * were acquired in, shared ones unchanged) and cuts them off: every call
 * on them but SHRBUF_IOC_QUERY fails with ENOTCONN from then on, and poll()
 * gives POLLHUP | POLLERR. Fds they acquired stay valid: revocation ends
 * the hold, not the access to the memory.
 */
struct shrbuf_revoke {
	__u32 handle_id;
	__u32 flags;
	__u32 returned;
	__u32 pad;
};

/*
 * The first published size of each struct: the smallest the kernel
 * accepts. Older binaries pass these; the kernel reads the rest as zero.
 */
#define SHRBUF_POOL_CREATE_SIZE_V1	16
#define SHRBUF_POOL_CLONE_SIZE_V1	8
#define SHRBUF_ADD_SIZE_V1		32
#define SHRBUF_ACQUIRE_SIZE_V1		40
#define SHRBUF_RELEASE_SIZE_V1		32
#define SHRBUF_QUERY_SIZE_V1		40
#define SHRBUF_REVOKE_SIZE_V2		16
/* struct shrbuf_slot_info as ABI 1 had it (QUERY's entry_size) */
#define SHRBUF_SLOT_INFO_SIZE_V1	120

#define SHRBUF_IOC_MAGIC	'S'
#define SHRBUF_IOC_POOL_CREATE	_IOWR(SHRBUF_IOC_MAGIC, 0x00, struct shrbuf_pool_create)
#define SHRBUF_IOC_POOL_CLONE	_IOWR(SHRBUF_IOC_MAGIC, 0x01, struct shrbuf_pool_clone)
#define SHRBUF_IOC_ADD		_IOWR(SHRBUF_IOC_MAGIC, 0x02, struct shrbuf_add)
#define SHRBUF_IOC_ACQUIRE	_IOWR(SHRBUF_IOC_MAGIC, 0x03, struct shrbuf_acquire)
#define SHRBUF_IOC_RELEASE	_IOWR(SHRBUF_IOC_MAGIC, 0x04, struct shrbuf_release)
#define SHRBUF_IOC_QUERY	_IOWR(SHRBUF_IOC_MAGIC, 0x05, struct shrbuf_query)
#define SHRBUF_IOC_REVOKE	_IOWR(SHRBUF_IOC_MAGIC, 0x06, struct shrbuf_revoke)

#endif /* _UAPI_LINUX_SHRBUF_H */
