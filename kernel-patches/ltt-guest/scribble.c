// SPDX-License-Identifier: GPL-2.0-only
/*
 * scribble.c - a hostile guest, for testing dom0's lttd only: with
 * scribble_ms=N (N > 0) the module, once dom0 has mapped its buffers (its
 * first request), writes random bytes into the memory dom0 reads every N ms,
 * racing dom0's consumer: packet bodies and headers, the loss counters and slot
 * counts, the write position, the consumer page, and the answers on the
 * control page. A guest owns that memory and may write anything into it at
 * any time; lttd must validate all of it (issue 16, e2e scenario
 * hostile-guest). Off by default; nothing else in the module depends on it.
 *
 * Only memory the guest's own writer can survive is touched: the writer
 * keeps its geometry in struct ltt_buf (private), masks every position by
 * the buffer size and never reads the data back, so garbage makes it lose
 * events, never write outside its buffer.
 */
#define pr_fmt(fmt) "ltt-guest: " fmt

#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/workqueue.h>

#include <ltt/guest_grant.h>

#include "ltt-guest.h"

static unsigned int scribble_ms;
module_param(scribble_ms, uint, 0444);
MODULE_PARM_DESC(scribble_ms, "TEST ONLY: scribble garbage over the buffers "
			      "dom0 reads every N ms (0: never)");

/* Writes per round, so one round hits several places. */
#define LTT_SCRIBBLE_WRITES 8
/*
 * The positions are left alone until this many sub-buffers closed since
 * the scribbling began, then hit about once in 64 tries: a garbage
 * position makes dom0 give the buffer up (what it must do), after which
 * nothing else of it is read; the packets' checks get their turn first.
 */
#define LTT_SCRIBBLE_SAFE_SUBBUFS 16

static struct ltt_gg_control *ltt_scribble_ctl;
static struct delayed_work ltt_scribble_work;
static bool ltt_scribble_running;
static unsigned long ltt_scribble_rounds;
static atomic_t ltt_scribble_closed;

static void ltt_scribble_bytes(u8 *p, size_t n)
{
	get_random_bytes(p, n);
}

/* One random write into one vCPU's buffer or the control page. */
static void ltt_scribble_once(struct ltt_guest_cpu *c)
{
	const struct ltt_dir_layout *l = &c->layout;
	u8 *mem = c->mem;
	struct ltt_buf_ctl *ctl = (struct ltt_buf_ctl *)mem;
	struct ltt_buf_slot *slots = ltt_ctl_slots(ctl);
	u32 nr_subbufs = c->buf.nr_subbufs;
	u32 r = get_random_u32();
	bool positions = atomic_read(&ltt_scribble_closed) >=
				 LTT_SCRIBBLE_SAFE_SUBBUFS &&
			 get_random_u32() % 64 == 0;
	u64 off;

	switch (r % 16) {
	case 0 ... 5: /* a packet body */
		off = get_random_u32() % (u32)l->data_size;
		ltt_scribble_bytes(mem + l->data_offset + off,
				   min_t(u64, 1 + get_random_u32() % 32,
					 l->data_size - off));
		break;
	case 6 ... 8: /* a packet header field */
		off = (u64)(get_random_u32() % (nr_subbufs + 1)) *
		      c->buf.subbuf_size;
		off += get_random_u32() % (LTT_PKT_HEADER_SIZE - 8);
		ltt_scribble_bytes(mem + l->data_offset + off, 8);
		break;
	case 9 ... 10: /* a loss counter: down, or absurd */
		ltt_scribble_bytes(
			(u8 *)&ctl->lost[get_random_u32() % LTT_LOST_NR], 8);
		break;
	case 11 ... 12: /* a slot's record count */
		ltt_scribble_bytes(
			(u8 *)&slots[get_random_u32() % nr_subbufs].records, 8);
		break;
	case 13: /* dom0's position, on the consumer page */
		if (positions)
			ltt_scribble_bytes(mem + l->cons_offset, 8);
		break;
	case 14: /* the answers dom0 waits for */
		if (ltt_scribble_ctl) {
			ltt_scribble_bytes((u8 *)&ltt_scribble_ctl->done_seq,
					   8);
			ltt_scribble_bytes(
				ltt_scribble_ctl->flush_result,
				sizeof(ltt_scribble_ctl->flush_result));
		}
		break;
	default: /* the write position */
		if (positions)
			ltt_scribble_bytes((u8 *)&ctl->offset, 8);
		break;
	}
}

static void ltt_scribble_round(struct work_struct *work)
{
	unsigned int i, cpu;

	for (i = 0; i < LTT_SCRIBBLE_WRITES; i++) {
		cpu = get_random_u32() % nr_cpu_ids;
		if (cpu < nr_cpu_ids && ltt_guest_cpus[cpu])
			ltt_scribble_once(ltt_guest_cpus[cpu]);
	}
	ltt_scribble_rounds++;
	if (READ_ONCE(ltt_scribble_running))
		schedule_delayed_work(&ltt_scribble_work,
				      msecs_to_jiffies(scribble_ms));
}

/* dom0 reads the buffers (ctl: the control page, or NULL); once. */
void ltt_scribble_start(struct ltt_gg_control *ctl)
{
	if (!scribble_ms || ltt_scribble_running)
		return;
	ltt_scribble_ctl = ctl;
	atomic_set(&ltt_scribble_closed, 0);
	INIT_DELAYED_WORK(&ltt_scribble_work, ltt_scribble_round);
	WRITE_ONCE(ltt_scribble_running, true);
	pr_warn("TEST ONLY: scribbling over the buffers dom0 reads every %u "
		"ms\n",
		scribble_ms);
	schedule_delayed_work(&ltt_scribble_work,
			      msecs_to_jiffies(scribble_ms));
}

/* Before the buffers or the control page go. */
void ltt_scribble_stop(void)
{
	if (!ltt_scribble_running)
		return;
	WRITE_ONCE(ltt_scribble_running, false);
	cancel_delayed_work_sync(&ltt_scribble_work);
	ltt_scribble_ctl = NULL;
	pr_info("scribbled %lu rounds of %u writes\n", ltt_scribble_rounds,
		LTT_SCRIBBLE_WRITES);
}

/* A sub-buffer closed (any context): counts toward scribbling positions. */
void ltt_scribble_subbuf_closed(void)
{
	if (READ_ONCE(ltt_scribble_running))
		atomic_inc(&ltt_scribble_closed);
}
