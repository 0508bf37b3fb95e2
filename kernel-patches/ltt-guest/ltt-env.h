/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * <ltt-env.h> for the Linux guest module ltt-guest.ko (dom0 and domU): the
 * primitives include/ltt/ring.h and the generated kernel tracepoints need
 * (the list is in ltt/tracepoint.h), made of Linux's own.
 *
 * A buffer belongs to one CPU and all its writers run on that CPU: task
 * context with preemption disabled (ltt_env_write_begin), and the
 * interrupts and NMIs that nest on it. So the "local" operations only need
 * to be atomic against interrupts on the same CPU (no LOCK prefix on x86),
 * while what the consumer reads from another CPU is published with
 * release/acquire ordering.
 *
 * The module defines ltt_event_enabled[] (one byte per event id of the
 * kernel channel, LTT_NR_EVENTS of the generated ltt-facilities.h), the
 * per-CPU pointer ltt_guest_cpu_buf and ltt_guest_subbuf_closed().
 */
#ifndef LTT_ENV_LINUX_H
#define LTT_ENV_LINUX_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/string.h>
#include <linux/build_bug.h>
#include <asm/barrier.h>
#include <asm/cmpxchg.h>
#include <asm/local64.h>
#include <asm/msr.h>

struct ltt_buf;

/* One byte per event id: a disabled tracepoint costs this one load. */
extern unsigned char ltt_event_enabled[];
#define LTT_ENV_EVENT_ENABLED(id) READ_ONCE(ltt_event_enabled[(id)])

DECLARE_PER_CPU(struct ltt_buf *, ltt_guest_cpu_buf);

/*
 * Pins the writer to its CPU from reserve to commit: kernel code may be
 * preempted and migrated, and a CPU-local compare-and-swap on another
 * CPU's buffer would race with that CPU's writers. The _notrace variants
 * keep the function tracer out of the tracer.
 */
static __always_inline void ltt_env_write_begin(void)
{
	preempt_disable_notrace();
}

static __always_inline void ltt_env_write_end(void)
{
	preempt_enable_notrace();
}

/* NULL when this CPU has no buffer (not traced, or not set up yet). */
static __always_inline struct ltt_buf *ltt_env_current_buf(void)
{
	return this_cpu_read(ltt_guest_cpu_buf);
}

/*
 * The TSC, the time base of every ltt-xen trace. rdtsc_ordered() keeps the
 * read from being executed ahead of the reservation that it timestamps.
 * A PV or PVH guest reads the host TSC; an HVM guest's TSC is converted by
 * the viewer (tsc_params records, DESIGN.md section 4).
 */
static __always_inline uint64_t ltt_env_read_tsc(void)
{
	return rdtsc_ordered();
}

/* Previous value of *p; atomic against interrupts on this CPU only. */
static __always_inline uint64_t ltt_env_cmpxchg_local(uint64_t *p, uint64_t old,
						      uint64_t new)
{
	return cmpxchg64_local(p, old, new);
}

/* Previous value of *p; atomic against every CPU. */
static __always_inline uint64_t ltt_env_cmpxchg(uint64_t *p, uint64_t old,
						uint64_t new)
{
	return cmpxchg64(p, old, new);
}

/*
 * *p += v as one instruction where the architecture has it (x86: add
 * without LOCK): atomic against interrupts on this CPU, a single store as
 * seen from other CPUs. local64_t is a 64-bit integer in a struct, so the
 * counter can stay a plain uint64_t in memory the consumer also maps.
 */
static __always_inline void ltt_env_add_local(uint64_t *p, uint64_t v)
{
	BUILD_BUG_ON(sizeof(local64_t) != sizeof(uint64_t));
	local64_add((s64)v, (local64_t *)p);
}

/*
 * ltt_env_add_local() ordered after every earlier store of this CPU: the
 * commit counter that tells the consumer the record's bytes are there
 * (lttng-modules' commit does the same smp_wmb() + local add).
 */
static __always_inline void ltt_env_add_release(uint64_t *p, uint64_t v)
{
	smp_wmb();
	ltt_env_add_local(p, v);
}

static __always_inline uint64_t ltt_env_load_acquire(const uint64_t *p)
{
	return smp_load_acquire(p);
}

static __always_inline void ltt_env_store_release(uint64_t *p, uint64_t v)
{
	smp_store_release(p, v);
}

static __always_inline uint64_t ltt_env_read_once(const uint64_t *p)
{
	return READ_ONCE(*p);
}

static __always_inline void ltt_env_write_once(uint64_t *p, uint64_t v)
{
	WRITE_ONCE(*p, v);
}

/*
 * Functions, not aliases of the kernel macros: smp_mb() and friends are
 * do { } while (0) statements on some configurations, and include/ltt/ also
 * uses the barriers inside expressions.
 */
static __always_inline void ltt_env_smp_wmb(void)
{
	smp_wmb();
}

static __always_inline void ltt_env_smp_rmb(void)
{
	smp_rmb();
}

static __always_inline void ltt_env_smp_mb(void)
{
	smp_mb();
}

static __always_inline void ltt_env_barrier(void)
{
	barrier();
}

/* A TSC read ordered after every earlier memory access of this CPU. */
static __always_inline uint64_t ltt_env_read_tsc_ordered(void)
{
	smp_mb();
	return rdtsc_ordered();
}
#define ltt_env_read_tsc_ordered ltt_env_read_tsc_ordered

/*
 * Called by ring.h right after it closed a sub-buffer, in any context a
 * tracepoint runs in (NMI and the scheduler's locked sections included):
 * the module only queues an irq_work there, which wakes the consumer.
 */
void ltt_guest_subbuf_closed(struct ltt_buf *b);
#define ltt_env_subbuf_closed(b) ltt_guest_subbuf_closed(b)

/* Constant-size copies (most records) become plain moves. */
#define ltt_env_memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define ltt_env_memset(d, c, n) __builtin_memset((d), (c), (n))

#endif /* LTT_ENV_LINUX_H */
