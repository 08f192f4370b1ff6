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
#include <linux/uaccess.h>

#include "shrbuf.h"

unsigned int shrbuf_max_slots = 4096;
module_param_named(max_slots, shrbuf_max_slots, uint, 0644);
MODULE_PARM_DESC(max_slots, "Most slots a pool may ask for (default 4096, at most 65536)");

unsigned int shrbuf_max_pools = 64;
module_param_named(max_pools, shrbuf_max_pools, uint, 0644);
MODULE_PARM_DESC(max_pools, "Most pools one opener of /dev/shrbuf may have at once (default 64)");

static struct dentry *shrbuf_debugfs;

union shrbuf_ioctl_arg {
	struct shrbuf_pool_create create;
	struct shrbuf_pool_clone clone;
	struct shrbuf_add add;
	struct shrbuf_acquire acquire;
	struct shrbuf_release release;
	struct shrbuf_query query;
};

long shrbuf_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	size_t usize = _IOC_SIZE(cmd);
	bool on_pool = shrbuf_is_pool_file(file);
	union shrbuf_ioctl_arg k;
	size_t ksize;
	int ret;

	if (_IOC_TYPE(cmd) != SHRBUF_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;

	switch (_IOC_NR(cmd)) {
	case _IOC_NR(SHRBUF_IOC_POOL_CREATE):
		ksize = sizeof(k.create);
		break;
	case _IOC_NR(SHRBUF_IOC_POOL_CLONE):
		ksize = sizeof(k.clone);
		break;
	case _IOC_NR(SHRBUF_IOC_ADD):
		ksize = sizeof(k.add);
		break;
	case _IOC_NR(SHRBUF_IOC_ACQUIRE):
		ksize = sizeof(k.acquire);
		break;
	case _IOC_NR(SHRBUF_IOC_RELEASE):
		ksize = sizeof(k.release);
		break;
	case _IOC_NR(SHRBUF_IOC_QUERY):
		ksize = sizeof(k.query);
		break;
	default:
		return -ENOTTY;
	}

	/* POOL_CREATE is the device's only call; the others are the pools'. */
	if ((_IOC_NR(cmd) == _IOC_NR(SHRBUF_IOC_POOL_CREATE)) == on_pool)
		return -ENOTTY;

	/* A struct from older user space is too short; a newer one's tail must be zero. */
	if (usize < ksize)
		return -EINVAL;
	ret = copy_struct_from_user(&k, ksize, uarg, usize);
	if (ret == -E2BIG)
		return -EINVAL;
	if (ret)
		return ret;

	switch (_IOC_NR(cmd)) {
	case _IOC_NR(SHRBUF_IOC_POOL_CREATE):
		return shrbuf_pool_create(file->private_data, &k.create, uarg, ksize);
	case _IOC_NR(SHRBUF_IOC_POOL_CLONE):
		return shrbuf_pool_clone(file, &k.clone, uarg, ksize);
	case _IOC_NR(SHRBUF_IOC_ADD):
		return shrbuf_pool_add(file, &k.add, uarg, ksize);
	case _IOC_NR(SHRBUF_IOC_ACQUIRE):
		return shrbuf_pool_acquire(file, &k.acquire, uarg, ksize);
	case _IOC_NR(SHRBUF_IOC_RELEASE):
		return shrbuf_pool_release(file, &k.release, uarg, ksize);
	case _IOC_NR(SHRBUF_IOC_QUERY):
		return shrbuf_pool_query(file, &k.query, uarg, ksize);
	default:
		return -ENOTTY;
	}
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
