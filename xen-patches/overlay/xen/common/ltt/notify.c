/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ltt-xen: telling dom0 that sub-buffers are ready, flushing, quiescing.
 *
 * - VIRQ_LTT cannot be sent from a tracepoint (it may run with any lock
 *   held, with interrupts off, or in an NMI). ring.h calls
 *   ltt_env_subbuf_closed() right after closing a sub-buffer; Xen's
 *   <ltt-env.h> maps it to ltt_xen_subbuf_switch_hint(), which only raises
 *   LTT_SOFTIRQ.
 *   The softirq runs when the CPU has no hypervisor code in progress, looks
 *   whether sub-buffers completed on its CPU since dom0 was last told, and
 *   sends the VIRQ (as xentrace does from its softirq tasklet). lttd never
 *   polls.
 * - A per-CPU timer (switch_timer_ms) closes the current sub-buffer of a
 *   CPU on which none completed during the last period, so what a slow CPU
 *   recorded reaches dom0 within two periods.
 * - Flush switches every CPU's sub-buffer on that CPU (IPI), because the
 *   writer's compare-and-swap is CPU-local.
 * - Quiescing: the same softirq acknowledges a generation counter. A CPU
 *   runs softirqs only with no hypervisor code in progress underneath, so
 *   once every online CPU acknowledged, no writer that could have seen a
 *   buffer pointer from before is still running.
 * - An invalid consumer position (dom0 wrote garbage into the consumer
 *   page) is counted by ring.h in the control page's consumer_errors; the
 *   writer cannot print (NMI). The softirq, the switch timer and every ltt
 *   sysctl look at the count and print one warning per CPU and session.
 */

#include <xen/cpu.h>
#include <xen/event.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/time.h>
#include <xen/timer.h>

#include "private.h"

static DEFINE_PER_CPU(bool, ltt_hint_raised);
static DEFINE_PER_CPU(uint32_t, ltt_quiesce_seen);
static uint32_t ltt_quiesce_gen;

void ltt_xen_subbuf_switch_hint(void)
{
    if ( !this_cpu(ltt_hint_raised) )
    {
        this_cpu(ltt_hint_raised) = true;
        raise_softirq(LTT_SOFTIRQ);
    }
}

/* Did sub-buffers complete on c since dom0 was told? Discard mode only:
 * in overwrite mode dom0 reads on demand (snapshot). */
static bool ltt_newly_complete(struct ltt_cpu *c)
{
    uint64_t done;

    if ( c->buf.mode != LTT_MODE_DISCARD )
        return false;

    done = ltt_env_read_once(&c->buf.ctl->offset) >> c->buf.subbuf_order;
    if ( done == c->notified )
        return false;
    c->notified = done;

    return true;
}

/*
 * ring.h refuses to open a sub-buffer while the consumer position dom0
 * wrote is invalid (not sub-buffer aligned, ahead of the writer, or more
 * than a buffer behind it): the records are counted lost (full) and the
 * refusal in consumer_errors. Tell the console, once per CPU and session.
 * Not from the writer (it may run in an NMI, with any lock held): from the
 * softirq, the switch timer and the sysctl.
 */
void ltt_consumer_check(struct ltt_cpu *c)
{
    uint64_t errors = ltt_env_read_once(&c->buf.ctl->consumer_errors);

    if ( likely(!errors) || test_and_set_bool(c->consumer_reported) )
        return;

    printk(XENLOG_WARNING
           "ltt: CPU%u: invalid consumer position from dom0 (%"PRIu64
           " times, now %#"PRIx64"): records dropped while it stays invalid;"
           " reported once per session\n",
           c->cpu, errors, ltt_env_read_once(&c->buf.cons->consumed));
}

static void cf_check ltt_softirq_action(void)
{
    uint32_t gen = read_atomic(&ltt_quiesce_gen);
    struct ltt_buf *b;
    bool send = false;

    smp_mb();
    this_cpu(ltt_hint_raised) = false;
    b = this_cpu(ltt_xen_cur_buf);
    if ( b )
    {
        struct ltt_cpu *c = container_of(b, struct ltt_cpu, buf);

        send = ltt_newly_complete(c);
        ltt_consumer_check(c);
    }
    smp_mb();
    write_atomic(&this_cpu(ltt_quiesce_seen), gen);

    if ( send )
        send_global_virq(VIRQ_LTT);
}

/*
 * Waits until every online CPU ran the softirq after the caller stopped
 * publishing buffers (ltt_xen_cur_buf). The caller holds the CPU maps.
 */
void ltt_quiesce(void)
{
    uint32_t gen = read_atomic(&ltt_quiesce_gen) + 1;
    unsigned int cpu;

    write_atomic(&ltt_quiesce_gen, gen);
    smp_mb();
    cpumask_raise_softirq(&cpu_online_map, LTT_SOFTIRQ);

    for_each_online_cpu ( cpu )
        while ( read_atomic(&per_cpu(ltt_quiesce_seen, cpu)) != gen )
        {
            process_pending_softirqs();
            cpu_relax();
        }
}

void ltt_notify_dom0(void)
{
    send_global_virq(VIRQ_LTT);
}

static void cf_check ltt_timer_fn(void *data)
{
    struct ltt_cpu *c = data;
    uint64_t count;

    /* A timer left on another CPU (hotplug) must not touch the buffer:
     * the writer's compare-and-swap is CPU-local. */
    if ( c->cpu != smp_processor_id() ||
         read_atomic(&ltt_state) != XEN_SYSCTL_LTT_STATE_started )
        return;

    ltt_consumer_check(c);
    count = ltt_env_read_once(&c->buf.ctl->offset) >> c->buf.subbuf_order;
    if ( count == c->timer_count )
        ltt_switch(&c->buf, LTT_SWITCH_ACTIVE);
    c->timer_count =
        ltt_env_read_once(&c->buf.ctl->offset) >> c->buf.subbuf_order;

    set_timer(&c->timer, NOW() + MILLISECS(ltt_geom.switch_timer_ms));
}

void ltt_timer_init(struct ltt_cpu *c, unsigned int timer_cpu)
{
    init_timer(&c->timer, ltt_timer_fn, c, timer_cpu);
}

void ltt_timer_start(struct ltt_cpu *c)
{
    if ( !ltt_geom.switch_timer_ms )
        return;
    c->timer_count =
        ltt_env_read_once(&c->buf.ctl->offset) >> c->buf.subbuf_order;
    set_timer(&c->timer, NOW() + MILLISECS(ltt_geom.switch_timer_ms));
}

void ltt_timer_stop(struct ltt_cpu *c)
{
    stop_timer(&c->timer);
}

struct ltt_flush_req {
    int flags;
    atomic_t closed;
};

/* On each CPU, in the IPI: ring.h allows ltt_switch() there (it nests like
 * an interrupting writer). */
static void cf_check ltt_flush_one(void *arg)
{
    struct ltt_flush_req *req = arg;
    struct ltt_buf *b = this_cpu(ltt_xen_cur_buf);

    if ( b && ltt_switch(b, req->flags) > 0 )
        atomic_inc(&req->closed);
}

/* The caller holds the CPU maps. Returns the number of packets closed. */
unsigned int ltt_flush_all(uint32_t flags)
{
    struct ltt_flush_req req = {
        .flags = (flags & XEN_SYSCTL_LTT_FLUSH_empty) ? LTT_SWITCH_EMPTY
                                                      : LTT_SWITCH_ACTIVE,
    };

    atomic_set(&req.closed, 0);
    on_selected_cpus(&cpu_online_map, ltt_flush_one, &req, 1);

    return atomic_read(&req.closed);
}

void __init ltt_notify_init(void)
{
    open_softirq(LTT_SOFTIRQ, ltt_softirq_action);
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
