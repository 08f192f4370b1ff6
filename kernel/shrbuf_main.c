// SPDX-License-Identifier: GPL-2.0
/*
 * shrbuf: lifetime, state and ownership ledger for shared dma-bufs.
 *
 * The misc device /dev/shrbuf and its ioctl dispatch.
 */

#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include <uapi/linux/shrbuf.h>

static long shrbuf_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	default:
		return -ENOTTY;
	}
}

static const struct file_operations shrbuf_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = shrbuf_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice shrbuf_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = SHRBUF_DEVICE_NAME,
	.fops = &shrbuf_fops,
	.mode = 0600,
};

static int __init shrbuf_init(void)
{
	return misc_register(&shrbuf_misc);
}

static void __exit shrbuf_exit(void)
{
	misc_deregister(&shrbuf_misc);
}

module_init(shrbuf_init);
module_exit(shrbuf_exit);

MODULE_DESCRIPTION("shrbuf: lifetime and ownership ledger for shared dma-bufs");
MODULE_LICENSE("GPL");
