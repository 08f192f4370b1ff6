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

/* The ioctls; each copies its own result out to @uarg (@usize bytes). */
long shrbuf_pool_create(struct shrbuf_opener *opener,
			struct shrbuf_pool_create *arg,
			void __user *uarg, size_t usize);
bool shrbuf_is_pool_file(struct file *file);
long shrbuf_pool_clone(struct file *file, struct shrbuf_pool_clone *arg,
		       void __user *uarg, size_t usize);
long shrbuf_pool_add(struct file *file, struct shrbuf_add *arg,
		     void __user *uarg, size_t usize);
long shrbuf_pool_acquire(struct file *file, struct shrbuf_acquire *arg,
			 void __user *uarg, size_t usize);
long shrbuf_pool_release(struct file *file, struct shrbuf_release *arg,
			 void __user *uarg, size_t usize);
long shrbuf_pool_query(struct file *file, struct shrbuf_query *arg,
		       void __user *uarg, size_t usize);

/* The ledger of every pool, for debugfs. */
int shrbuf_pools_show(struct seq_file *m, void *unused);

/* Dispatch for the pool handles' own ioctl entry. */
long shrbuf_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

#endif /* _SHRBUF_H */
