/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/ltt.h - ltt-xen: LTTng-style per-CPU trace buffers in Xen.
 *
 * Call sites include this header and use one of:
 *
 *   TRACE_DUAL(xentrace_stmt, ltt_tracepoint)
 *       an existing xentrace site that also feeds ltt-xen. Which of the two
 *       is compiled in is chosen at build time (xen/common/Kconfig):
 *         CONFIG_LTT=n               xentrace only (Xen as it was)
 *         CONFIG_LTT_TRACE_BOTH      xentrace and ltt-xen (the default)
 *         CONFIG_LTT_TRACE_LTT_ONLY  ltt-xen only
 *       xentrace keeps recording its own buffers in the BOTH build: the two
 *       never share state.
 *
 *   LTT_TRACE(ltt_tracepoint)
 *       a site that only ltt-xen has (no xentrace record exists there).
 *
 *   if ( LTT_XENTRACE_SITES && ... ) { xentrace block }
 *       an existing xentrace block that cannot be a macro argument.
 *
 * The tracepoints are genevent's ltt_trace_<facility>_<event>() functions,
 * generated from the XML files of facilities/xen/ into ltt-gen/: a
 * disabled one costs one byte load and one predictable branch.
 */
#ifndef __XEN_LTT_H__
#define __XEN_LTT_H__

#ifdef CONFIG_LTT

#include <ltt-gen/ltt-facilities.h>
#include <ltt-gen/sched.h>
#include <ltt-gen/memory.h>
#include <ltt-gen/hvm.h>
#include <ltt-gen/irq.h>
#include <ltt-gen/evtchn.h>
#include <ltt-gen/runstate.h>
#include <ltt-gen/hypercall.h>
#include <ltt-gen/domain.h>
#include <ltt-gen/time.h>

#define LTT_TRACE(tp) do { tp; } while ( 0 )

struct domain;
struct vcpu;

/* domain_guest_type of a domain (common/ltt/statedump.c). */
uint8_t ltt_domain_guest_type(const struct domain *d);

/* time_tsc_params for a vCPU whose TSC offset is (being set to) offset. */
void ltt_tsc_params(const struct vcpu *v, uint64_t offset);

#define LTT_TSC_PARAMS(v, offset)                               \
    do {                                                        \
        if ( ltt_event_enabled(LTT_EV_TIME_TSC_PARAMS) )        \
            ltt_tsc_params(v, offset);                          \
    } while ( 0 )

/* Hypercall numbers are u8 in the records (NR_hypercalls is 64). */
static inline uint8_t ltt_hypercall_nr(unsigned long nr)
{
    return nr > 255 ? 255 : nr;
}

#else /* !CONFIG_LTT */

#define LTT_TRACE(tp) do { } while ( 0 )
#define LTT_TSC_PARAMS(v, offset) do { } while ( 0 )

#endif /* CONFIG_LTT */

/* Each argument is used in place, never handed to another macro: the
 * expansion of TRACE_xD() has bare commas. */
#if defined(CONFIG_LTT_TRACE_LTT_ONLY)
#define TRACE_DUAL(xentrace_stmt, ltt_tp) do { ltt_tp; } while ( 0 )
#elif defined(CONFIG_LTT)
#define TRACE_DUAL(xentrace_stmt, ltt_tp)       \
    do {                                        \
        xentrace_stmt;                          \
        ltt_tp;                                 \
    } while ( 0 )
#else
#define TRACE_DUAL(xentrace_stmt, ltt_tp) do { xentrace_stmt; } while ( 0 )
#endif

/*
 * For a xentrace site that cannot be a macro argument (a block with bare
 * commas, e.g. an array initialiser): guard it with
 *     if ( LTT_XENTRACE_SITES && unlikely(tb_init_done) )
 */
#ifdef CONFIG_LTT_TRACE_LTT_ONLY
#define LTT_XENTRACE_SITES false
#else
#define LTT_XENTRACE_SITES true
#endif

struct xen_sysctl_ltt_op;

/* XEN_SYSCTL_ltt_op, called by do_sysctl() with the sysctl lock held. */
int ltt_sysctl(struct xen_sysctl_ltt_op *op);

#endif /* __XEN_LTT_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
