/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shrbuf: lifetime, state and ownership ledger for shared dma-bufs.
 *
 * Internal interface between the device (shrbuf_main.c) and the pools
 * (shrbuf_pool.c).
 */
#ifndef _SHRBUF_H
#define _SHRBUF_H

#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/types.h>

#include <uapi/linux/shrbuf.h>

extern unsigned int shrbuf_max_slots;
extern unsigned int shrbuf_max_pools;

/*
 * What an opener of /dev/shrbuf owns: a count of the pools it created, for
 * the max_pools limit. Freed when the device file and all those pools are
 * gone.
 */
struct shrbuf_opener;

struct shrbuf_opener *shrbuf_opener_new(void);
void shrbuf_opener_put(struct shrbuf_opener *opener);

bool shrbuf_is_pool_file(struct file *file);

/*
 * The ioctls, as shrbuf_ioctl() calls them: @karg is the kernel's struct,
 * already copied in, zero-filled past what the caller passed and checked
 * for size; each handler copies its result back out to @uarg, @size bytes:
 * min(the caller's size, the kernel's). POOL_CREATE is made on /dev/shrbuf
 * (private_data: the opener), the others on a pool handle.
 */
long shrbuf_pool_create(struct file *file, void *karg, void __user *uarg,
			size_t size);
long shrbuf_pool_clone(struct file *file, void *karg, void __user *uarg,
		       size_t size);
long shrbuf_pool_add(struct file *file, void *karg, void __user *uarg,
		     size_t size);
long shrbuf_pool_acquire(struct file *file, void *karg, void __user *uarg,
			 size_t size);
long shrbuf_pool_release(struct file *file, void *karg, void __user *uarg,
			 size_t size);
long shrbuf_pool_query(struct file *file, void *karg, void __user *uarg,
		       size_t size);
long shrbuf_pool_revoke(struct file *file, void *karg, void __user *uarg,
			size_t size);

/* The ledger of every pool, for debugfs. */
int shrbuf_pools_show(struct seq_file *m, void *unused);

/* The ioctl entry of /dev/shrbuf and of the pool handles (shrbuf_main.c). */
long shrbuf_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

#endif /* _SHRBUF_H */
