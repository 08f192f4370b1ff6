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
 *   handle's file returns it.
 */

#include <linux/anon_inodes.h>
#include <linux/dma-buf.h>
#include <linux/file.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "shrbuf.h"

struct shrbuf_opener {
	struct kref ref;	/* the device file, and each pool it created */
	atomic_t pools;
};

struct shrbuf_slot {
	struct dma_buf *dmabuf;		/* the pool's own reference */
	struct list_head free_node;	/* in pool->free[state] while unheld */
	const void *holder;		/* the holding handle; identity only */
	struct pid *holder_pid;		/* its process, counted */
	char tag[SHRBUF_TAG_LEN];
	u32 state;
	u64 acquire_count;
	u64 auto_return_count;
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
	struct shrbuf_slot *slots;	/* max_slots entries */
	struct list_head free[SHRBUF_STATE_COUNT];
	struct shrbuf_opener *opener;	/* counted; for the max_pools limit */
	struct pid *creator;
	struct list_head node;		/* in shrbuf_pools */
};

struct shrbuf_handle {
	struct shrbuf_pool *pool;	/* counted */
	u32 held;			/* slots this handle holds; under pool->lock */
};

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

static void shrbuf_slot_set_free(struct shrbuf_pool *pool,
				 struct shrbuf_slot *slot)
{
	slot->holder = NULL;
	put_pid(slot->holder_pid);
	slot->holder_pid = NULL;
	list_add_tail(&slot->free_node, &pool->free[slot->state]);
	slot->changed = ktime_get();
}

static void shrbuf_pool_wake(struct shrbuf_pool *pool)
{
	wake_up_interruptible_poll(&pool->wq, EPOLLIN | EPOLLOUT);
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
	u32 i, returned = 0;
	bool last;

	mutex_lock(&pool->lock);
	last = --pool->handles == 0;
	for (i = 0; handle->held && i < pool->nslots; i++) {
		struct shrbuf_slot *slot = &pool->slots[i];

		if (slot->holder != handle)
			continue;
		if (last)
			pr_warn("pool %u destroyed while slot %u (%.*s) was held by tgid %d\n",
				pool->id, i, SHRBUF_TAG_LEN, slot->tag,
				pid_nr(slot->holder_pid));
		slot->auto_return_count++;
		pool->auto_returned++;
		pool->held--;
		handle->held--;
		returned++;
		shrbuf_slot_set_free(pool, slot);
	}
	mutex_unlock(&pool->lock);

	if (returned) {
		pr_info_ratelimited("pool %u: %u slot(s) came back from a closed handle\n",
				    pool->id, returned);
		shrbuf_pool_wake(pool);
	}
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
	if (!list_empty(&pool->free[SHRBUF_STATE_FILLED]))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (!list_empty(&pool->free[SHRBUF_STATE_EMPTY]))
		mask |= EPOLLOUT | EPOLLWRNORM;
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
 * pool->handles; its release gives both back.
 */
static struct file *shrbuf_handle_new(struct shrbuf_pool *pool, int *fd)
{
	struct shrbuf_handle *handle;
	struct file *file;
	int ret;

	handle = kzalloc(sizeof(*handle), GFP_KERNEL);
	if (!handle)
		return ERR_PTR(-ENOMEM);
	handle->pool = pool;

	ret = get_unused_fd_flags(O_CLOEXEC);
	if (ret < 0)
		goto err_free;
	*fd = ret;

	file = anon_inode_getfile("shrbuf-pool", &shrbuf_handle_fops, handle,
				  O_RDWR | O_CLOEXEC);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_fd;
	}
	kref_get(&pool->ref);
	mutex_lock(&pool->lock);
	pool->handles++;
	mutex_unlock(&pool->lock);
	return file;

err_fd:
	put_unused_fd(*fd);
err_free:
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
			size_t ksize)
{
	struct shrbuf_opener *opener = file->private_data;
	struct shrbuf_pool_create *arg = karg;
	struct shrbuf_pool *pool;
	struct file *handle_file;
	int i, ret, fd;

	if (arg->flags || arg->fd || arg->id)
		return -EINVAL;
	if (!arg->max_slots)
		return -EINVAL;
	if (arg->max_slots > min(shrbuf_max_slots, 65536u))
		return -ENOSPC;
	if (atomic_inc_return(&opener->pools) > shrbuf_max_pools) {
		ret = -EMFILE;
		goto err_count;
	}

	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool) {
		ret = -ENOMEM;
		goto err_count;
	}
	pool->slots = kvcalloc(arg->max_slots, sizeof(*pool->slots), GFP_KERNEL);
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
	pool->max_slots = arg->max_slots;
	for (i = 0; i < SHRBUF_STATE_COUNT; i++)
		INIT_LIST_HEAD(&pool->free[i]);
	kref_get(&opener->ref);
	pool->opener = opener;
	pool->creator = get_task_pid(current, PIDTYPE_TGID);

	mutex_lock(&shrbuf_pools_lock);
	list_add_tail(&pool->node, &shrbuf_pools);
	mutex_unlock(&shrbuf_pools_lock);

	handle_file = shrbuf_handle_new(pool, &fd);
	/* From here on the handle's reference keeps the pool; drop ours. */
	kref_put_mutex(&pool->ref, shrbuf_pool_free, &shrbuf_pools_lock);
	if (IS_ERR(handle_file))
		return PTR_ERR(handle_file);

	arg->fd = fd;
	arg->id = pool->id;
	return shrbuf_handle_install(handle_file, fd, arg, uarg, ksize);

err_slots:
	kvfree(pool->slots);
err_pool:
	kfree(pool);
err_count:
	atomic_dec(&opener->pools);
	return ret;
}

long shrbuf_pool_clone(struct file *file, void *karg, void __user *uarg,
		       size_t ksize)
{
	struct shrbuf_pool_clone *arg = karg;
	struct file *clone;
	int fd;

	if (arg->flags || arg->fd)
		return -EINVAL;
	clone = shrbuf_handle_new(shrbuf_handle(file)->pool, &fd);
	if (IS_ERR(clone))
		return PTR_ERR(clone);
	arg->fd = fd;
	return shrbuf_handle_install(clone, fd, arg, uarg, ksize);
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
		     size_t ksize)
{
	struct shrbuf_add *arg = karg;
	struct shrbuf_pool *pool = shrbuf_handle(file)->pool;
	struct shrbuf_slot *slot;
	struct dma_buf *dmabuf;
	long ret;
	u32 i;

	if (arg->pad || arg->index || arg->state >= SHRBUF_STATE_COUNT ||
	    !shrbuf_tag_valid(arg->tag))
		return -EINVAL;

	/* -EBADF for a bad fd, -EINVAL for a file that is not a dma-buf. */
	dmabuf = dma_buf_get(arg->fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);

	mutex_lock(&pool->lock);
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
	if (copy_to_user(uarg, arg, ksize)) {
		ret = -EFAULT;
		goto err_unlock;
	}
	slot = &pool->slots[pool->nslots++];
	/* The reference from dma_buf_get() is the pool's from now on. */
	slot->dmabuf = dmabuf;
	slot->state = arg->state;
	memcpy(slot->tag, arg->tag, SHRBUF_TAG_LEN);
	shrbuf_slot_set_free(pool, slot);
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

/* Takes pool->lock and returns with it held and a slot to acquire, or not. */
static long shrbuf_pool_wait_slot(struct shrbuf_pool *pool,
				  struct shrbuf_acquire *arg,
				  struct shrbuf_slot **slotp)
{
	struct list_head *free = &pool->free[arg->state];
	bool wait = !(arg->flags & SHRBUF_ACQUIRE_NONBLOCK) && arg->timeout_ns;
	long left = shrbuf_timeout_jiffies(arg->timeout_ns);

	for (;;) {
		mutex_lock(&pool->lock);
		if (!list_empty(free)) {
			*slotp = list_first_entry(free, struct shrbuf_slot, free_node);
			return 0;
		}
		mutex_unlock(&pool->lock);
		if (!wait)
			return -EAGAIN;
		left = wait_event_interruptible_timeout(pool->wq,
							!list_empty_careful(free),
							left);
		if (left < 0)
			return left;
		if (left == 0)
			return -ETIMEDOUT;
	}
}

long shrbuf_pool_acquire(struct file *file, void *karg, void __user *uarg,
			 size_t ksize)
{
	struct shrbuf_acquire *arg = karg;
	struct shrbuf_handle *handle = shrbuf_handle(file);
	struct shrbuf_pool *pool = handle->pool;
	bool no_fd = arg->flags & SHRBUF_ACQUIRE_NO_FD;
	struct shrbuf_slot *slot;
	long ret;
	int fd = -1;

	if (arg->flags & ~(SHRBUF_ACQUIRE_NONBLOCK | SHRBUF_ACQUIRE_NO_FD) ||
	    arg->fd || arg->seq || arg->timestamp_ns)
		return -EINVAL;
	/* The wanted state is for SHRBUF_SLOT_ANY; with an index it must be 0. */
	if (arg->index == SHRBUF_SLOT_ANY ? arg->state >= SHRBUF_STATE_COUNT :
	    arg->state != 0)
		return -EINVAL;

	/* Reserved first: running out of fds changes nothing in the pool. */
	if (!no_fd) {
		fd = get_unused_fd_flags(O_CLOEXEC);
		if (fd < 0)
			return fd;
	}

	if (arg->index == SHRBUF_SLOT_ANY) {
		ret = shrbuf_pool_wait_slot(pool, arg, &slot);
		if (ret)
			goto err_fd;
	} else {
		mutex_lock(&pool->lock);
		if (arg->index >= pool->nslots) {
			ret = -EINVAL;
			goto err_unlock;
		}
		slot = &pool->slots[arg->index];
		if (slot->holder) {
			ret = -EBUSY;
			goto err_unlock;
		}
	}

	arg->index = slot - pool->slots;
	arg->state = slot->state;
	arg->fd = fd;
	arg->seq = slot->seq;
	arg->timestamp_ns = slot->timestamp_ns;
	if (copy_to_user(uarg, arg, ksize)) {
		ret = -EFAULT;
		goto err_unlock;
	}

	list_del_init(&slot->free_node);
	slot->holder = handle;
	slot->holder_pid = get_task_pid(current, PIDTYPE_TGID);
	slot->acquire_count++;
	slot->changed = ktime_get();
	handle->held++;
	pool->held++;
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
	return ret;
}

long shrbuf_pool_release(struct file *file, void *karg, void __user *uarg,
			 size_t ksize)
{
	struct shrbuf_release *arg = karg;
	struct shrbuf_handle *handle = shrbuf_handle(file);
	struct shrbuf_pool *pool = handle->pool;
	struct shrbuf_slot *slot;

	if (arg->flags || arg->pad || arg->state >= SHRBUF_STATE_COUNT)
		return -EINVAL;

	mutex_lock(&pool->lock);
	if (arg->index >= pool->nslots) {
		mutex_unlock(&pool->lock);
		return -EINVAL;
	}
	slot = &pool->slots[arg->index];
	if (slot->holder != handle) {
		mutex_unlock(&pool->lock);
		return -EPERM;
	}
	slot->state = arg->state;
	slot->seq = arg->seq;
	slot->timestamp_ns = arg->timestamp_ns;
	handle->held--;
	pool->held--;
	shrbuf_slot_set_free(pool, slot);
	mutex_unlock(&pool->lock);
	shrbuf_pool_wake(pool);
	return 0;
}

static void shrbuf_slot_info(const struct shrbuf_slot *slot, u32 index,
			     ktime_t now, struct shrbuf_slot_info *info)
{
	memset(info, 0, sizeof(*info));
	info->inode = file_inode(slot->dmabuf->file)->i_ino;
	info->size = slot->dmabuf->size;
	strscpy(info->exporter, slot->dmabuf->exp_name ?: "", sizeof(info->exporter));
	memcpy(info->tag, slot->tag, SHRBUF_TAG_LEN);
	info->index = index;
	info->state = slot->state;
	info->holder_tgid = slot->holder_pid ? pid_vnr(slot->holder_pid) : 0;
	info->acquire_count = slot->acquire_count;
	info->auto_return_count = slot->auto_return_count;
	info->age_ns = ktime_to_ns(ktime_sub(now, slot->changed));
	info->seq = slot->seq;
	info->timestamp_ns = slot->timestamp_ns;
}

long shrbuf_pool_query(struct file *file, void *karg, void __user *uarg,
		       size_t ksize)
{
	struct shrbuf_query *arg = karg;
	struct shrbuf_pool *pool = shrbuf_handle(file)->pool;
	void __user *entries = u64_to_user_ptr(arg->slots_ptr);
	const size_t min_entry = offsetofend(struct shrbuf_slot_info, age_ns);
	size_t esize = arg->entry_size;
	struct shrbuf_slot_info info;
	ktime_t now = ktime_get();
	long ret = 0;
	u32 i, n;

	if (arg->pad || arg->id || arg->max_slots || arg->held || arg->auto_returned)
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
	mutex_unlock(&pool->lock);

	if (!ret && copy_to_user(uarg, arg, ksize))
		ret = -EFAULT;
	return ret;
}

int shrbuf_pools_show(struct seq_file *m, void *unused)
{
	struct shrbuf_pool *pool;
	ktime_t now = ktime_get();
	u32 i;

	mutex_lock(&shrbuf_pools_lock);
	list_for_each_entry(pool, &shrbuf_pools, node) {
		mutex_lock(&pool->lock);
		seq_printf(m, "pool %u: creator %d slots %u/%u held %u auto_returned %llu\n",
			   pool->id, pid_nr(pool->creator), pool->nslots,
			   pool->max_slots, pool->held, pool->auto_returned);
		for (i = 0; i < pool->nslots; i++) {
			struct shrbuf_slot_info info;

			shrbuf_slot_info(&pool->slots[i], i, now, &info);
			seq_printf(m, "  slot %u: ino %llu size %llu exporter %s tag '%.*s' state %s holder %d acquired %llu returned %llu age_ms %llu seq %llu\n",
				   i, info.inode, info.size, info.exporter,
				   SHRBUF_TAG_LEN, info.tag,
				   shrbuf_state_names[info.state],
				   pid_nr(pool->slots[i].holder_pid),
				   info.acquire_count, info.auto_return_count,
				   info.age_ns / NSEC_PER_MSEC, info.seq);
		}
		mutex_unlock(&pool->lock);
	}
	mutex_unlock(&shrbuf_pools_lock);
	return 0;
}
