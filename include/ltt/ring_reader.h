/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * ltt/ring_reader.h - the consumer side of the ring buffer: take the next
 * complete sub-buffer (a whole CTF packet), hand it out, give it back.
 * Freestanding C so that it runs in lttd (through libltt) and, for Xen's
 * overwrite mode, inside the hypervisor on dom0's behalf.
 *
 * The control memory it reads may be hostile (a buffer file lttd did not
 * write, or a confused writer): the geometry is validated once at init and
 * copied, and every packet handed out is checked to lie inside its
 * sub-buffer, so nothing here reads out of bounds whatever the memory holds.
 *
 * Discard mode: sub-buffers are read in place; putting one back advances
 * the consumed position the writer waits on.
 * Overwrite mode: the reader swaps its spare sub-buffer into the slot it
 * reads (one compare-and-swap on the slot's entry), so the writer never
 * waits for it and never writes into what the reader holds; sub-buffers the
 * writer reused before the reader came are skipped and reported.
 */
#ifndef LTT_RING_READER_H
#define LTT_RING_READER_H

#include <ltt-env.h>
#include <ltt/compiler.h>
#include <ltt/packet.h>
#include <ltt/ring_layout.h>

struct ltt_reader {
	struct ltt_buf_ctl *ctl;
	struct ltt_buf_slot *slots;
	struct ltt_consumer_page *cons;
	uint8_t *data;
	uint64_t subbuf_size;
	uint32_t subbuf_order;
	uint32_t buf_order;
	uint32_t nr_subbufs;
	uint32_t mode;
	uint64_t pos;	/* sub-buffer count of the next one to read */
	uint64_t spare; /* overwrite: physical sub-buffer the reader owns */
	uint64_t held;	/* physical sub-buffer handed out, while holding */
	int holding;
};

/* One packet handed out by ltt_reader_get(). */
struct ltt_subbuf {
	const uint8_t *packet;
	uint64_t size;	  /* bytes: the packet's packet_size / 8 */
	uint64_t seq;	  /* its packet_seq_num */
	uint64_t skipped; /* overwrite: sub-buffers reused before we came */
};

#define LTT_READER_OK 0
#define LTT_READER_EMPTY 1   /* nothing complete to read now */
#define LTT_READER_INVALID 2 /* the memory does not hold a sane buffer */

/*
 * Validates the control memory against the sizes the caller mapped and sets
 * up a reader. ctl_len and data_len are the bytes actually available.
 */
static inline int ltt_reader_init(struct ltt_reader *r, void *ctl_mem,
				  uint64_t ctl_len, void *cons_mem, void *data,
				  uint64_t data_len)
{
	struct ltt_buf_ctl *ctl = (struct ltt_buf_ctl *)ctl_mem;
	uint32_t so, no;

	if (ctl_len < sizeof(*ctl))
		return LTT_READER_INVALID;
	so = ltt_env_read_once32(&ctl->subbuf_order);
	no = ltt_env_read_once32(&ctl->nr_subbufs_order);
	if (ltt_env_read_once32(&ctl->magic) != LTT_BUF_MAGIC ||
	    ltt_env_read_once32(&ctl->version) != LTT_BUF_VERSION ||
	    so < LTT_SUBBUF_ORDER_MIN || so > LTT_SUBBUF_ORDER_MAX ||
	    no < LTT_NR_SUBBUFS_ORDER_MIN || no > LTT_NR_SUBBUFS_ORDER_MAX ||
	    ltt_env_read_once32(&ctl->mode) > LTT_MODE_OVERWRITE ||
	    ctl_len < ltt_ctl_size(no) || data_len < ltt_data_size(so, no))
		return LTT_READER_INVALID;

	r->ctl = ctl;
	r->slots = ltt_ctl_slots(ctl);
	r->cons = (struct ltt_consumer_page *)cons_mem;
	r->data = (uint8_t *)data;
	r->subbuf_order = so;
	r->buf_order = so + no;
	r->subbuf_size = (uint64_t)1 << so;
	r->nr_subbufs = 1u << no;
	r->mode = ltt_env_read_once32(&ctl->mode);
	r->pos = ltt_env_read_once(&r->cons->consumed) >> so;
	r->spare = r->nr_subbufs;
	r->held = 0;
	r->holding = 0;
	return LTT_READER_OK;
}

/* Checks the packet in physical sub-buffer `phys` and describes it. */
static inline int ltt_reader_describe(struct ltt_reader *r, uint64_t phys,
				      struct ltt_subbuf *sb)
{
	const uint8_t *p = r->data + (phys << r->subbuf_order);
	uint64_t psize = ltt_get_le(p + LTT_PKT_OFF_PACKET_SIZE, 8);
	uint64_t csize = ltt_get_le(p + LTT_PKT_OFF_CONTENT_SIZE, 8);

	if (ltt_get_le(p + LTT_PKT_OFF_MAGIC, 4) != LTT_CTF_MAGIC ||
	    (psize & 7) || psize / 8 > r->subbuf_size ||
	    psize < LTT_PKT_HEADER_SIZE * 8 || csize > psize ||
	    csize < LTT_PKT_HEADER_SIZE * 8)
		return LTT_READER_INVALID;
	sb->packet = p;
	sb->size = psize / 8;
	sb->seq = ltt_get_le(p + LTT_PKT_OFF_PACKET_SEQ_NUM, 8);
	return LTT_READER_OK;
}

/* The write position, for fill levels and for knowing what is complete. */
static inline uint64_t ltt_reader_write_pos(const struct ltt_reader *r)
{
	return ltt_env_load_acquire(&r->ctl->offset);
}

/*
 * Takes the next complete sub-buffer. On LTT_READER_OK the packet stays
 * valid and untouched by the writer until ltt_reader_put(). On
 * LTT_READER_INVALID for a sub-buffer whose packet is corrupt, the reader
 * still holds it: ltt_reader_put() skips it.
 */
static inline int ltt_reader_get(struct ltt_reader *r, struct ltt_subbuf *sb)
{
	uint64_t wpos, cur, oldest, e, pos, want;
	struct ltt_buf_slot *s;
	int ret;

	if (r->holding)
		return LTT_READER_INVALID;
	sb->skipped = 0;
	wpos = ltt_reader_write_pos(r);
	cur = wpos >> r->subbuf_order;

	if (r->mode == LTT_MODE_DISCARD) {
		pos = r->pos;
		if (pos > cur || cur - pos > r->nr_subbufs)
			return LTT_READER_INVALID;
		s = &r->slots[pos & (r->nr_subbufs - 1)];
		want = ((pos >> (r->buf_order - r->subbuf_order)) + 1)
		       << r->subbuf_order;
		if (ltt_env_load_acquire(&s->commit) != want)
			return LTT_READER_EMPTY;
		r->held = pos & (r->nr_subbufs - 1);
		r->holding = 1;
		return ltt_reader_describe(r, r->held, sb);
	}

	/* Overwrite mode: what is older than the writer's n previous
	 * sub-buffers has been reused (the slot tags tell about the rest). */
	oldest = cur >= r->nr_subbufs ? cur - r->nr_subbufs : 0;
	if (r->pos < oldest) {
		sb->skipped += oldest - r->pos;
		r->pos = oldest;
	}
	for (; r->pos <= cur; r->pos++, sb->skipped++) {
		pos = r->pos;
		s = &r->slots[pos & (r->nr_subbufs - 1)];
		e = ltt_env_load_acquire(&s->entry);
		if (!ltt_entry_is_for(e, pos)) {
			/* not opened yet for this use: nothing newer either */
			if ((e >> LTT_ENTRY_TAG_SHIFT) <
			    (pos & LTT_ENTRY_TAG_MASK))
				return LTT_READER_EMPTY;
			continue; /* reused already */
		}
		if (ltt_entry_taken(e))
			continue;
		/* the slot table may be forged: stay inside the data area */
		if (ltt_entry_phys(e) > r->nr_subbufs)
			return LTT_READER_INVALID;
		want = ((pos >> (r->buf_order - r->subbuf_order)) + 1)
		       << r->subbuf_order;
		if (ltt_env_load_acquire(&s->commit) != want)
			return LTT_READER_EMPTY;
		if (ltt_env_cmpxchg(&s->entry, e,
				    ltt_entry_make(r->spare, 1, pos)) != e) {
			/* the writer claimed the slot meanwhile: look again */
			r->pos--;
			sb->skipped--;
			continue;
		}
		ret = ltt_reader_describe(r, ltt_entry_phys(e), sb);
		r->held = ltt_entry_phys(e);
		r->holding = 1;
		return ret;
	}
	return LTT_READER_EMPTY;
}

/* Gives back the sub-buffer taken by ltt_reader_get(). */
static inline void ltt_reader_put(struct ltt_reader *r)
{
	if (!r->holding)
		return;
	r->holding = 0;
	if (r->mode == LTT_MODE_OVERWRITE)
		r->spare = r->held;
	r->pos++;
	ltt_env_store_release(&r->cons->consumed, r->pos << r->subbuf_order);
}

#endif /* LTT_RING_READER_H */
