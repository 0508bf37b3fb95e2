/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * ltt/directory_layout.h - the directory source's layout: what a producer
 * of per-CPU buffer files (ltt-stress, the guest kernel module ltt-guest.ko)
 * and lttd agree on. Freestanding C: types come from <ltt-env.h>.
 * ltt-daemon/README.md ("The directory source") describes it in full.
 *
 *   channel.json   the channel, written before any buffer file
 *   cpu<N>.ltt     one ring buffer per CPU:
 *                    [struct ltt_buf_ctl + slots, padded to 4096]
 *                    [struct ltt_consumer_page, padded to 4096]
 *                    [data: ltt_data_size() bytes]
 *   enable.map     one byte per event id (LTT_DIR_ENABLE_MAP_SIZE bytes),
 *                  written by lttd: non-zero = enabled; all zero = stopped
 *   notify         a FIFO a user-space producer writes a byte to when one
 *                  of its buffers completes a sub-buffer (ltt-guest.ko has
 *                  none: its cpu<N>.ltt files poll() readable instead)
 */
#ifndef LTT_DIRECTORY_LAYOUT_H
#define LTT_DIRECTORY_LAYOUT_H

#include <ltt-env.h>
#include <ltt/ring_layout.h>

#define LTT_DIR_CHANNEL_FILE "channel.json"
#define LTT_DIR_ENABLE_MAP "enable.map"
#define LTT_DIR_NOTIFY_FIFO "notify"
#define LTT_DIR_PAGE_SIZE 4096u
#define LTT_DIR_ENABLE_MAP_SIZE 65536u /* one byte per possible event id */
#define LTT_DIR_MAX_CPUS 4096u

/* Where the three pieces of a cpu<N>.ltt file are, for one geometry. */
struct ltt_dir_layout {
	uint64_t ctl_size;    /* ltt_ctl_size(): what the control part uses */
	uint64_t cons_offset; /* the consumer page: the only part lttd writes */
	uint64_t data_offset;
	uint64_t data_size; /* ltt_data_size() */
	uint64_t file_size; /* the exact size the file has */
};

static inline uint64_t ltt_dir_page_align(uint64_t n)
{
	return (n + LTT_DIR_PAGE_SIZE - 1) & ~(uint64_t)(LTT_DIR_PAGE_SIZE - 1);
}

static inline struct ltt_dir_layout
ltt_dir_layout_for(uint32_t subbuf_order, uint32_t nr_subbufs_order)
{
	struct ltt_dir_layout l;

	l.ctl_size = ltt_ctl_size(nr_subbufs_order);
	l.cons_offset = ltt_dir_page_align(l.ctl_size);
	l.data_offset = l.cons_offset + LTT_DIR_PAGE_SIZE;
	l.data_size = ltt_data_size(subbuf_order, nr_subbufs_order);
	l.file_size = l.data_offset + l.data_size;
	return l;
}

#endif /* LTT_DIRECTORY_LAYOUT_H */
