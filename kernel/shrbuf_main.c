// SPDX-License-Identifier: GPL-2.0
/*
 * shrbuf: lifetime, state and ownership ledger for shared dma-bufs.
 *
 * The misc device /dev/shrbuf, the one ioctl dispatch for it and for the
 * pool handles, the module parameters and debugfs.
 */

#include <linux/compat.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/uaccess.h>

#include "shrbuf.h"

unsigned int shrbuf_max_slots = 4096;
module_param_named(max_slots, shrbuf_max_slots, uint, 0644);
MODULE_PARM_DESC(max_slots, "Most slots a pool may ask for (default 4096, at most 65536)");

unsigned int shrbuf_max_pools = 64;
module_param_named(max_pools, shrbuf_max_pools, uint, 0644);
MODULE_PARM_DESC(max_pools, "Most pools one opener of /dev/shrbuf may have at once (default 64)");

static struct dentry *shrbuf_debugfs;

/* Room for the kernel's struct of any ioctl in shrbuf_ioctls[]. */
union shrbuf_ioctl_arg {
	struct shrbuf_pool_create create;
	struct shrbuf_pool_clone clone;
	struct shrbuf_add add;
	struct shrbuf_acquire acquire;
	struct shrbuf_release release;
	struct shrbuf_query query;
	struct shrbuf_revoke revoke;
};

/* The kind of file an ioctl is made on. */
enum shrbuf_file_kind {
	SHRBUF_ON_DEVICE,	/* /dev/shrbuf */
	SHRBUF_ON_POOL,		/* a pool handle */
};

/*
 * One ioctl: its command as the uapi header defines it (type, direction,
 * number, and the size of the kernel's struct), the first published size
 * of its struct (the smallest accepted), the only kind of file it is valid
 * on, and its handler.
 */
struct shrbuf_ioctl_desc {
	unsigned int cmd;
	unsigned int min_size;
	enum shrbuf_file_kind kind;
	long (*func)(struct file *file, void *karg, void __user *uarg,
		     size_t size);
};

/* An ioctl whose struct does not fit in union shrbuf_ioctl_arg does not build. */
#define SHRBUF_ARG_FITS(cmd) \
	BUILD_BUG_ON_ZERO(_IOC_SIZE(cmd) > sizeof(union shrbuf_ioctl_arg))

/*
 * SHRBUF_<name>_SIZE_<ver>, the size the struct of SHRBUF_IOC_<name> had
 * when ABI <ver> first published it; larger than the struct, it does not
 * build.
 */
#define SHRBUF_MIN_SIZE(name, ver)					\
	(SHRBUF_##name##_SIZE_##ver +					\
	 BUILD_BUG_ON_ZERO(SHRBUF_##name##_SIZE_##ver > _IOC_SIZE(SHRBUF_IOC_##name)))

/* The entry for SHRBUF_IOC_<name>, first published in ABI <ver>, at its number. */
#define SHRBUF_IOCTL(name, ver, _kind, _func)				\
	[_IOC_NR(SHRBUF_IOC_##name)] = {				\
		.cmd = SHRBUF_IOC_##name + SHRBUF_ARG_FITS(SHRBUF_IOC_##name), \
		.min_size = SHRBUF_MIN_SIZE(name, ver),			\
		.kind = (_kind),					\
		.func = (_func),					\
	}

/*
 * Indexed by _IOC_NR(); a hole (no func) is an unknown command. The sizes
 * are the ones each struct had when its ioctl was first published: binaries
 * built then pass them, and must keep working.
 */
static const struct shrbuf_ioctl_desc shrbuf_ioctls[] = {
	SHRBUF_IOCTL(POOL_CREATE, V1, SHRBUF_ON_DEVICE, shrbuf_pool_create),
	SHRBUF_IOCTL(POOL_CLONE, V1, SHRBUF_ON_POOL, shrbuf_pool_clone),
	SHRBUF_IOCTL(ADD, V1, SHRBUF_ON_POOL, shrbuf_pool_add),
	SHRBUF_IOCTL(ACQUIRE, V1, SHRBUF_ON_POOL, shrbuf_pool_acquire),
	SHRBUF_IOCTL(RELEASE, V1, SHRBUF_ON_POOL, shrbuf_pool_release),
	SHRBUF_IOCTL(QUERY, V1, SHRBUF_ON_POOL, shrbuf_pool_query),
	SHRBUF_IOCTL(REVOKE, V2, SHRBUF_ON_POOL, shrbuf_pool_revoke),
};

/* The ioctl entry of /dev/shrbuf and of every pool handle. */
long shrbuf_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	unsigned int nr = _IOC_NR(cmd);
	size_t usize = _IOC_SIZE(cmd);
	const struct shrbuf_ioctl_desc *desc;
	enum shrbuf_file_kind kind;
	union shrbuf_ioctl_arg k;
	size_t ksize;
	int ret;

	if (nr >= ARRAY_SIZE(shrbuf_ioctls))
		return -ENOTTY;
	desc = &shrbuf_ioctls[array_index_nospec(nr, ARRAY_SIZE(shrbuf_ioctls))];
	/* Everything but the size must be the table's: type and direction. */
	if (!desc->func || (cmd & ~IOCSIZE_MASK) != (desc->cmd & ~IOCSIZE_MASK))
		return -ENOTTY;
	/* POOL_CREATE is the device's only call; the others are the pools'. */
	kind = shrbuf_is_pool_file(file) ? SHRBUF_ON_POOL : SHRBUF_ON_DEVICE;
	if (desc->kind != kind)
		return -ENOTTY;

	/*
	 * Any size from the first published one up: an older caller's struct
	 * is zero-filled up to the kernel's (a zero field asks for what the
	 * older ABI did), a newer caller's tail past the kernel's must be zero.
	 */
	if (usize < desc->min_size)
		return -EINVAL;
	ksize = _IOC_SIZE(desc->cmd);
	ret = copy_struct_from_user(&k, ksize, uarg, usize);
	if (ret == -E2BIG)
		return -EINVAL;
	if (ret)
		return ret;

	/* The handler copies its result back to uarg: min(usize, ksize) bytes. */
	return desc->func(file, &k, uarg, min(usize, ksize));
}

static int shrbuf_open(struct inode *inode, struct file *file)
{
	struct shrbuf_opener *opener = shrbuf_opener_new();

	if (!opener)
		return -ENOMEM;
	file->private_data = opener;
	return 0;
}

static int shrbuf_release(struct inode *inode, struct file *file)
{
	/* The pools this opener created live on; each holds the opener too. */
	shrbuf_opener_put(file->private_data);
	return 0;
}

static const struct file_operations shrbuf_fops = {
	.owner = THIS_MODULE,
	.open = shrbuf_open,
	.release = shrbuf_release,
	.unlocked_ioctl = shrbuf_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice shrbuf_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = SHRBUF_DEVICE_NAME,
	.fops = &shrbuf_fops,
	.mode = 0600,
};

DEFINE_SHOW_ATTRIBUTE(shrbuf_pools);

static int __init shrbuf_init(void)
{
	int ret;

	if (shrbuf_max_slots < 1 || shrbuf_max_slots > 65536) {
		pr_err("max_slots must be 1 to 65536\n");
		return -EINVAL;
	}
	ret = misc_register(&shrbuf_misc);
	if (ret)
		return ret;
	shrbuf_debugfs = debugfs_create_dir("shrbuf", NULL);
	debugfs_create_file("pools", 0400, shrbuf_debugfs, NULL, &shrbuf_pools_fops);
	return 0;
}

static void __exit shrbuf_exit(void)
{
	debugfs_remove_recursive(shrbuf_debugfs);
	misc_deregister(&shrbuf_misc);
}

module_init(shrbuf_init);
module_exit(shrbuf_exit);

MODULE_DESCRIPTION("shrbuf: lifetime, state and ownership ledger for shared dma-bufs");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
