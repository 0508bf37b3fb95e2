/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ltt-xen: what a trace needs to know about the state it starts in - the
 * domains, their vCPUs, event channels and guest TSC parameters - recorded
 * when tracing starts (the domain facility's statedump events), and the
 * helpers the domain and time tracepoints share.
 */

#include <xen/event.h>
#include <xen/lib.h>
#include <xen/rcupdate.h>
#include <xen/sched.h>
#include <asm/hvm/hvm.h>

#include "private.h"

uint8_t ltt_domain_guest_type(const struct domain *d)
{
    if ( is_system_domain(d) )
        return LTT_DOMAIN_GUEST_TYPE_SYSTEM;
    if ( !is_hvm_domain(d) )
        return LTT_DOMAIN_GUEST_TYPE_PV;

    return has_vpic(d) ? LTT_DOMAIN_GUEST_TYPE_HVM : LTT_DOMAIN_GUEST_TYPE_PVH;
}

/*
 * guest_tsc = ((host_tsc * ratio) >> frac_bits) + offset, or emulated. A
 * PV guest reads the host TSC unless it is emulated: ratio 1, offset 0.
 */
void ltt_tsc_params(const struct vcpu *v, uint64_t offset)
{
    const struct domain *d = v->domain;
    uint64_t ratio = 1;
    uint8_t frac_bits = 0;

    if ( !is_hvm_domain(d) )
        offset = 0;
#ifdef CONFIG_HVM
    else if ( hvm_tsc_scaling_supported && d->arch.hvm.tsc_scaling_ratio )
    {
        ratio = d->arch.hvm.tsc_scaling_ratio;
        frac_bits = hvm_funcs.tsc_scaling.ratio_frac_bits;
    }
#endif

    ltt_trace_time_tsc_params(d->domain_id, v->vcpu_id, ratio, frac_bits,
                              offset, d->arch.vtsc);
}

static void statedump_evtchns(struct domain *d)
{
    unsigned int port;

    read_lock(&d->event_lock);

    for ( port = 1; port_is_valid(d, port); port++ )
    {
        const struct evtchn *chn = evtchn_from_port(d, port);
        uint16_t remote_dom = 0;
        uint32_t remote_port = 0, pirq = 0, virq = 0;

        switch ( chn->state )
        {
        case ECS_FREE:
            continue;
        case ECS_UNBOUND:
            remote_dom = chn->u.unbound.remote_domid;
            break;
        case ECS_INTERDOMAIN:
            remote_dom = chn->u.interdomain.remote_dom->domain_id;
            remote_port = chn->u.interdomain.remote_port;
            break;
        case ECS_PIRQ:
            pirq = chn->u.pirq.irq;
            break;
        case ECS_VIRQ:
            virq = chn->u.virq;
            break;
        }

        ltt_trace_domain_statedump_evtchn(d->domain_id, port, chn->state,
                                          chn->notify_vcpu_id, remote_dom,
                                          remote_port, pirq, virq,
                                          chn->xen_consumer);
    }

    read_unlock(&d->event_lock);
}

/* Called by XEN_SYSCTL_LTT_start once the events are enabled: the records
 * go to the buffer of the CPU running the sysctl. */
void ltt_statedump(void)
{
    struct domain *d;
    struct vcpu *v;

    ltt_trace_domain_statedump_start();

    rcu_read_lock(&domlist_read_lock);

    for_each_domain ( d )
    {
        ltt_trace_domain_statedump_domain(d->domain_id,
                                          ltt_domain_guest_type(d),
                                          d->max_vcpus,
                                          is_control_domain(d),
                                          is_hardware_domain(d),
                                          is_pv_32bit_domain(d),
                                          d->is_dying,
                                          atomic_read(&d->pause_count));

        for_each_vcpu ( d, v )
        {
            ltt_trace_domain_statedump_vcpu(d->domain_id, v->vcpu_id,
                                            v->processor, v->runstate.state);
#ifdef CONFIG_HVM
            if ( is_hvm_domain(d) )
                LTT_TSC_PARAMS(v, v->arch.hvm.cache_tsc_offset);
            else
#endif
                LTT_TSC_PARAMS(v, 0);
        }

        statedump_evtchns(d);
    }

    rcu_read_unlock(&domlist_read_lock);

    ltt_trace_domain_statedump_end();
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
