/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * <ltt-env.h> for the Xen hypervisor: what include/ltt/ (ring.h,
 * ring_reader.h, tracepoint.h) and genevent's Xen tracepoint headers need
 * from their environment (the contract is in ltt/tracepoint.h).
 *
 * - Every writer of a buffer runs on the buffer's physical CPU: tracepoints
 *   run there by construction, and Xen's own flushes (periodic timer, the
 *   flush sysctl's IPI, CPU_DYING) are run on that CPU too. So the writer's
 *   compare-and-swap and counters need only be atomic against interrupts and
 *   NMIs on the same CPU: single instructions without the LOCK prefix.
 * - The overwrite-mode reader (ring_reader.h, run by the ltt sysctl on any
 *   CPU) races with the writer on the slot entries: ltt_env_cmpxchg() is the
 *   SMP-safe LOCK CMPXCHG.
 * - Xen code is not preemptible, so no write bracket is needed.
 */
#ifndef __LTT_ENV_H__
#define __LTT_ENV_H__

#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/percpu.h>
#include <xen/string.h>
#include <asm/msr.h>
#include <asm/system.h>

struct ltt_buf;

/*
 * One byte per event id, indexed by genevent's ids (LTT_NR_EVENTS of them):
 * non-zero while the event is enabled AND tracing is started, so a disabled
 * tracepoint costs one load and one predictable branch.
 */
extern uint8_t ltt_xen_event_enabled[];
#define LTT_ENV_EVENT_ENABLED(id) (ltt_xen_event_enabled[(id)])

/* The buffer of this physical CPU; NULL when it has none. */
DECLARE_PER_CPU(struct ltt_buf *, ltt_xen_cur_buf);

static inline struct ltt_buf *ltt_env_current_buf(void)
{
    return this_cpu(ltt_xen_cur_buf);
}

/*
 * The ring reasons about which records a TSC read can precede: the
 * compiler must not move it across the position loads and the CAS.
 */
static inline uint64_t ltt_env_read_tsc(void)
{
    uint64_t tsc;

    barrier();
    tsc = rdtsc();
    barrier();

    return tsc;
}

/*
 * ring.h calls this right after it closed a sub-buffer: Xen's cue to tell
 * dom0 that a sub-buffer may be complete. The VIRQ cannot be sent from here
 * (a tracepoint may run with any lock held, or in an NMI), so this only
 * raises the ltt softirq, which sends it (see xen/common/ltt/notify.c).
 * raise_softirq() is a single atomic bit set.
 */
void ltt_xen_subbuf_switch_hint(void);
#define ltt_env_subbuf_closed(b) ltt_xen_subbuf_switch_hint()

/* ltt_switch() runs on the buffer's own CPU in Xen, so the ordered read
 * only needs to keep the compiler from moving it. */
static inline uint64_t ltt_env_read_tsc_ordered(void)
{
    uint64_t tsc;

    barrier();
    tsc = rdtsc_ordered();
    barrier();

    return tsc;
}
#define ltt_env_read_tsc_ordered ltt_env_read_tsc_ordered

/* Atomic against interrupts and NMIs on this CPU (no LOCK prefix). */
static inline uint64_t ltt_env_cmpxchg_local(uint64_t *p, uint64_t old,
                                             uint64_t new)
{
    uint64_t prev;

    asm volatile ( "cmpxchgq %[new], %[ptr]"
                   : "=a" (prev), [ptr] "+m" (*p)
                   : [new] "r" (new), "a" (old)
                   : "memory" );

    return prev;
}

/* SMP-safe. */
static inline uint64_t ltt_env_cmpxchg(uint64_t *p, uint64_t old,
                                       uint64_t new)
{
    uint64_t prev;

    asm volatile ( "lock cmpxchgq %[new], %[ptr]"
                   : "=a" (prev), [ptr] "+m" (*p)
                   : [new] "r" (new), "a" (old)
                   : "memory" );

    return prev;
}

static inline void ltt_env_add_local(uint64_t *p, uint64_t v)
{
    asm volatile ( "addq %[v], %[ptr]"
                   : [ptr] "+m" (*p)
                   : [v] "r" (v)
                   : "memory" );
}

/* x86 stores are not reordered with earlier loads or stores (TSO). */
static inline void ltt_env_add_release(uint64_t *p, uint64_t v)
{
    ltt_env_add_local(p, v);
}

static inline uint64_t ltt_env_load_acquire(const uint64_t *p)
{
    uint64_t v = *(const volatile uint64_t *)p;

    barrier();

    return v;
}

static inline void ltt_env_store_release(uint64_t *p, uint64_t v)
{
    barrier();
    *(volatile uint64_t *)p = v;
}

static inline uint64_t ltt_env_read_once(const uint64_t *p)
{
    return *(const volatile uint64_t *)p;
}

static inline void ltt_env_write_once(uint64_t *p, uint64_t v)
{
    *(volatile uint64_t *)p = v;
}

static inline uint32_t ltt_env_read_once32(const uint32_t *p)
{
    return *(const volatile uint32_t *)p;
}
#define ltt_env_read_once32 ltt_env_read_once32

/* Usable inside expressions: functions, not Xen's statement macros. */
static inline void ltt_env_smp_wmb(void)
{
    smp_wmb();
}

static inline void ltt_env_smp_rmb(void)
{
    smp_rmb();
}

static inline void ltt_env_smp_mb(void)
{
    smp_mb();
}

static inline void ltt_env_barrier(void)
{
    barrier();
}

#define ltt_env_memcpy(d, s, n) memcpy(d, s, n)
#define ltt_env_memset(d, c, n) memset(d, c, n)

#endif /* __LTT_ENV_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
