// SPDX-License-Identifier: GPL-2.0
/*
 * shrbuf: lifetime, state and ownership ledger for shared dma-bufs.
 *
 * Pools, slots, states, waits and the automatic return of what a holder
 * let go of without releasing.
 *
 * Lifetimes:
 * - A pool lives while any handle on it exists: every handle file holds one
 *   reference (pool->ref) and counts in pool->handles, from the moment it
 *   is made until its release.
 * - A slot's dma-buf lives at least as long as the pool: the pool takes its
 *   own reference in ADD and drops it when the pool is freed.
 * - An acquired fd holds a reference of its own, taken in ACQUIRE and
 *   handed to the caller's fd table; the caller closes it.
 * - An acquisition belongs to the handle it was made on; releasing that
 *   handle's file returns it. REVOKE returns it too, and cuts the handle
 *   off, but leaves the fd it gave alone: that fd's reference is the
 *   caller's.
 *
 * Holds: each acquisition is a struct shrbuf_hold, linked both in its
 * slot's list and in its handle's. A slot is held either by one handle
 * (exclusive) or by any number of handles (shared), never by the same
 * handle twice; so a handle has at most nslots holds and a slot at most one
 * per handle. Acquire, release and the checks behind them walk one slot's
 * holds; the return of a handle's holds walks that handle's.
 */

#include <linux/anon_inodes.h>
#include <linux/dma-buf.h>
#include <linux/file.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "shrbuf.h"

struct shrbuf_opener {
	struct kref ref;	/* the device file, and each pool it created */
	atomic_t pools;
};

struct shrbuf_slot {
	struct dma_buf *dmabuf;		/* the pool's own reference */
	struct list_head free_node;	/* in pool->free[state] while unheld */
	struct list_head holds;		/* struct shrbuf_hold, oldest first */
	u32 holders;			/* entries in holds */
	bool shared;			/* held shared; only while holders > 0 */
	char tag[SHRBUF_TAG_LEN];
	u32 state;
	u64 acquire_count;
	u64 auto_return_count;
	u64 revoke_count;
	u64 seq;
	u64 timestamp_ns;
	ktime_t changed;
};

struct shrbuf_pool {
	struct kref ref;		/* one per handle file */
	struct mutex lock;		/* everything below */
	wait_queue_head_t wq;
	u32 id;
	u32 max_slots;
	u32 nslots;
	u32 held;
	u32 handles;			/* handle files not yet released */
	u64 auto_returned;
	u64 revoked;			/* holds returned by REVOKE */
	struct xarray handle_ids;	/* id -> struct shrbuf_handle */
	u32 next_handle_id;		/* for xa_alloc_cyclic() */
	struct shrbuf_slot *slots;	/* max_slots entries */
	struct list_head free[SHRBUF_STATE_COUNT];
	struct shrbuf_opener *opener;	/* counted; for the max_pools limit */
	struct pid *creator;
	struct list_head node;		/* in shrbuf_pools */
};

/*
 * A pool handle. Everything but @pool and @maker is under pool->lock;
 * @revoked is also read without it, as a hint (READ_ONCE), and is never
 * cleared once set.
 */
struct shrbuf_handle {
	struct shrbuf_pool *pool;	/* counted */
	struct list_head holds;		/* struct shrbuf_hold, by handle_node */
	u32 nholds;			/* entries in holds */
	u32 id;				/* its entry in pool->handle_ids */
	u32 client;			/* the id of its client's first handle */
	bool creator;			/* made by POOL_CREATE */
	bool revoked;
	struct pid *maker;		/* the tgid that made it, counted */
};

/* One handle's hold on one slot; under pool->lock. */
struct shrbuf_hold {
	struct list_head slot_node;	/* in slot->holds */
	struct list_head handle_node;	/* in handle->holds */
	struct shrbuf_slot *slot;
	struct shrbuf_handle *handle;
	struct pid *pid;		/* the acquirer's tgid, counted */
};

#define SHRBUF_ACQUIRE_FLAGS \
	(SHRBUF_ACQUIRE_NONBLOCK | SHRBUF_ACQUIRE_NO_FD | SHRBUF_ACQUIRE_SHARED)

static LIST_HEAD(shrbuf_pools);
static DEFINE_MUTEX(shrbuf_pools_lock);
static DEFINE_IDA(shrbuf_pool_ida);

static const char * const shrbuf_state_names[SHRBUF_STATE_COUNT] = {
	[SHRBUF_STATE_EMPTY] = "empty",
	[SHRBUF_STATE_FILLED] = "filled",
};

struct shrbuf_opener *shrbuf_opener_new(void)
{
	struct shrbuf_opener *opener = kzalloc(sizeof(*opener), GFP_KERNEL);

	if (!opener)
		return NULL;
	kref_init(&opener->ref);
	atomic_set(&opener->pools, 0);
	return opener;
}

static void shrbuf_opener_free(struct kref *ref)
{
	kfree(container_of(ref, struct shrbuf_opener, ref));
}

void shrbuf_opener_put(struct shrbuf_opener *opener)
{
	kref_put(&opener->ref, shrbuf_opener_free);
}

/* Called with shrbuf_pools_lock held (kref_put_mutex), which it drops. */
static void shrbuf_pool_free(struct kref *ref)
	__releases(&shrbuf_pools_lock)
{
	struct shrbuf_pool *pool = container_of(ref, struct shrbuf_pool, ref);
	u32 i;

	list_del(&pool->node);
	mutex_unlock(&shrbuf_pools_lock);

	/* No handle is left, so no hold either. */
	WARN_ON_ONCE(pool->held || !xa_empty(&pool->handle_ids));
	xa_destroy(&pool->handle_ids);
	for (i = 0; i < pool->nslots; i++)
		dma_buf_put(pool->slots[i].dmabuf);
	kvfree(pool->slots);
	atomic_dec(&pool->opener->pools);
	shrbuf_opener_put(pool->opener);
	put_pid(pool->creator);
	ida_free(&shrbuf_pool_ida, pool->id);
	mutex_destroy(&pool->lock);
	kfree(pool);
}

static void shrbuf_pool_wake(struct shrbuf_pool *pool)
{
	wake_up_interruptible_poll(&pool->wq, EPOLLIN | EPOLLOUT);
}

/* @handle's hold on @slot, or NULL: O(holders of the slot). */
static struct shrbuf_hold *shrbuf_slot_hold(struct shrbuf_slot *slot,
					    struct shrbuf_handle *handle)
{
	struct shrbuf_hold *hold;

	list_for_each_entry(hold, &slot->holds, slot_node)
		if (hold->handle == handle)
			return hold;
	return NULL;
}

/* The oldest of the slot's holds, or NULL when it is unheld. */
static struct shrbuf_hold *shrbuf_slot_first_hold(const struct shrbuf_slot *slot)
{
	if (list_empty(&slot->holds))
		return NULL;
	return list_first_entry(&slot->holds, struct shrbuf_hold, slot_node);
}

/* Makes @hold (allocated by the caller, owned by the pool from here) @handle's hold on @slot. */
static void shrbuf_hold_add(struct shrbuf_pool *pool, struct shrbuf_slot *slot,
			    struct shrbuf_handle *handle,
			    struct shrbuf_hold *hold, bool shared)
{
	lockdep_assert_held(&pool->lock);
	hold->slot = slot;
	hold->handle = handle;
	hold->pid = get_task_pid(current, PIDTYPE_TGID);
	if (!slot->holders++) {
		list_del_init(&slot->free_node);
		slot->shared = shared;
		pool->held++;
	}
	list_add_tail(&hold->slot_node, &slot->holds);
	list_add_tail(&hold->handle_node, &handle->holds);
	handle->nholds++;
	slot->acquire_count++;
	slot->changed = ktime_get();
}

/*
 * Ends @hold and frees it. Returns true when that made its slot unheld: the
 * slot is then free in its current state, and the caller wakes the pool.
 */
static bool shrbuf_hold_drop(struct shrbuf_pool *pool, struct shrbuf_hold *hold)
{
	struct shrbuf_slot *slot = hold->slot;

	lockdep_assert_held(&pool->lock);
	list_del(&hold->slot_node);
	list_del(&hold->handle_node);
	hold->handle->nholds--;
	put_pid(hold->pid);
	kfree(hold);
	slot->changed = ktime_get();
	if (--slot->holders)
		return false;
	slot->shared = false;
	pool->held--;
	list_add_tail(&slot->free_node, &pool->free[slot->state]);
	return true;
}

/*
 * The last close of a handle file: whatever it still holds comes back
 * with the state it was acquired in, and is counted.
 *
 * Whether it is the pool's last handle is decided under pool->lock from
 * pool->handles, not from pool->ref: a new handle is made only through an
 * open one (or by POOL_CREATE, before the pool has any), so once the count
 * reaches 0 here no other handle exists or can appear, whatever runs
 * concurrently.
 */
static int shrbuf_handle_release(struct inode *inode, struct file *file)
{
	struct shrbuf_handle *handle = file->private_data;
	struct shrbuf_pool *pool = handle->pool;
	struct shrbuf_hold *hold, *tmp;
	bool last, freed = false;
	u32 returned = 0;

	mutex_lock(&pool->lock);
	last = --pool->handles == 0;
	xa_erase(&pool->handle_ids, handle->id);
	/* O(its holds): a shared hold comes back like an exclusive one. */
	list_for_each_entry_safe(hold, tmp, &handle->holds, handle_node) {
		struct shrbuf_slot *slot = hold->slot;

		if (last)
			pr_warn("pool %u destroyed while slot %td (%.*s) was held by tgid %d\n",
				pool->id, slot - pool->slots, SHRBUF_TAG_LEN,
				slot->tag, pid_nr(hold->pid));
		slot->auto_return_count++;
		pool->auto_returned++;
		returned++;
		freed |= shrbuf_hold_drop(pool, hold);
	}
	mutex_unlock(&pool->lock);

	if (returned)
		pr_info_ratelimited("pool %u: %u slot(s) came back from a closed handle\n",
				    pool->id, returned);
	if (freed)
		shrbuf_pool_wake(pool);
	put_pid(handle->maker);
	kfree(handle);
	/* The handle's pool reference goes last; it may free the pool. */
	kref_put_mutex(&pool->ref, shrbuf_pool_free, &shrbuf_pools_lock);
	return 0;
}

static __poll_t shrbuf_handle_poll(struct file *file, poll_table *wait)
{
	struct shrbuf_handle *handle = file->private_data;
	struct shrbuf_pool *pool = handle->pool;
	__poll_t mask = 0;

	poll_wait(file, &pool->wq, wait);
	mutex_lock(&pool->lock);
	if (handle->revoked) {
		/* Cut off: nothing this handle could acquire, for good. */
		mask = EPOLLHUP | EPOLLERR;
	} else {
		if (!list_empty(&pool->free[SHRBUF_STATE_FILLED]))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!list_empty(&pool->free[SHRBUF_STATE_EMPTY]))
			mask |= EPOLLOUT | EPOLLWRNORM;
	}
	mutex_unlock(&pool->lock);
	return mask;
}

static const struct file_operations shrbuf_handle_fops = {
	.owner = THIS_MODULE,
	.release = shrbuf_handle_release,
	.poll = shrbuf_handle_poll,
	.unlocked_ioctl = shrbuf_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

bool shrbuf_is_pool_file(struct file *file)
{
	return file->f_op == &shrbuf_handle_fops;
}

static struct shrbuf_handle *shrbuf_handle(struct file *file)
{
	return file->private_data;
}

/*
 * A new handle file on @pool, its fd reserved but not installed: the caller
 * copies its result out first and then installs it, so that a failed copy
 * leaves no fd behind. The file owns a pool reference and counts in
 * pool->handles; its release gives both back. @parent is the handle it is
 * cloned from, NULL for POOL_CREATE's (the creator's) handle.
 */
static struct file *shrbuf_handle_new(struct shrbuf_pool *pool,
				      struct shrbuf_handle *parent, int *fd)
{
	struct shrbuf_handle *handle;
	struct file *file;
	int ret;

	handle = kzalloc(sizeof(*handle), GFP_KERNEL_ACCOUNT);
	if (!handle)
		return ERR_PTR(-ENOMEM);
	handle->pool = pool;
	INIT_LIST_HEAD(&handle->holds);
	handle->creator = !parent;
	handle->maker = get_task_pid(current, PIDTYPE_TGID);

	/*
	 * Under the lock, so that a revoked handle cannot clone itself out of
	 * its revocation: REVOKE either sees the new handle or makes this
	 * check fail.
	 */
	mutex_lock(&pool->lock);
	if (parent && parent->revoked) {
		ret = -ENOTCONN;
		goto err_unlock;
	}
	/* Cyclic: an id a creator still remembers is not another handle's soon. */
	ret = xa_alloc_cyclic(&pool->handle_ids, &handle->id, handle,
			      XA_LIMIT(1, INT_MAX), &pool->next_handle_id,
			      GFP_KERNEL_ACCOUNT);
	if (ret < 0) {
		if (ret == -EBUSY)
			ret = -EMFILE;
		goto err_unlock;
	}
	/* A clone of the creator's handle is a new client; others join their parent's. */
	handle->client = parent && !parent->creator ? parent->client : handle->id;
	pool->handles++;
	mutex_unlock(&pool->lock);

	ret = get_unused_fd_flags(O_CLOEXEC);
	if (ret < 0)
		goto err_id;
	*fd = ret;

	file = anon_inode_getfile("shrbuf-pool", &shrbuf_handle_fops, handle,
				  O_RDWR | O_CLOEXEC);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_fd;
	}
	/* The handle belongs to the file from here on; its release frees it. */
	kref_get(&pool->ref);
	return file;

err_fd:
	put_unused_fd(*fd);
err_id:
	/* Nothing can hold through it yet: it had no fd. */
	mutex_lock(&pool->lock);
	xa_erase(&pool->handle_ids, handle->id);
	pool->handles--;
err_unlock:
	mutex_unlock(&pool->lock);
	put_pid(handle->maker);
	kfree(handle);
	return ERR_PTR(ret);
}

/* Copies @arg out, then installs @file as @fd, or undoes both. */
static long shrbuf_handle_install(struct file *file, int fd, void *arg,
				  void __user *uarg, size_t size)
{
	if (copy_to_user(uarg, arg, size)) {
		put_unused_fd(fd);
		fput(file);	/* releases the handle and its pool reference */
		return -EFAULT;
	}
	fd_install(fd, file);
	return 0;
}

long shrbuf_pool_create(struct file *file, void *karg, void __user *uarg,
			size_t size)
{
	struct shrbuf_opener *opener = file->private_data;
	struct shrbuf_pool_create *arg = karg;
	struct shrbuf_pool *pool;
	struct file *handle_file;
	int i, ret, fd;

	if (arg->flags || arg->fd || arg->id || arg->handle_id || arg->pad)
		return -EINVAL;
	if (!arg->max_slots)
		return -EINVAL;
	if (arg->max_slots > min(shrbuf_max_slots, 65536u))
		return -ENOSPC;
	if (atomic_inc_return(&opener->pools) > shrbuf_max_pools) {
		ret = -EMFILE;
		goto err_count;
	}

	pool = kzalloc(sizeof(*pool), GFP_KERNEL_ACCOUNT);
	if (!pool) {
		ret = -ENOMEM;
		goto err_count;
	}
	pool->slots = kvcalloc(arg->max_slots, sizeof(*pool->slots),
			       GFP_KERNEL_ACCOUNT);
	if (!pool->slots) {
		ret = -ENOMEM;
		goto err_pool;
	}
	ret = ida_alloc(&shrbuf_pool_ida, GFP_KERNEL);
	if (ret < 0)
		goto err_slots;
	pool->id = ret;
	kref_init(&pool->ref);
	mutex_init(&pool->lock);
	init_waitqueue_head(&pool->wq);
	xa_init_flags(&pool->handle_ids, XA_FLAGS_ALLOC1);
	pool->max_slots = arg->max_slots;
	for (i = 0; i < SHRBUF_STATE_COUNT; i++)
		INIT_LIST_HEAD(&pool->free[i]);
	kref_get(&opener->ref);
	pool->opener = opener;
	pool->creator = get_task_pid(current, PIDTYPE_TGID);

	mutex_lock(&shrbuf_pools_lock);
	list_add_tail(&pool->node, &shrbuf_pools);
	mutex_unlock(&shrbuf_pools_lock);

	handle_file = shrbuf_handle_new(pool, NULL, &fd);
	/* From here on the handle's reference keeps the pool; drop ours. */
	kref_put_mutex(&pool->ref, shrbuf_pool_free, &shrbuf_pools_lock);
	if (IS_ERR(handle_file))
		return PTR_ERR(handle_file);

	arg->fd = fd;
	arg->id = pool->id;
	arg->handle_id = shrbuf_handle(handle_file)->id;
	return shrbuf_handle_install(handle_file, fd, arg, uarg, size);

err_slots:
	kvfree(pool->slots);
err_pool:
	kfree(pool);
err_count:
	atomic_dec(&opener->pools);
	return ret;
}

long shrbuf_pool_clone(struct file *file, void *karg, void __user *uarg,
		       size_t size)
{
	struct shrbuf_pool_clone *arg = karg;
	struct shrbuf_handle *handle = shrbuf_handle(file);
	struct file *clone;
	int fd;

	if (READ_ONCE(handle->revoked))
		return -ENOTCONN;
	if (arg->flags || arg->fd || arg->handle_id || arg->pad)
		return -EINVAL;
	clone = shrbuf_handle_new(handle->pool, handle, &fd);
	if (IS_ERR(clone))
		return PTR_ERR(clone);
	arg->fd = fd;
	arg->handle_id = shrbuf_handle(clone)->id;
	return shrbuf_handle_install(clone, fd, arg, uarg, size);
}

static bool shrbuf_tag_valid(const char *tag)
{
	int i;

	for (i = 0; i < SHRBUF_TAG_LEN && tag[i]; i++)
		if (tag[i] < 0x20 || tag[i] > 0x7e)
			return false;
	/* NUL-padded: nothing but NULs after the first one. */
	for (; i < SHRBUF_TAG_LEN; i++)
		if (tag[i])
			return false;
	return true;
}

long shrbuf_pool_add(struct file *file, void *karg, void __user *uarg,
		     size_t size)
{
	struct shrbuf_add *arg = karg;
	struct shrbuf_handle *handle = shrbuf_handle(file);
	struct shrbuf_pool *pool = handle->pool;
	struct shrbuf_slot *slot;
	struct dma_buf *dmabuf;
	long ret;
	u32 i;

	if (READ_ONCE(handle->revoked))
		return -ENOTCONN;
	if (arg->pad || arg->index || arg->state >= SHRBUF_STATE_COUNT ||
	    !shrbuf_tag_valid(arg->tag))
		return -EINVAL;

	/* -EBADF for a bad fd, -EINVAL for a file that is not a dma-buf. */
	dmabuf = dma_buf_get(arg->fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);

	mutex_lock(&pool->lock);
	if (handle->revoked) {
		ret = -ENOTCONN;
		goto err_unlock;
	}
	if (pool->nslots == pool->max_slots) {
		ret = -ENOSPC;
		goto err_unlock;
	}
	for (i = 0; i < pool->nslots; i++) {
		if (pool->slots[i].dmabuf == dmabuf) {
			ret = -EEXIST;
			goto err_unlock;
		}
	}
	arg->index = pool->nslots;
	if (copy_to_user(uarg, arg, size)) {
		ret = -EFAULT;
		goto err_unlock;
	}
	slot = &pool->slots[pool->nslots++];
	/* The reference from dma_buf_get() is the pool's from now on. */
	slot->dmabuf = dmabuf;
	slot->state = arg->state;
	memcpy(slot->tag, arg->tag, SHRBUF_TAG_LEN);
	INIT_LIST_HEAD(&slot->holds);
	list_add_tail(&slot->free_node, &pool->free[slot->state]);
	slot->changed = ktime_get();
	mutex_unlock(&pool->lock);
	shrbuf_pool_wake(pool);
	return 0;

err_unlock:
	mutex_unlock(&pool->lock);
	dma_buf_put(dmabuf);
	return ret;
}

/* At least @timeout_ns: a partly gone jiffy does not count. */
static long shrbuf_timeout_jiffies(s64 timeout_ns)
{
	if (timeout_ns < 0)
		return MAX_SCHEDULE_TIMEOUT;
	return min_t(u64, nsecs_to_jiffies64(timeout_ns) + 1,
		     MAX_SCHEDULE_TIMEOUT - 1);
}

/*
 * Takes pool->lock and returns with it held and a free slot to acquire, or
 * without it and an error. A revocation ends the wait (-ENOTCONN).
 */
static long shrbuf_pool_wait_slot(struct shrbuf_handle *handle,
				  struct shrbuf_acquire *arg,
				  struct shrbuf_slot **slotp)
{
	struct shrbuf_pool *pool = handle->pool;
	struct list_head *free = &pool->free[arg->state];
	bool wait = !(arg->flags & SHRBUF_ACQUIRE_NONBLOCK) && arg->timeout_ns;
	long left = shrbuf_timeout_jiffies(arg->timeout_ns);

	for (;;) {
		mutex_lock(&pool->lock);
		if (handle->revoked) {
			mutex_unlock(&pool->lock);
			return -ENOTCONN;
		}
		if (!list_empty(free)) {
			*slotp = list_first_entry(free, struct shrbuf_slot, free_node);
			return 0;
		}
		mutex_unlock(&pool->lock);
		if (!wait)
			return -EAGAIN;
		left = wait_event_interruptible_timeout(pool->wq,
							!list_empty_careful(free) ||
							READ_ONCE(handle->revoked),
							left);
		if (left < 0)
			return left;
		if (left == 0)
			return -ETIMEDOUT;
	}
}

/*
 * Takes pool->lock and returns with it held and slot @arg->index, which
 * this handle may hold (exclusively: no holder; shared: none but shared
 * holders, and not itself), or without it and an error.
 */
static long shrbuf_pool_lock_slot(struct shrbuf_handle *handle,
				  struct shrbuf_acquire *arg, bool shared,
				  struct shrbuf_slot **slotp)
{
	struct shrbuf_pool *pool = handle->pool;
	struct shrbuf_slot *slot;
	long ret;

	mutex_lock(&pool->lock);
	if (handle->revoked) {
		ret = -ENOTCONN;
		goto err_unlock;
	}
	if (arg->index >= pool->nslots) {
		ret = -EINVAL;
		goto err_unlock;
	}
	slot = &pool->slots[array_index_nospec(arg->index, pool->nslots)];
	if (slot->holders &&
	    (!shared || !slot->shared || shrbuf_slot_hold(slot, handle))) {
		ret = -EBUSY;
		goto err_unlock;
	}
	*slotp = slot;
	return 0;

err_unlock:
	mutex_unlock(&pool->lock);
	return ret;
}

long shrbuf_pool_acquire(struct file *file, void *karg, void __user *uarg,
			 size_t size)
{
	struct shrbuf_acquire *arg = karg;
	struct shrbuf_handle *handle = shrbuf_handle(file);
	struct shrbuf_pool *pool = handle->pool;
	bool no_fd = arg->flags & SHRBUF_ACQUIRE_NO_FD;
	bool shared = arg->flags & SHRBUF_ACQUIRE_SHARED;
	struct shrbuf_hold *hold;
	struct shrbuf_slot *slot;
	long ret;
	int fd = -1;

	if (READ_ONCE(handle->revoked))
		return -ENOTCONN;
	if (arg->flags & ~SHRBUF_ACQUIRE_FLAGS ||
	    arg->fd || arg->seq || arg->timestamp_ns)
		return -EINVAL;
	/*
	 * The wanted state is for SHRBUF_SLOT_ANY; with an index it must be 0.
	 * A shared hold is of a slot the caller names.
	 */
	if (arg->index == SHRBUF_SLOT_ANY ?
	    arg->state >= SHRBUF_STATE_COUNT || shared : arg->state != 0)
		return -EINVAL;

	/* Both reserved first: running out changes nothing in the pool. */
	hold = kzalloc(sizeof(*hold), GFP_KERNEL_ACCOUNT);
	if (!hold)
		return -ENOMEM;
	if (!no_fd) {
		fd = get_unused_fd_flags(O_CLOEXEC);
		if (fd < 0) {
			ret = fd;
			goto err_hold;
		}
	}

	if (arg->index == SHRBUF_SLOT_ANY)
		ret = shrbuf_pool_wait_slot(handle, arg, &slot);
	else
		ret = shrbuf_pool_lock_slot(handle, arg, shared, &slot);
	if (ret)
		goto err_fd;

	arg->index = slot - pool->slots;
	arg->state = slot->state;
	arg->fd = fd;
	arg->seq = slot->seq;
	arg->timestamp_ns = slot->timestamp_ns;
	if (copy_to_user(uarg, arg, size)) {
		ret = -EFAULT;
		goto err_unlock;
	}

	shrbuf_hold_add(pool, slot, handle, hold, shared);
	if (!no_fd) {
		/* The new reference belongs to the fd from here on. */
		get_dma_buf(slot->dmabuf);
		fd_install(fd, slot->dmabuf->file);
	}
	mutex_unlock(&pool->lock);
	return 0;

err_unlock:
	mutex_unlock(&pool->lock);
err_fd:
	if (!no_fd)
		put_unused_fd(fd);
err_hold:
	kfree(hold);
	return ret;
}

long shrbuf_pool_release(struct file *file, void *karg, void __user *uarg,
			 size_t size)
{
	struct shrbuf_release *arg = karg;
	struct shrbuf_handle *handle = shrbuf_handle(file);
	struct shrbuf_pool *pool = handle->pool;
	struct shrbuf_hold *hold;
	struct shrbuf_slot *slot;
	bool freed;
	long ret;

	if (READ_ONCE(handle->revoked))
		return -ENOTCONN;
	if (arg->flags || arg->pad || arg->state >= SHRBUF_STATE_COUNT)
		return -EINVAL;

	mutex_lock(&pool->lock);
	if (handle->revoked) {
		ret = -ENOTCONN;
		goto out_unlock;
	}
	if (arg->index >= pool->nslots) {
		ret = -EINVAL;
		goto out_unlock;
	}
	slot = &pool->slots[array_index_nospec(arg->index, pool->nslots)];
	hold = shrbuf_slot_hold(slot, handle);
	if (!hold) {
		ret = -EPERM;
		goto out_unlock;
	}
	if (slot->shared) {
		/* A shared holder says what it saw; it changes nothing. */
		if (arg->state != slot->state || arg->seq || arg->timestamp_ns) {
			ret = -EINVAL;
			goto out_unlock;
		}
	} else {
		slot->state = arg->state;
		slot->seq = arg->seq;
		slot->timestamp_ns = arg->timestamp_ns;
	}
	freed = shrbuf_hold_drop(pool, hold);
	mutex_unlock(&pool->lock);
	if (freed)
		shrbuf_pool_wake(pool);
	return 0;

out_unlock:
	mutex_unlock(&pool->lock);
	return ret;
}

/*
 * Cuts off every handle of the client @arg->handle_id names. O(handles of
 * the pool) for the search, O(holds) for what comes back.
 */
long shrbuf_pool_revoke(struct file *file, void *karg, void __user *uarg,
			size_t size)
{
	struct shrbuf_revoke *arg = karg;
	struct shrbuf_handle *handle = shrbuf_handle(file);
	struct shrbuf_pool *pool = handle->pool;
	struct shrbuf_handle *target;
	struct shrbuf_hold *hold, *tmp;
	bool found = false;
	unsigned long id;
	u32 client;

	if (READ_ONCE(handle->revoked))
		return -ENOTCONN;
	if (arg->flags || arg->pad || arg->returned)
		return -EINVAL;
	/* Only the creator's handle; the right goes with its file, wherever it is. */
	if (!handle->creator)
		return -EPERM;
	if (arg->handle_id == handle->id)
		return -EINVAL;

	mutex_lock(&pool->lock);
	/* An id names its handle's client; a closed first handle's id still names it. */
	target = xa_load(&pool->handle_ids, arg->handle_id);
	client = target ? target->client : arg->handle_id;
	xa_for_each(&pool->handle_ids, id, target) {
		if (target->client != client)
			continue;
		found = true;
		WRITE_ONCE(target->revoked, true);
		list_for_each_entry_safe(hold, tmp, &target->holds, handle_node) {
			hold->slot->revoke_count++;
			arg->returned++;
			shrbuf_hold_drop(pool, hold);
		}
	}
	pool->revoked += arg->returned;
	mutex_unlock(&pool->lock);
	if (!found)
		return -ENOENT;

	/* Their waiters end (ENOTCONN), their poll()s hang up, and what came back is free. */
	wake_up_interruptible_poll(&pool->wq, EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLERR);
	/* The revocation stands even if the count cannot be written. */
	if (copy_to_user(uarg, arg, size))
		return -EFAULT;
	return 0;
}

static void shrbuf_slot_info(const struct shrbuf_slot *slot, u32 index,
			     ktime_t now, struct shrbuf_slot_info *info)
{
	const struct shrbuf_hold *first = shrbuf_slot_first_hold(slot);

	memset(info, 0, sizeof(*info));
	info->inode = file_inode(slot->dmabuf->file)->i_ino;
	info->size = slot->dmabuf->size;
	strscpy(info->exporter, slot->dmabuf->exp_name ?: "", sizeof(info->exporter));
	memcpy(info->tag, slot->tag, SHRBUF_TAG_LEN);
	info->index = index;
	info->state = slot->state;
	/* The oldest hold's process: the only one, unless the slot is shared. */
	info->holder_tgid = first ? pid_vnr(first->pid) : 0;
	info->acquire_count = slot->acquire_count;
	info->auto_return_count = slot->auto_return_count;
	info->age_ns = ktime_to_ns(ktime_sub(now, slot->changed));
	info->seq = slot->seq;
	info->timestamp_ns = slot->timestamp_ns;
	info->holders = slot->holders;
	info->flags = slot->shared ? SHRBUF_SLOT_SHARED : 0;
	info->revoke_count = slot->revoke_count;
}

long shrbuf_pool_query(struct file *file, void *karg, void __user *uarg,
		       size_t size)
{
	struct shrbuf_query *arg = karg;
	struct shrbuf_handle *handle = shrbuf_handle(file);
	struct shrbuf_pool *pool = handle->pool;
	void __user *entries = u64_to_user_ptr(arg->slots_ptr);
	const size_t min_entry = offsetofend(struct shrbuf_slot_info, age_ns);
	size_t esize = arg->entry_size;
	struct shrbuf_slot_info info;
	ktime_t now = ktime_get();
	long ret = 0;
	u32 i, n;

	if (arg->pad || arg->id || arg->max_slots || arg->held ||
	    arg->auto_returned || arg->revoked || arg->handle_id ||
	    arg->handle_flags)
		return -EINVAL;
	if (arg->slots_ptr && (esize < min_entry || esize > PAGE_SIZE))
		return -EINVAL;

	mutex_lock(&pool->lock);
	n = arg->slots_ptr ? min(arg->count, pool->nslots) : 0;
	for (i = 0; i < n; i++) {
		void __user *entry = entries + (size_t)i * esize;

		shrbuf_slot_info(&pool->slots[i], i, now, &info);
		if (copy_to_user(entry, &info, min(esize, sizeof(info))) ||
		    (esize > sizeof(info) &&
		     clear_user(entry + sizeof(info), esize - sizeof(info)))) {
			ret = -EFAULT;
			break;
		}
	}
	arg->count = pool->nslots;
	arg->entry_size = sizeof(info);
	arg->id = pool->id;
	arg->max_slots = pool->max_slots;
	arg->held = pool->held;
	arg->auto_returned = pool->auto_returned;
	arg->revoked = pool->revoked;
	arg->handle_id = handle->id;
	arg->handle_flags = (handle->creator ? SHRBUF_HANDLE_CREATOR : 0) |
			    (handle->revoked ? SHRBUF_HANDLE_REVOKED : 0);
	mutex_unlock(&pool->lock);

	if (!ret && copy_to_user(uarg, arg, size))
		ret = -EFAULT;
	return ret;
}

int shrbuf_pools_show(struct seq_file *m, void *unused)
{
	struct shrbuf_handle *handle;
	struct shrbuf_pool *pool;
	ktime_t now = ktime_get();
	unsigned long id;
	u32 i;

	mutex_lock(&shrbuf_pools_lock);
	list_for_each_entry(pool, &shrbuf_pools, node) {
		mutex_lock(&pool->lock);
		seq_printf(m, "pool %u: creator %d slots %u/%u held %u auto_returned %llu handles %u revoked %llu\n",
			   pool->id, pid_nr(pool->creator), pool->nslots,
			   pool->max_slots, pool->held, pool->auto_returned,
			   pool->handles, pool->revoked);
		xa_for_each(&pool->handle_ids, id, handle)
			seq_printf(m, "  handle %u: client %u made by %d holds %u%s%s\n",
				   handle->id, handle->client,
				   pid_nr(handle->maker), handle->nholds,
				   handle->creator ? " creator" : "",
				   handle->revoked ? " revoked" : "");
		for (i = 0; i < pool->nslots; i++) {
			const struct shrbuf_slot *slot = &pool->slots[i];
			const struct shrbuf_hold *first = shrbuf_slot_first_hold(slot);
			const struct shrbuf_hold *hold;
			struct shrbuf_slot_info info;

			shrbuf_slot_info(slot, i, now, &info);
			/* ABI 1's fields where they were, seq last. */
			seq_printf(m, "  slot %u: ino %llu size %llu exporter %s tag '%.*s' state %s holder %d holders %u%s revoked %llu acquired %llu returned %llu age_ms %llu seq %llu\n",
				   i, info.inode, info.size, info.exporter,
				   SHRBUF_TAG_LEN, info.tag,
				   shrbuf_state_names[info.state],
				   first ? pid_nr(first->pid) : 0,
				   info.holders, slot->shared ? " shared" : "",
				   info.revoke_count,
				   info.acquire_count, info.auto_return_count,
				   info.age_ns / NSEC_PER_MSEC, info.seq);
			list_for_each_entry(hold, &slot->holds, slot_node)
				seq_printf(m, "    held by tgid %d handle %u\n",
					   pid_nr(hold->pid), hold->handle->id);
		}
		mutex_unlock(&pool->lock);
	}
	mutex_unlock(&shrbuf_pools_lock);
	return 0;
}
