/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note OR MIT */
/*
 * ltt-guest.h - the ioctls of ltt-guest.ko's files, for lttd.
 *
 * The module's directory (LTT_GUEST_DIR, in debugfs) has the directory
 * source's layout (include/ltt/directory_layout.h). Because the kernel's
 * writers use CPU-local atomics and lttd may not write the control part of
 * a buffer, what lttd does itself on a user-space producer's files is asked
 * of the module here:
 *
 * on enable.map (opened read-write, flock'ed by the session that owns it):
 *   LTT_GUEST_SETUP      reallocate every CPU's buffer with this geometry
 *                        and mode (EBUSY while a buffer file is open);
 *                        channel.json and the cpu<N>.ltt files are
 *                        rewritten before it returns
 *   LTT_GUEST_STATEDUMP  write the event-channel -> irq statedump now
 * on cpu<N>.ltt:
 *   LTT_GUEST_SWITCH     ltt_switch(arg) on that CPU; returns 1 (a packet
 *                        was closed) or 0 (nothing to close); ENOSPC when
 *                        an empty packet could not be opened
 *   LTT_GUEST_GET_SUBBUF overwrite mode: swap the oldest complete
 *                        sub-buffer out and lend it (ENODATA: none;
 *                        EIO: held but corrupt, put it back)
 *   LTT_GUEST_PUT_SUBBUF give it back
 *   read()               8 bytes: how many sub-buffers this CPU closed;
 *                        poll() says readable while that count differs
 *                        from the one this open file last read
 */
#ifndef LTT_GUEST_UAPI_H
#define LTT_GUEST_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define LTT_GUEST_DIR "/sys/kernel/debug/ltt-guest"

struct ltt_guest_setup {
	__u32 mode; /* LTT_MODE_DISCARD or LTT_MODE_OVERWRITE */
	__u32 subbuf_order;
	__u32 nr_subbufs_order;
	__u32 reserved; /* 0 */
};

struct ltt_guest_subbuf {
	__u64 offset;  /* bytes into the file's data part */
	__u64 size;    /* packet bytes */
	__u64 seq;     /* packet_seq_num */
	__u64 skipped; /* sub-buffers overwritten before they were read */
};

#define LTT_GUEST_IOC_MAGIC 0xb7
#define LTT_GUEST_SETUP _IOW(LTT_GUEST_IOC_MAGIC, 1, struct ltt_guest_setup)
#define LTT_GUEST_STATEDUMP _IO(LTT_GUEST_IOC_MAGIC, 2)
#define LTT_GUEST_SWITCH _IO(LTT_GUEST_IOC_MAGIC, 3)
#define LTT_GUEST_GET_SUBBUF \
	_IOR(LTT_GUEST_IOC_MAGIC, 4, struct ltt_guest_subbuf)
#define LTT_GUEST_PUT_SUBBUF _IO(LTT_GUEST_IOC_MAGIC, 5)

#endif /* LTT_GUEST_UAPI_H */
