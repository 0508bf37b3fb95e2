/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * ltt/ring.h - the writer side of the lockless per-CPU ring buffer, compiled
 * into Xen, the guest kernel module and user space. Freestanding C (gnu11,
 * also valid C++): the primitives come from <ltt-env.h> (see
 * ltt/tracepoint.h for the list).
 *
 * Design, after lttng-modules' ring buffer (frontend/backend split reduced
 * to what ltt-xen needs):
 *
 * - reserve: a CPU-local compare-and-swap moves the write position past the
 *   record; the TSC is read inside the loop, so records are in TSC order in
 *   the buffer even when an interrupt reserves in between;
 * - write: copy the payload into the reserved bytes;
 * - commit: add the record's size to its sub-buffer slot's commit counter;
 *   a sub-buffer is ready for the reader when every byte of it is
 *   committed, however the reservations interleaved.
 * - No locks, no interrupt masking. A nested writer (interrupt, NMI, signal
 *   handler) on the same CPU simply makes the outer CAS fail and retry, or
 *   reserves after it; a nesting guard refuses pathological depth.
 * - Sub-buffers are opened lazily by the first record that needs them and
 *   closed by the record that does not fit (or by ltt_switch()). A record
 *   never fills a sub-buffer to its last byte, so every use has a closer,
 *   which writes the packet's end fields and commits the rest: opening
 *   writes the packet header/context in place, closing writes the end
 *   timestamp, sizes and the cumulative loss count and commits the unused
 *   tail, so a closed packet carries no padding on disk.
 *
 * Concurrency contract: every writer of a buffer runs on the buffer's CPU
 * (or, in user space, on the thread owning it, plus its signal handlers).
 * ltt_switch() may be called from elsewhere only if the environment's
 * ltt_env_cmpxchg_local() is SMP-safe (user space), and then through its own
 * struct ltt_buf (the nesting counter is per descriptor); in Xen and Linux
 * it runs on the buffer's CPU (timer or IPI).
 */
#ifndef LTT_RING_H
#define LTT_RING_H

#include <ltt-env.h>
#include <ltt/packet.h>
#include <ltt/event_header.h>
#include <ltt/ring_layout.h>

/* The writer's own view of one per-CPU buffer. Configuration is copied here
 * at init and never re-read from shared memory. */
struct ltt_buf {
	struct ltt_buf_ctl *ctl;
	struct ltt_buf_slot *slots;
	struct ltt_consumer_page *cons; /* untrusted */
	uint8_t *data;
	uint64_t subbuf_size;
	uint64_t buf_size;
	uint32_t subbuf_order;
	uint32_t buf_order;
	uint32_t nr_subbufs;
	uint32_t mode;
	uint32_t header_type;
	uint32_t cpu;
	uint32_t nesting;
	uint8_t uuid[LTT_UUID_LEN];
};

struct ltt_buf_config {
	uint32_t cpu;
	uint32_t mode;
	uint32_t header_type;
	uint32_t subbuf_order;
	uint32_t nr_subbufs_order;
	uint8_t uuid[LTT_UUID_LEN];
};

/* One reservation in flight. */
struct ltt_reserve_ctx {
	struct ltt_buf *buf;
	uint8_t *dst;	  /* the record's first byte after its header */
	uint32_t slot;	  /* slot index */
	uint32_t size;	  /* header + payload */
	uint32_t written; /* payload bytes written so far */
	uint32_t payload;
};

static inline void ltt_lost(struct ltt_buf *b, enum ltt_lost_kind kind)
{
	ltt_env_add_local(&b->ctl->lost[kind], 1);
}

static inline uint64_t ltt_lost_total(const struct ltt_buf_ctl *ctl)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < LTT_LOST_NR; i++)
		sum += ltt_env_read_once(&ctl->lost[i]);
	return sum;
}

static inline uint8_t *ltt_slot_data(struct ltt_buf *b, uint32_t slot)
{
	uint64_t phys = slot;

	if (b->mode == LTT_MODE_OVERWRITE) {
		phys = ltt_entry_phys(ltt_env_read_once(&b->slots[slot].entry));
		/* a switch run by a consumer on a buffer file may see a forged
		 * table: stay inside the data area, whatever it says */
		if (phys > b->nr_subbufs)
			phys = b->nr_subbufs;
	}
	return b->data + (phys << b->subbuf_order);
}

/*
 * Fills a writer descriptor for buffer memory that is (or will be)
 * initialised, without touching that memory: for a second descriptor of the
 * same buffer (a flushing thread) or for a buffer set up elsewhere.
 * Returns -1 when the geometry is out of range.
 */
static inline int ltt_buf_attach(struct ltt_buf *b, void *ctl_mem,
				 void *cons_mem, void *data,
				 const struct ltt_buf_config *cfg)
{
	if (cfg->subbuf_order < LTT_SUBBUF_ORDER_MIN ||
	    cfg->subbuf_order > LTT_SUBBUF_ORDER_MAX ||
	    cfg->nr_subbufs_order < LTT_NR_SUBBUFS_ORDER_MIN ||
	    cfg->nr_subbufs_order > LTT_NR_SUBBUFS_ORDER_MAX ||
	    cfg->mode > LTT_MODE_OVERWRITE || cfg->header_type > LTT_HDR_LARGE)
		return -1;

	b->ctl = (struct ltt_buf_ctl *)ctl_mem;
	b->slots = ltt_ctl_slots(b->ctl);
	b->cons = (struct ltt_consumer_page *)cons_mem;
	b->data = (uint8_t *)data;
	b->subbuf_order = cfg->subbuf_order;
	b->buf_order = cfg->subbuf_order + cfg->nr_subbufs_order;
	b->subbuf_size = (uint64_t)1 << cfg->subbuf_order;
	b->buf_size = (uint64_t)1 << b->buf_order;
	b->nr_subbufs = 1u << cfg->nr_subbufs_order;
	b->mode = cfg->mode;
	b->header_type = cfg->header_type;
	b->cpu = cfg->cpu;
	b->nesting = 0;
	ltt_env_memcpy(b->uuid, cfg->uuid, LTT_UUID_LEN);
	return 0;
}

/*
 * Initialises a buffer over caller-provided memory: ctl_mem of
 * ltt_ctl_size(), cons_mem of sizeof(struct ltt_consumer_page) and data of
 * ltt_data_size() bytes. Returns 0, or -1 when the geometry is out of range
 * (nothing is written then).
 */
static inline int ltt_buf_init(struct ltt_buf *b, void *ctl_mem, void *cons_mem,
			       void *data, const struct ltt_buf_config *cfg)
{
	struct ltt_buf_ctl *ctl = (struct ltt_buf_ctl *)ctl_mem;
	uint32_t i;

	if (ltt_buf_attach(b, ctl_mem, cons_mem, data, cfg))
		return -1;

	ltt_env_memset(ctl, 0, ltt_ctl_size(cfg->nr_subbufs_order));
	ltt_env_memset(b->cons, 0, sizeof(*b->cons));
	ctl->version = LTT_BUF_VERSION;
	ctl->cpu = cfg->cpu;
	ctl->mode = cfg->mode;
	ctl->header_type = cfg->header_type;
	ctl->subbuf_order = cfg->subbuf_order;
	ctl->nr_subbufs_order = cfg->nr_subbufs_order;
	ltt_env_memcpy(ctl->uuid, cfg->uuid, LTT_UUID_LEN);
	/* Every slot starts as "taken" with its own physical sub-buffer: the
	 * first use overwrites nothing. Sub-buffer n is the reader's spare.
	 * The tag is one no use ever has. */
	for (i = 0; i < b->nr_subbufs; i++)
		b->slots[i].entry = ltt_entry_make(i, 1, LTT_ENTRY_TAG_MASK);
	ltt_env_smp_wmb();
	ctl->magic = LTT_BUF_MAGIC;
	ltt_env_smp_wmb();
	return 0;
}

/*
 * May the writer open the sub-buffer starting at `begin`? Returns 0, or
 * the kind of loss. In overwrite mode this also claims the slot for the new
 * use and counts the records of the unread use it replaces.
 */
static inline int ltt_open_check(struct ltt_buf *b, uint64_t begin)
{
	uint32_t slot =
		(uint32_t)(begin >> b->subbuf_order) & (b->nr_subbufs - 1);
	struct ltt_buf_slot *s = &b->slots[slot];
	uint64_t wrap = begin >> b->buf_order;
	uint64_t count = begin >> b->subbuf_order;
	uint64_t e, records;

	/* The slot's previous use must be fully committed (a writer
	 * interrupted for a whole buffer's worth of records is still in it). */
	if (ltt_env_load_acquire(&s->commit) != wrap << b->subbuf_order)
		return LTT_LOST_BUSY + 1;

	if (b->mode == LTT_MODE_DISCARD) {
		/* Untrusted: a valid position is sub-buffer aligned and at most
		 * one buffer behind the writer. Anything else is counted and
		 * treated as "full": a broken consumer can stop the trace, not
		 * corrupt it. Acquire: the consumer's reads of the sub-buffer
		 * it released happen before we write into it again. */
		uint64_t consumed = ltt_env_load_acquire(&b->cons->consumed);

		if ((consumed & (b->subbuf_size - 1)) || consumed > begin ||
		    begin - consumed > b->buf_size) {
			ltt_env_add_local(&b->ctl->consumer_errors, 1);
			return LTT_LOST_FULL + 1;
		}
		if (begin - consumed == b->buf_size)
			return LTT_LOST_FULL + 1;
		return 0;
	}

	for (;;) {
		e = ltt_env_read_once(&s->entry);
		if (ltt_entry_is_for(e, count))
			return 0; /* claimed already (by us, or a nested writer)
				   */
		records = ltt_env_read_once(&s->records);
		if (ltt_env_cmpxchg(
			    &s->entry, e,
			    ltt_entry_make(ltt_entry_phys(e), 0, count)) == e)
			break;
		/* the reader took the old use meanwhile: look again */
	}
	if (!ltt_entry_taken(e))
		ltt_env_add_local(&b->ctl->lost[LTT_LOST_OVERWRITTEN],
				  records - ltt_env_read_once(&s->rec_base));
	ltt_env_write_once(&s->rec_base, records);
	return 0;
}

/* Writes the packet header and the beginning of the context of the
 * sub-buffer at `begin`. The end fields are left to whoever closes it: that
 * may happen before this runs (a nested writer filling the sub-buffer, or a
 * remote flush), and the slot completes only when both have committed. */
static inline void ltt_open_subbuf(struct ltt_buf *b, uint64_t begin,
				   uint64_t tsc)
{
	uint32_t slot =
		(uint32_t)(begin >> b->subbuf_order) & (b->nr_subbufs - 1);
	uint8_t *p = ltt_slot_data(b, slot);

	ltt_put_le(p + LTT_PKT_OFF_MAGIC, LTT_CTF_MAGIC, 4);
	ltt_env_memcpy(p + LTT_PKT_OFF_UUID, b->uuid, LTT_UUID_LEN);
	ltt_put_le(p + LTT_PKT_OFF_STREAM_ID, 0, 4);
	ltt_put_le(p + LTT_PKT_OFF_STREAM_INSTANCE_ID, b->cpu, 8);
	ltt_put_le(p + LTT_PKT_OFF_TIMESTAMP_BEGIN, tsc, 8);
	ltt_put_le(p + LTT_PKT_OFF_PACKET_SEQ_NUM, begin >> b->subbuf_order, 8);
	ltt_put_le(p + LTT_PKT_OFF_CPU_ID, b->cpu, 4);
	ltt_env_add_release(&b->slots[slot].commit, LTT_PKT_HEADER_SIZE);
}

/* Closes the sub-buffer whose content ends at position `end` (not on a
 * sub-buffer boundary): fills in the end of the packet context, then
 * commits the unused tail so the slot completes.
 *
 * `tsc` and `lost` were sampled after reading the position that the
 * closing CAS replaced and before that CAS: no record was reserved in
 * between, so tsc is no older than any record of the packet and no newer
 * than any of the next, and the loss counts of consecutive packets never
 * decrease, whatever order their closes then run in (a nested writer or a
 * remote flush can close the next packet first). */
static inline void ltt_close_subbuf(struct ltt_buf *b, uint64_t end,
				    uint64_t tsc, uint64_t lost)
{
	uint32_t slot =
		(uint32_t)(end >> b->subbuf_order) & (b->nr_subbufs - 1);
	uint64_t used = end & (b->subbuf_size - 1);
	uint8_t *p = ltt_slot_data(b, slot);

	ltt_put_le(p + LTT_PKT_OFF_TIMESTAMP_END, tsc, 8);
	ltt_put_le(p + LTT_PKT_OFF_CONTENT_SIZE, used * 8, 8);
	ltt_put_le(p + LTT_PKT_OFF_PACKET_SIZE, ((used + 7) & ~7ull) * 8, 8);
	ltt_put_le(p + LTT_PKT_OFF_EVENTS_DISCARDED, lost, 8);
	ltt_env_add_release(&b->slots[slot].commit, b->subbuf_size - used);
	/* The sub-buffer is complete once its last reservation commits:
	 * the environment may tell its consumer (Xen: raise the softirq that
	 * sends the VIRQ; it must be safe in any context, NMI included). */
	ltt_env_subbuf_closed(b);
}

/* ltt_reserve_switch(): the position moved under it, reserve afresh. */
#define LTT_RESERVE_AGAIN 1

/* The slow part of a reservation: the record opens a sub-buffer (and maybe
 * closes the current one). Kept out of line: it runs once per sub-buffer. */
static __attribute__((__noinline__)) int
ltt_reserve_switch(struct ltt_buf *b, struct ltt_reserve_ctx *ctx, uint32_t id,
		   uint32_t len, uint64_t old)
{
	uint64_t begin, tsc, lost_total = 0;
	uint32_t in_sb, hsize;
	int close, ext, lost;

	for (;;) {
		/* Ordered: this TSC starts a packet, so it must not be older
		 * than the end a remote ltt_switch() gave the previous one. */
		tsc = ltt_env_read_tsc_ordered();
		in_sb = (uint32_t)(old & (b->subbuf_size - 1));
		close = in_sb != 0;
		begin = close ? old - in_sb + b->subbuf_size : old;
		/* The packet's timestamp_begin is this record's TSC, so only
		 * the id can force the extended form. */
		ext = ltt_hdr_needs_extended(b->header_type, id, tsc, tsc);
		hsize = ltt_hdr_size(b->header_type, ext);
		if ((uint64_t)LTT_PKT_HEADER_SIZE + hsize + len >=
		    b->subbuf_size) {
			ltt_lost(b, LTT_LOST_TOO_BIG);
			return -1;
		}
		lost = ltt_open_check(b, begin);
		if (lost) {
			/* A nested writer (an interrupt) may have opened this
			 * very sub-buffer since `old` was read: its commits
			 * are what the check saw. The record may fit after
			 * its records: the caller starts again. */
			if (ltt_env_read_once(&b->ctl->offset) != old)
				return LTT_RESERVE_AGAIN;
			ltt_lost(b, (enum ltt_lost_kind)(lost - 1));
			return -1;
		}
		if (close)
			lost_total = ltt_lost_total(b->ctl);
		if (ltt_env_cmpxchg_local(&b->ctl->offset, old,
					  begin + LTT_PKT_HEADER_SIZE + hsize +
						  len) == old)
			break;
		old = ltt_env_read_once(&b->ctl->offset);
		in_sb = (uint32_t)(old & (b->subbuf_size - 1));
		if (in_sb) {
			/* someone (nested) opened a sub-buffer meanwhile: the
			 * record may fit in it now */
			uint64_t ref = ltt_env_read_once(&b->ctl->last_tsc);

			tsc = ltt_env_read_tsc();
			ext = ltt_hdr_needs_extended(b->header_type, id, tsc,
						     ref);
			hsize = ltt_hdr_size(b->header_type, ext);
			if (in_sb + hsize + len < b->subbuf_size &&
			    ltt_env_cmpxchg_local(&b->ctl->offset, old,
						  old + hsize + len) == old) {
				ltt_env_write_once(&b->ctl->last_tsc, tsc);
				ctx->slot = (uint32_t)(old >> b->subbuf_order) &
					    (b->nr_subbufs - 1);
				ctx->dst = ltt_slot_data(b, ctx->slot) + in_sb;
				goto reserved;
			}
			old = ltt_env_read_once(&b->ctl->offset);
		}
	}
	ltt_env_write_once(&b->ctl->last_tsc, tsc);
	if (close)
		ltt_close_subbuf(b, old, tsc, lost_total);
	ltt_open_subbuf(b, begin, tsc);
	ctx->slot = (uint32_t)(begin >> b->subbuf_order) & (b->nr_subbufs - 1);
	ctx->dst = ltt_slot_data(b, ctx->slot) + LTT_PKT_HEADER_SIZE;
reserved:
	ctx->buf = b;
	ctx->size = hsize + len;
	ctx->payload = len;
	ctx->written = 0;
	ctx->dst += ltt_hdr_write(ctx->dst, b->header_type, ext, id, tsc);
	return 0;
}

/*
 * Reserves a record of event `id` with `len` payload bytes. Returns 0 when
 * the caller must write exactly `len` bytes with ltt_write() and then call
 * ltt_commit(); -1 when the record was dropped (already counted).
 */
static inline int ltt_reserve(struct ltt_buf *b, struct ltt_reserve_ctx *ctx,
			      uint32_t id, uint32_t len)
{
	uint64_t old, tsc, ref;
	uint32_t in_sb, hsize;
	int ext, ret;

	if (b->nesting >= LTT_MAX_NESTING) {
		ltt_lost(b, LTT_LOST_NESTED);
		return -1;
	}
	b->nesting++;
	ltt_env_barrier();

	for (;;) {
		old = ltt_env_read_once(&b->ctl->offset);
		in_sb = (uint32_t)(old & (b->subbuf_size - 1));
		ref = ltt_env_read_once(&b->ctl->last_tsc);
		tsc = ltt_env_read_tsc();
		ext = ltt_hdr_needs_extended(b->header_type, id, tsc, ref);
		hsize = ltt_hdr_size(b->header_type, ext);
		if (__builtin_expect(in_sb == 0 || in_sb + hsize + len >=
							   b->subbuf_size,
				     0)) {
			ret = ltt_reserve_switch(b, ctx, id, len, old);
			if (ret == LTT_RESERVE_AGAIN)
				continue;
			goto out;
		}
		if (ltt_env_cmpxchg_local(&b->ctl->offset, old,
					  old + hsize + len) == old)
			break;
	}
	ltt_env_write_once(&b->ctl->last_tsc, tsc);
	ctx->buf = b;
	ctx->slot = (uint32_t)(old >> b->subbuf_order) & (b->nr_subbufs - 1);
	ctx->dst = ltt_slot_data(b, ctx->slot) + in_sb;
	ctx->size = hsize + len;
	ctx->payload = len;
	ctx->written = 0;
	ctx->dst += ltt_hdr_write(ctx->dst, b->header_type, ext, id, tsc);
	ret = 0;
out:
	if (ret) {
		ltt_env_barrier();
		b->nesting--;
	}
	return ret;
}

static inline void ltt_write(struct ltt_reserve_ctx *ctx, const void *src,
			     uint32_t len)
{
	/* Never past the reservation, whatever the caller does. */
	if (len > ctx->payload - ctx->written)
		len = ctx->payload - ctx->written;
	ltt_env_memcpy(ctx->dst + ctx->written, src, len);
	ctx->written += len;
}

static inline void ltt_commit(struct ltt_reserve_ctx *ctx)
{
	struct ltt_buf *b = ctx->buf;
	struct ltt_buf_slot *s = &b->slots[ctx->slot];

	/* Only this CPU's writers touch `records` (a remote switch never
	 * does), so the cheapest nesting-safe increment is enough. */
	ltt_env_inc_owner(&s->records);
	/* release: the record's bytes are visible before the count says so */
	ltt_env_add_release(&s->commit, ctx->size);
	ltt_env_barrier();
	b->nesting--;
}

#define LTT_SWITCH_ACTIVE 0 /* close the current packet if it has one */
#define LTT_SWITCH_EMPTY                                \
	1 /* ...and if it has none, write an empty one, \
	     so the latest loss count reaches the trace */

/*
 * Closes the current sub-buffer early: for the periodic flush of slow CPUs,
 * before a snapshot, and at stop. Returns 1 if a packet was closed, 0 if
 * there was nothing to close, -1 if an empty packet could not be opened
 * (buffer full or busy; nothing is counted lost: no record was refused).
 */
static inline int ltt_switch(struct ltt_buf *b, int flags)
{
	uint64_t old, tsc, lost;
	uint32_t in_sb;

	for (;;) {
		old = ltt_env_read_once(&b->ctl->offset);
		in_sb = (uint32_t)(old & (b->subbuf_size - 1));
		if (!in_sb && !(flags & LTT_SWITCH_EMPTY))
			return 0;
		if (!in_sb && ltt_open_check(b, old))
			return -1;
		/* Samples for ltt_close_subbuf(), taken after reading `old`
		 * (the ordered read keeps the TSC read there even when this
		 * runs on another CPU than the writers). */
		lost = ltt_lost_total(b->ctl);
		tsc = ltt_env_read_tsc_ordered();
		if (ltt_env_cmpxchg_local(&b->ctl->offset, old,
					  old - in_sb + b->subbuf_size) == old)
			break;
	}
	if (!in_sb) {
		ltt_open_subbuf(b, old, tsc);
		old += LTT_PKT_HEADER_SIZE;
	}
	ltt_close_subbuf(b, old, tsc, lost);
	return 1;
}

#endif /* LTT_RING_H */
