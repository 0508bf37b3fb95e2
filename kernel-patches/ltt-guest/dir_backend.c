// SPDX-License-Identifier: GPL-2.0-only
/*
 * dir_backend.c - dom0's way to hand the buffers to lttd: a debugfs
 * directory (LTT_GUEST_DIR) with the directory source's layout
 * (include/ltt/directory_layout.h), so lttd's directory source reads it.
 *
 *   channel.json  read-only, rewritten at every setup
 *   enable.map    one byte per event id; lttd writes it (start, stop,
 *                 enable, disable) and flock()s it; ioctls SETUP, STATEDUMP
 *   cpu<N>.ltt    the buffer, mmap-able: read-only except the consumer page;
 *                 poll() readable when a sub-buffer closed (read() acks);
 *                 ioctls SWITCH, GET_SUBBUF, PUT_SUBBUF
 *
 * Why debugfs: its files are plain regular files to user space (flock,
 * fstat sizes, inotify events when a file is created or removed, which is
 * how lttd learns that a vCPU came online) with custom mmap and poll, and
 * Debian's 6.1 exports it to modules (tracefs, which kernel lockdown
 * treats more kindly, exports nothing). The files are created "unsafe"
 * (no debugfs proxy, which would drop mmap): the module's ownership of
 * the file operations is what keeps an open file valid. Under lockdown
 * (Secure Boot's integrity mode) debugfs refuses mmap: the module then
 * loads but lttd cannot map the buffers, and says so.
 *
 * The file operations belong to this module (owner set), so an open file
 * or a mapping keeps the module loaded: rmmod while lttd holds the buffers
 * fails with EBUSY and changes nothing, and the mapped pages never outlive
 * the module's knowledge of them.
 */
#define pr_fmt(fmt) "ltt-guest: " fmt

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/debugfs.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "ltt-guest.h"
#include "uapi/ltt-guest.h"

static struct dentry *ltt_dir;
static struct dentry *ltt_channel_file;
static struct dentry *ltt_enable_file;
static char *ltt_channel_text; /* under ltt_channel_lock */
static size_t ltt_channel_len;
static DEFINE_MUTEX(ltt_channel_lock);

static void ltt_set_size(struct dentry *d, loff_t size)
{
	struct inode *inode = d_inode(d);

	inode_lock(inode);
	i_size_write(inode, size);
	inode_unlock(inode);
}

/* channel.json */

static int ltt_dir_channel_changed(void)
{
	char *text;
	int n;

	text = ltt_channel_json_alloc(&n);
	if (IS_ERR(text))
		return PTR_ERR(text);
	mutex_lock(&ltt_channel_lock);
	kfree(ltt_channel_text);
	ltt_channel_text = text;
	ltt_channel_len = n;
	mutex_unlock(&ltt_channel_lock);
	ltt_set_size(ltt_channel_file, n);
	return 0;
}

static ssize_t ltt_channel_read(struct file *f, char __user *ubuf, size_t count,
				loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&ltt_channel_lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, ltt_channel_text,
				      ltt_channel_len);
	mutex_unlock(&ltt_channel_lock);
	return ret;
}

static const struct file_operations ltt_channel_fops = {
	.owner = THIS_MODULE,
	.read = ltt_channel_read,
	.llseek = default_llseek,
};

/* enable.map */

static ssize_t ltt_enable_read(struct file *f, char __user *ubuf, size_t count,
			       loff_t *ppos)
{
	loff_t pos = *ppos;
	size_t done = 0;
	u8 page[256];

	/* the bytes past the channel's events read as zero */
	while (done < count && pos < LTT_DIR_ENABLE_MAP_SIZE) {
		size_t n = min3(count - done, sizeof(page),
				(size_t)(LTT_DIR_ENABLE_MAP_SIZE - pos));
		size_t k;

		for (k = 0; k < n; k++)
			page[k] =
				pos + k < LTT_NR_EVENTS
					? READ_ONCE(ltt_event_enabled[pos + k])
					: 0;
		if (copy_to_user(ubuf + done, page, n))
			return done ? done : -EFAULT;
		done += n;
		pos += n;
	}
	*ppos = pos;
	return done;
}

static ssize_t ltt_enable_write(struct file *f, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	loff_t pos = *ppos;
	u8 *bytes;
	int ret;

	if (pos < 0 || pos >= LTT_DIR_ENABLE_MAP_SIZE)
		return count ? -ENOSPC : 0;
	count = min_t(size_t, count, LTT_DIR_ENABLE_MAP_SIZE - pos);
	bytes = memdup_user(ubuf, count);
	if (IS_ERR(bytes))
		return PTR_ERR(bytes);
	ret = ltt_guest_write_enable(bytes, pos, count);
	kfree(bytes);
	if (ret)
		return ret;
	*ppos = pos + count;
	return count;
}

static long ltt_enable_ioctl(struct file *f, unsigned int cmd,
			     unsigned long arg)
{
	struct ltt_guest_setup s;

	switch (cmd) {
	case LTT_GUEST_SETUP:
		if (!(f->f_mode & FMODE_WRITE))
			return -EBADF;
		if (copy_from_user(&s, (void __user *)arg, sizeof(s)))
			return -EFAULT;
		if (s.reserved)
			return -EINVAL;
		return ltt_guest_setup_geometry(s.mode, s.subbuf_order,
						s.nr_subbufs_order);
	case LTT_GUEST_STATEDUMP:
		ltt_guest_statedump();
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations ltt_enable_fops = {
	.owner = THIS_MODULE,
	.read = ltt_enable_read,
	.write = ltt_enable_write,
	.unlocked_ioctl = ltt_enable_ioctl,
	.llseek = default_llseek,
};

/* cpu<N>.ltt */

struct ltt_cpu_open {
	struct ltt_guest_cpu *c;
	u64 acked; /* the closed count this file last read */
};

static int ltt_cpu_file_open(struct inode *inode, struct file *f)
{
	struct ltt_cpu_open *o;

	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	/* i_private is the CPU number: the buffer may be gone (a setup
	 * replaced it) by the time an open that found the file gets here */
	o->c = ltt_buffers_get((unsigned long)inode->i_private);
	if (!o->c) {
		kfree(o);
		return -ENODEV;
	}
	f->private_data = o;
	return nonseekable_open(inode, f);
}

static int ltt_cpu_file_release(struct inode *inode, struct file *f)
{
	struct ltt_cpu_open *o = f->private_data;

	ltt_buffers_put(o->c);
	kfree(o);
	return 0;
}

static ssize_t ltt_cpu_file_read(struct file *f, char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	struct ltt_cpu_open *o = f->private_data;
	u64 closed = atomic64_read(&o->c->closed);

	if (count < sizeof(closed))
		return -EINVAL;
	if (copy_to_user(ubuf, &closed, sizeof(closed)))
		return -EFAULT;
	o->acked = closed;
	return sizeof(closed);
}

static __poll_t ltt_cpu_file_poll(struct file *f, poll_table *wait)
{
	struct ltt_cpu_open *o = f->private_data;

	poll_wait(f, &o->c->wait, wait);
	if ((u64)atomic64_read(&o->c->closed) != o->acked)
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

/*
 * Any part may be mapped read-only; only the consumer page may be mapped
 * writable (lttd's read position, which the writers validate and never
 * trust). Read-only mappings lose VM_MAYWRITE so mprotect() cannot undo it.
 */
static int ltt_cpu_file_mmap(struct file *f, struct vm_area_struct *vma)
{
	struct ltt_cpu_open *o = f->private_data;
	const struct ltt_dir_layout *l = &o->c->layout;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 len = vma->vm_end - vma->vm_start;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (off > l->file_size || len > l->file_size - off)
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE) {
		if (off != l->cons_offset || len != LTT_DIR_PAGE_SIZE)
			return -EPERM;
	} else if (off != l->cons_offset || len != LTT_DIR_PAGE_SIZE) {
		vma->vm_flags &= ~VM_MAYWRITE;
	}
	return remap_vmalloc_range(vma, o->c->mem, vma->vm_pgoff);
}

static long ltt_cpu_file_ioctl(struct file *f, unsigned int cmd,
			       unsigned long arg)
{
	struct ltt_cpu_open *o = f->private_data;
	struct ltt_guest_subbuf sb = {};
	int ret;

	switch (cmd) {
	case LTT_GUEST_SWITCH:
		if (arg & ~(unsigned long)LTT_SWITCH_EMPTY)
			return -EINVAL;
		ret = ltt_buffers_switch(o->c, (int)arg);
		return ret < 0 ? -ENOSPC : ret;
	case LTT_GUEST_GET_SUBBUF:
		ret = ltt_buffers_get_subbuf(o->c, &sb.offset, &sb.size,
					     &sb.seq, &sb.skipped);
		if (copy_to_user((void __user *)arg, &sb, sizeof(sb)))
			return -EFAULT;
		return ret;
	case LTT_GUEST_PUT_SUBBUF:
		return ltt_buffers_put_subbuf(o->c);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations ltt_cpu_fops = {
	.owner = THIS_MODULE,
	.open = ltt_cpu_file_open,
	.release = ltt_cpu_file_release,
	.read = ltt_cpu_file_read,
	.poll = ltt_cpu_file_poll,
	.mmap = ltt_cpu_file_mmap,
	.unlocked_ioctl = ltt_cpu_file_ioctl,
	.llseek = no_llseek,
};

static int ltt_dir_add_cpu(struct ltt_guest_cpu *c)
{
	char name[32];
	struct dentry *d;

	snprintf(name, sizeof(name), "cpu%u.ltt", c->cpu);
	d = debugfs_create_file_unsafe(name, S_IFREG | 0600, ltt_dir,
				       (void *)(unsigned long)c->cpu,
				       &ltt_cpu_fops);
	if (IS_ERR_OR_NULL(d))
		return d ? PTR_ERR(d) : -ENOMEM;
	ltt_set_size(d, c->layout.file_size);
	c->backend = d;
	return 0;
}

static void ltt_dir_remove_cpu(struct ltt_guest_cpu *c)
{
	if (c->backend)
		debugfs_remove(c->backend);
	c->backend = NULL;
}

static int ltt_dir_init(void)
{
	ltt_dir = debugfs_create_dir(LTT_GUEST_NAME, NULL);
	if (IS_ERR_OR_NULL(ltt_dir)) {
		ltt_dir = NULL;
		pr_err("cannot create the debugfs directory " LTT_GUEST_NAME
		       " (does it exist already? is debugfs disabled?)\n");
		return -EEXIST;
	}
	ltt_channel_file =
		debugfs_create_file_unsafe(LTT_DIR_CHANNEL_FILE, S_IFREG | 0400,
					   ltt_dir, NULL, &ltt_channel_fops);
	ltt_enable_file =
		debugfs_create_file_unsafe(LTT_DIR_ENABLE_MAP, S_IFREG | 0600,
					   ltt_dir, NULL, &ltt_enable_fops);
	if (IS_ERR_OR_NULL(ltt_channel_file) ||
	    IS_ERR_OR_NULL(ltt_enable_file)) {
		debugfs_remove(ltt_dir);
		ltt_dir = NULL;
		return -ENOMEM;
	}
	ltt_set_size(ltt_enable_file, LTT_DIR_ENABLE_MAP_SIZE);
	return 0;
}

static void ltt_dir_exit(void)
{
	if (ltt_dir)
		debugfs_remove(ltt_dir);
	ltt_dir = NULL;
	kfree(ltt_channel_text);
	ltt_channel_text = NULL;
}

const struct ltt_backend_ops ltt_dir_backend_ops = {
	.name = "files in debugfs " LTT_GUEST_NAME "/",
	.init = ltt_dir_init,
	.exit = ltt_dir_exit,
	.channel_changed = ltt_dir_channel_changed,
	.add_cpu = ltt_dir_add_cpu,
	.remove_cpu = ltt_dir_remove_cpu,
};
