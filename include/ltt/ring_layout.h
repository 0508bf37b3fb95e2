/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * ltt/ring_layout.h - the memory a per-CPU ring buffer is made of, shared
 * between the writer (Xen, the guest kernel, a user-space program) and the
 * consumer (lttd). Freestanding C: types come from <ltt-env.h>.
 *
 * A buffer is three pieces, which need not be contiguous:
 *
 *   control   struct ltt_buf_ctl + n struct ltt_buf_slot: written by the
 *             writer only, read by the consumer (in Xen: shared read-only
 *             with dom0);
 *   consumer  struct ltt_consumer_page: written by the consumer (its read
 *             position); the writer reads it and never trusts it;
 *   data      (n + 1) sub-buffers of S bytes; each sub-buffer is a CTF
 *             packet (ltt/packet.h). The extra one is the reader's spare in
 *             overwrite mode.
 *
 * Positions are free-running 64-bit byte offsets: the sub-buffer count of a
 * position p is p >> subbuf_order, its slot (p >> subbuf_order) & (n - 1),
 * its wrap (how many times the writer went round) p >> buf_order.
 */
#ifndef LTT_RING_LAYOUT_H
#define LTT_RING_LAYOUT_H

#include <ltt-env.h>
#include <ltt/compiler.h>
#include <ltt/packet.h>

#define LTT_BUF_MAGIC 0x4254544cu /* "LTTB" little-endian */
#define LTT_BUF_VERSION 1u

#define LTT_MODE_DISCARD 0u   /* full buffer: drop the new record, count it */
#define LTT_MODE_OVERWRITE 1u /* flight recorder: reuse the oldest unread */

/* Sub-buffers from 512 bytes to 64 MiB, 2 to 4096 of them. */
#define LTT_SUBBUF_ORDER_MIN 9u
#define LTT_SUBBUF_ORDER_MAX 26u
#define LTT_NR_SUBBUFS_ORDER_MIN 1u
#define LTT_NR_SUBBUFS_ORDER_MAX 12u

/* Writers nested deeper than this on one CPU (interrupt in interrupt in
 * NMI...) are refused and counted: deeper nesting means a tracepoint is
 * recursing. */
#define LTT_MAX_NESTING 4u

/* Why records were lost; each has its own counter. */
enum ltt_lost_kind {
	LTT_LOST_FULL = 0,	  /* discard mode, no free sub-buffer */
	LTT_LOST_OVERWRITTEN = 1, /* overwrite mode, overwritten unread */
	LTT_LOST_BUSY = 2,	  /* next sub-buffer still being committed */
	LTT_LOST_NESTED = 3,	  /* nesting guard */
	LTT_LOST_TOO_BIG = 4,	  /* record larger than a sub-buffer */
	LTT_LOST_NR = 5
};

struct ltt_buf_ctl {
	uint32_t magic;
	uint32_t version;
	uint32_t cpu;
	uint32_t mode;
	uint32_t header_type; /* LTT_HDR_COMPACT or LTT_HDR_LARGE */
	uint32_t subbuf_order;
	uint32_t nr_subbufs_order;
	uint32_t reserved0;
	uint8_t uuid[LTT_UUID_LEN];
	uint64_t offset;   /* write position */
	uint64_t last_tsc; /* TSC of a recent record (never newer than the
			      last one reserved): extended-header decision */
	uint64_t lost[LTT_LOST_NR];
	uint64_t consumer_errors; /* invalid consumer positions seen */
	uint64_t reserved1[5];
};

/*
 * Per sub-buffer slot. `commit` counts bytes committed into the slot over
 * all its uses: use w (the slot's w-th time round) is complete exactly when
 * commit == (w + 1) * S, which is what makes it ready for the reader and
 * reusable by the writer. `records` counts records committed, so the
 * records of one use are records - rec_base.
 *
 * `entry` (overwrite mode only) says which physical sub-buffer the slot
 * writes to and who holds it:
 *   bits 0-15  physical sub-buffer index (0..n)
 *   bit  16    TAKEN: the reader swapped the use's data out (and its spare
 *              in), so reusing the slot loses nothing
 *   bits 17-63 the sub-buffer count of the use the entry belongs to
 */
struct ltt_buf_slot {
	uint64_t commit;
	uint64_t records;
	uint64_t rec_base;
	uint64_t entry;
};

#define LTT_ENTRY_PHYS_MASK 0xffffull
#define LTT_ENTRY_TAKEN (1ull << 16)
#define LTT_ENTRY_TAG_SHIFT 17
#define LTT_ENTRY_TAG_MASK ((1ull << (64 - LTT_ENTRY_TAG_SHIFT)) - 1)

static inline uint64_t ltt_entry_make(uint64_t phys, int taken, uint64_t tag)
{
	return (phys & LTT_ENTRY_PHYS_MASK) | (taken ? LTT_ENTRY_TAKEN : 0) |
	       ((tag & LTT_ENTRY_TAG_MASK) << LTT_ENTRY_TAG_SHIFT);
}

static inline uint64_t ltt_entry_phys(uint64_t e)
{
	return e & LTT_ENTRY_PHYS_MASK;
}

static inline int ltt_entry_taken(uint64_t e)
{
	return (e & LTT_ENTRY_TAKEN) != 0;
}

static inline int ltt_entry_is_for(uint64_t e, uint64_t subbuf_count)
{
	return (e >> LTT_ENTRY_TAG_SHIFT) ==
	       (subbuf_count & LTT_ENTRY_TAG_MASK);
}

/* Written by the consumer. Kept on its own page in Xen. */
struct ltt_consumer_page {
	uint64_t consumed; /* discard mode: position of the next sub-buffer
			      the consumer will read; all before it is free */
	uint64_t reserved[7];
};

static inline struct ltt_buf_slot *ltt_ctl_slots(struct ltt_buf_ctl *ctl)
{
	return (struct ltt_buf_slot *)(void *)(ctl + 1);
}

/* Bytes of control memory for 2^nr_subbufs_order slots. */
static inline size_t ltt_ctl_size(uint32_t nr_subbufs_order)
{
	return sizeof(struct ltt_buf_ctl) +
	       ((size_t)1 << nr_subbufs_order) * sizeof(struct ltt_buf_slot);
}

/* Bytes of data memory: n sub-buffers plus the reader's spare. */
static inline uint64_t ltt_data_size(uint32_t subbuf_order,
				     uint32_t nr_subbufs_order)
{
	return (((uint64_t)1 << nr_subbufs_order) + 1) << subbuf_order;
}

/* Little-endian stores/loads into packet memory (x86 is little-endian; the
 * byte-wise form keeps this correct and alignment-free anywhere). */
static inline void ltt_put_le(uint8_t *p, uint64_t v, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t ltt_get_le(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

#endif /* LTT_RING_LAYOUT_H */
