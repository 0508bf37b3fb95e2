/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ltt-xen: CPUs coming online get buffers (with the current geometry), CPUs
 * going offline keep theirs, closed, so what they recorded stays readable
 * until teardown. dom0 learns about a new buffer from VIRQ_LTT and the
 * generation counter of XEN_SYSCTL_LTT_query.
 *
 * The notifier runs with the CPU maps held for writing, so it never runs
 * concurrently with the control paths that change which CPUs have buffers
 * (they hold them for reading).
 */

#include <xen/cpu.h>
#include <xen/init.h>
#include <xen/lib.h>
#include <xen/notifier.h>
#include <xen/smp.h>
#include <xen/timer.h>

#include "private.h"

static int cf_check ltt_cpu_callback(
    struct notifier_block *nfb, unsigned long action, void *hcpu)
{
    unsigned int cpu = (unsigned long)hcpu;
    struct ltt_cpu *c = ltt_cpus[cpu];
    bool traced = ltt_state != XEN_SYSCTL_LTT_STATE_none;

    switch ( action )
    {
    case CPU_UP_PREPARE:
        /* Runs on another, online CPU; cpu's per-CPU area exists now (and
         * may be a parked CPU's old one: never leave a stale pointer). */
        if ( traced && !c )
        {
            c = ltt_cpu_alloc(cpu, smp_processor_id());
            if ( c )
            {
                ltt_cpus[cpu] = c;
                ltt_generation++;
            }
        }
        per_cpu(ltt_xen_cur_buf, cpu) = traced && c ? &c->buf : NULL;
        break;

    case CPU_ONLINE:
    case CPU_DOWN_FAILED:
        if ( !traced || !c )
            break;
        migrate_timer(&c->timer, cpu);
        if ( ltt_state == XEN_SYSCTL_LTT_STATE_started )
            ltt_timer_start(c);
        ltt_notify_dom0();
        break;

    case CPU_DOWN_PREPARE:
        /* Keep the timer on a CPU that stays (this one). */
        if ( traced && c )
        {
            ltt_timer_stop(c);
            migrate_timer(&c->timer, smp_processor_id());
        }
        break;

    case CPU_DYING:
        /* On the dying CPU, interrupts off: close its open packet. */
        if ( traced && c )
            ltt_switch(&c->buf, LTT_SWITCH_ACTIVE);
        break;

    case CPU_DEAD:
        if ( traced && c )
            ltt_notify_dom0();
        break;
    }

    return NOTIFY_DONE;
}

static struct notifier_block ltt_cpu_nfb = {
    .notifier_call = ltt_cpu_callback,
};

void __init ltt_hotplug_init(void)
{
    register_cpu_notifier(&ltt_cpu_nfb);
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
