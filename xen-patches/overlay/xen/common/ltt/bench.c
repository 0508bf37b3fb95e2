/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ltt-xen: XEN_SYSCTL_LTT_bench, what one record costs inside Xen, ltt-xen's
 * tracepoint against xentrace's, on the CPU running the sysctl, in the same
 * boot, interrupts enabled (ABI in public/sysctl.h).
 *
 * Both sides are the real thing: genevent's ltt_trace_sched_wake() into
 * this CPU's ltt-xen buffer (4 bytes of payload), xentrace's TRACE_1D()
 * into its buffer (4 bytes of extra data, with the TSC, as its records
 * have). Whether each one records or only tests its enable flag is the
 * tracers' state, which dom0 sets up and this reports. The records written
 * are counted from each tracer's own buffer, so a round whose records were
 * dropped (a full buffer takes a cheaper path) shows it.
 *
 * The four loops of a round (those two, an empty loop and one of a TSC
 * read, the floor under both) run in an order that rotates every round, so
 * neither tracer always runs first or after the other's cache misses;
 * dom0 takes the medians.
 */

#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/trace.h>
#include <asm/msr.h>

#include "private.h"

/* A TRC_GEN event no Xen site writes, so the bench's records are its own. */
#define LTT_BENCH_XENTRACE_EVENT (TRC_GEN + 0xff)
#define LTT_BENCH_LTT_EVENT      LTT_EV_SCHED_WAKE

enum ltt_bench_loop {
    LTT_BENCH_LOOP,
    LTT_BENCH_LTT,
    LTT_BENCH_XENTRACE,
    LTT_BENCH_RDTSC,
    LTT_BENCH_NR
};

/* Records committed into this CPU's ltt-xen buffer so far, and lost. */
static void ltt_bench_ltt_counts(uint64_t *records, uint64_t *lost)
{
    const struct ltt_buf *b = this_cpu(ltt_xen_cur_buf);
    unsigned int i;

    *records = *lost = 0;
    if ( !b )
        return;
    for ( i = 0; i < b->nr_subbufs; i++ )
        *records += read_atomic(&b->slots[i].records);
    *lost = ltt_lost_total(b->ctl);
}

/*
 * One loop of n iterations between two ordered TSC reads. The loop variable
 * goes through an empty asm in every loop, so the compiler cannot fold the
 * empty one away nor hoist anything out of the others.
 */
static uint64_t ltt_bench_run(enum ltt_bench_loop which, uint32_t n)
{
    uint64_t t0, t1;
    uint32_t i;

    t0 = rdtsc_ordered();
    switch ( which )
    {
    case LTT_BENCH_LOOP:
        for ( i = 0; i < n; i++ )
            asm volatile ( "" :: "r" (i) : "memory" );
        break;

    case LTT_BENCH_LTT:
        for ( i = 0; i < n; i++ )
        {
            asm volatile ( "" :: "r" (i) : "memory" );
            ltt_trace_sched_wake((uint16_t)i, (uint16_t)(i >> 16));
        }
        break;

    case LTT_BENCH_XENTRACE:
        for ( i = 0; i < n; i++ )
        {
            asm volatile ( "" :: "r" (i) : "memory" );
            TRACE_1D(LTT_BENCH_XENTRACE_EVENT, i);
        }
        break;

    case LTT_BENCH_RDTSC:
        /* The TSC read each tracer makes per record (rdtsc(), unordered,
         * in ltt-env.h and in xentrace's get_cycles()). */
        for ( i = 0; i < n; i++ )
        {
            uint64_t t = rdtsc();

            asm volatile ( "" :: "r" (i), "r" (t) : "memory" );
        }
        break;

    default:
        ASSERT_UNREACHABLE();
    }
    t1 = rdtsc_ordered();

    return t1 - t0;
}

int ltt_bench(struct xen_sysctl_ltt_bench *b)
{
    unsigned int cpu = smp_processor_id();
    uint32_t r;

    if ( b->pad || !b->nr_events ||
         b->nr_events > XEN_SYSCTL_LTT_BENCH_MAX_EVENTS ||
         !b->nr_rounds || b->nr_rounds > XEN_SYSCTL_LTT_BENCH_MAX_ROUNDS )
        return -EINVAL;
    if ( guest_handle_is_null(b->rounds) )
        return -ENOBUFS;

    b->cpu = cpu;
    b->ltt_event = LTT_BENCH_LTT_EVENT;
    b->xentrace_event = LTT_BENCH_XENTRACE_EVENT;
    b->data_bytes = sizeof(uint32_t);
    b->flags = 0;
    if ( ltt_state == XEN_SYSCTL_LTT_STATE_started &&
         this_cpu(ltt_xen_cur_buf) &&
         ltt_xen_event_enabled[LTT_BENCH_LTT_EVENT] )
        b->flags |= XEN_SYSCTL_LTT_BENCH_ltt_enabled;
    if ( trace_will_trace_event(LTT_BENCH_XENTRACE_EVENT) )
        b->flags |= XEN_SYSCTL_LTT_BENCH_xentrace_enabled;

    for ( r = 0; r < b->nr_rounds; r++ )
    {
        struct xen_sysctl_ltt_bench_round out = { .loop_cycles = 0 };
        unsigned int k;

        for ( k = 0; k < LTT_BENCH_NR; k++ )
        {
            enum ltt_bench_loop which = (r + k) % LTT_BENCH_NR;
            uint64_t rec0, lost0, rec1, lost1;
            uint32_t prod0, prod1;
            unsigned long xlost;
            bool xon;

            /* Timers and IPIs run here, not inside a timed loop. */
            process_pending_softirqs();

            switch ( which )
            {
            case LTT_BENCH_LOOP:
                out.loop_cycles = ltt_bench_run(which, b->nr_events);
                break;

            case LTT_BENCH_LTT:
                ltt_bench_ltt_counts(&rec0, &lost0);
                out.ltt_cycles = ltt_bench_run(which, b->nr_events);
                ltt_bench_ltt_counts(&rec1, &lost1);
                out.ltt_records = rec1 - rec0;
                out.ltt_lost = lost1 - lost0;
                break;

            case LTT_BENCH_XENTRACE:
                xon = trace_bench_position(&prod0, &xlost);
                out.xentrace_cycles = ltt_bench_run(which, b->nr_events);
                if ( xon && trace_bench_position(&prod1, &xlost) )
                    trace_bench_count(LTT_BENCH_XENTRACE_EVENT, prod0, prod1,
                                      &out.xentrace_records,
                                      &out.xentrace_other);
                out.xentrace_lost = xlost;
                break;

            case LTT_BENCH_RDTSC:
                out.rdtsc_cycles = ltt_bench_run(which, b->nr_events);
                break;

            default:
                ASSERT_UNREACHABLE();
            }
        }

        if ( copy_to_guest_offset(b->rounds, r, &out, 1) )
            return -EFAULT;
    }

    return 0;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
