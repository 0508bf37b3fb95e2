// SPDX-License-Identifier: GPL-2.0-only
/*
 * probes.c - where ltt-guest's events come from.
 *
 * The kernel's own tracepoints (irq, softirq, sched), found by name with
 * for_each_kernel_tracepoint() and attached with tracepoint_probe_register(),
 * as lttng-modules does: no kernel patch, and Debian's kernel exports
 * neither the tracepoints nor their symbols to modules otherwise.
 *
 * Xen's event-channel path has no tracepoint in Linux 6.1, so kprobes
 * stand in for the ones facilities/kernel/xen.xml describes:
 *   - a kretprobe on xen_evtchn_do_upcall(), which both the PV
 *     (xen_pv_evtchn_do_upcall) and the PVH/HVM (sysvec_xen_hvm_callback)
 *     entries reach: upcall entry and exit;
 *   - handle_irq_for_port() (the port dispatched), or, where the compiler
 *     inlined it, generic_handle_irq() inside an upcall, with the port
 *     looked up from the irq;
 *   - set_evtchn_to_irq(), the one place a port is bound to an irq (and
 *     unbound, with irq -1).
 * A kprobe whose symbol this kernel lacks is reported in the kernel log
 * and the events it would give are missing; the others still work.
 * Probes are attached only while at least one event is enabled.
 */
#define pr_fmt(fmt) "ltt-guest: " fmt

#include <linux/interrupt.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/tracepoint.h>
#include <xen/events.h>
#include <xen/xen-ops.h>

#include "ltt-guest.h"
#include "irq.h"
#include "sched.h"
#include "xen_evtchn.h"

/* tracepoint probes (prototypes: include/trace/events/{irq,sched}.h) */

static void ltt_probe_irq_handler_entry(void *data, int irq,
					struct irqaction *action)
{
	ltt_trace_irq_handler_entry(irq, action->name);
}

static void ltt_probe_irq_handler_exit(void *data, int irq,
				       struct irqaction *action, int ret)
{
	ltt_trace_irq_handler_exit(irq, ret);
}

static void ltt_probe_softirq_entry(void *data, unsigned int vec)
{
	ltt_trace_softirq_entry(vec);
}

static void ltt_probe_softirq_exit(void *data, unsigned int vec)
{
	ltt_trace_softirq_exit(vec);
}

static void ltt_probe_softirq_raise(void *data, unsigned int vec)
{
	ltt_trace_softirq_raise(vec);
}

/* LTTng's prev_state: the reported state bit, or TASK_REPORT_MAX when the
 * task was preempted while runnable. */
static s64 ltt_switch_state(bool preempt, unsigned int prev_state,
			    struct task_struct *p)
{
	unsigned int state;

	if (preempt)
		return TASK_REPORT_MAX;
	state = __task_state_index(prev_state, p->exit_state);
	return state ? (1 << (state - 1)) : state;
}

static void ltt_probe_sched_switch(void *data, bool preempt,
				   struct task_struct *prev,
				   struct task_struct *next,
				   unsigned int prev_state)
{
	ltt_trace_sched_switch(prev->comm, prev->pid, prev->prio - MAX_RT_PRIO,
			       ltt_switch_state(preempt, prev_state, prev),
			       next->comm, next->pid, next->prio - MAX_RT_PRIO);
}

static void ltt_probe_sched_waking(void *data, struct task_struct *p)
{
	ltt_trace_sched_waking(p->comm, p->pid, p->prio - MAX_RT_PRIO,
			       task_cpu(p));
}

static void ltt_probe_sched_wakeup(void *data, struct task_struct *p)
{
	ltt_trace_sched_wakeup(p->comm, p->pid, p->prio - MAX_RT_PRIO,
			       task_cpu(p));
}

static void ltt_probe_sched_wakeup_new(void *data, struct task_struct *p)
{
	ltt_trace_sched_wakeup_new(p->comm, p->pid, p->prio - MAX_RT_PRIO,
				   task_cpu(p));
}

struct ltt_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool registered;
};

static struct ltt_tp ltt_tps[] = {
	{"irq_handler_entry", ltt_probe_irq_handler_entry},
	{"irq_handler_exit", ltt_probe_irq_handler_exit},
	{"softirq_entry", ltt_probe_softirq_entry},
	{"softirq_exit", ltt_probe_softirq_exit},
	{"softirq_raise", ltt_probe_softirq_raise},
	{"sched_switch", ltt_probe_sched_switch},
	{"sched_waking", ltt_probe_sched_waking},
	{"sched_wakeup", ltt_probe_sched_wakeup},
	{"sched_wakeup_new", ltt_probe_sched_wakeup_new},
};

static void ltt_find_tp(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ltt_tps); i++)
		if (!strcmp(tp->name, ltt_tps[i].name))
			ltt_tps[i].tp = tp;
}

/* kprobes */

/* Upcalls in progress on this CPU (they do not nest, but an NMI could
 * come in between): the generic_handle_irq() fallback counts only there. */
static DEFINE_PER_CPU(int, ltt_in_upcall);

static int ltt_upcall_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	__this_cpu_inc(ltt_in_upcall);
	ltt_trace_xen_evtchn_upcall_entry(xen_vcpu_nr(smp_processor_id()));
	return 0;
}

static int ltt_upcall_exit(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	ltt_trace_xen_evtchn_upcall_exit(xen_vcpu_nr(smp_processor_id()));
	__this_cpu_dec(ltt_in_upcall);
	return 0;
}

static struct kretprobe ltt_upcall_probe = {
	.kp.symbol_name = "xen_evtchn_do_upcall",
	.entry_handler = ltt_upcall_entry,
	.handler = ltt_upcall_exit,
};

/* static void handle_irq_for_port(evtchn_port_t port, ...) */
static int ltt_handle_port(struct kprobe *kp, struct pt_regs *regs)
{
	u32 port = (u32)regs->di;

	ltt_trace_xen_evtchn_handle_port(port, (int)irq_from_evtchn(port));
	return 0;
}

/* int generic_handle_irq(unsigned int irq), inside an upcall */
static int ltt_generic_handle_irq(struct kprobe *kp, struct pt_regs *regs)
{
	unsigned int irq = (unsigned int)regs->di;
	u32 port = 0;

	if (!__this_cpu_read(ltt_in_upcall))
		return 0;
	ltt_evtchn_port_of(irq, &port);
	ltt_trace_xen_evtchn_handle_port(port, irq);
	return 0;
}

/* static int set_evtchn_to_irq(evtchn_port_t evtchn, unsigned int irq) */
static int ltt_set_evtchn_to_irq(struct kprobe *kp, struct pt_regs *regs)
{
	u32 port = (u32)regs->di;
	unsigned int irq = (unsigned int)regs->si;
	u8 type;
	s32 cpu;
	u32 source;

	if (irq == (unsigned int)-1) {
		/* the mapping is still there: this is what goes away */
		ltt_trace_xen_evtchn_unbind_irq(port,
						(int)irq_from_evtchn(port));
		return 0;
	}
	ltt_evtchn_describe(irq, port, &type, &cpu, &source);
	ltt_trace_xen_evtchn_bind_irq(port, irq, type, cpu, source);
	return 0;
}

static struct kprobe ltt_port_probe = {
	.symbol_name = "handle_irq_for_port",
	.pre_handler = ltt_handle_port,
};

static struct kprobe ltt_port_fallback_probe = {
	.symbol_name = "generic_handle_irq",
	.pre_handler = ltt_generic_handle_irq,
};

static struct kprobe ltt_bind_probe = {
	.symbol_name = "set_evtchn_to_irq",
	.pre_handler = ltt_set_evtchn_to_irq,
};

static bool ltt_upcall_on, ltt_port_on, ltt_port_fallback_on, ltt_bind_on;

static void ltt_kprobe_try(struct kprobe *kp, bool *on)
{
	int ret;

	kp->addr = NULL;
	kp->flags = 0;
	ret = register_kprobe(kp);
	*on = !ret;
	if (ret)
		pr_notice("no kprobe on %s (%d)\n", kp->symbol_name, ret);
}

int ltt_probes_register(void)
{
	unsigned int i;
	int ret;

	for_each_kernel_tracepoint(ltt_find_tp, NULL);
	for (i = 0; i < ARRAY_SIZE(ltt_tps); i++) {
		if (!ltt_tps[i].tp) {
			pr_err("the kernel has no tracepoint %s\n",
			       ltt_tps[i].name);
			ret = -ENOENT;
			goto fail;
		}
		ret = tracepoint_probe_register(ltt_tps[i].tp, ltt_tps[i].probe,
						NULL);
		if (ret) {
			pr_err("cannot attach to tracepoint %s (%d)\n",
			       ltt_tps[i].name, ret);
			goto fail;
		}
		ltt_tps[i].registered = true;
	}

	ltt_upcall_probe.kp.addr = NULL;
	ltt_upcall_probe.kp.flags = 0;
	ltt_upcall_probe.maxactive = 2 * num_possible_cpus();
	ret = register_kretprobe(&ltt_upcall_probe);
	ltt_upcall_on = !ret;
	if (ret)
		pr_notice("no kretprobe on %s (%d): no upcall events\n",
			  ltt_upcall_probe.kp.symbol_name, ret);
	ltt_kprobe_try(&ltt_port_probe, &ltt_port_on);
	if (!ltt_port_on && ltt_upcall_on)
		ltt_kprobe_try(&ltt_port_fallback_probe, &ltt_port_fallback_on);
	ltt_kprobe_try(&ltt_bind_probe, &ltt_bind_on);
	pr_info("attached: %zu tracepoints; upcall %s, port %s, bind/unbind "
		"%s\n",
		ARRAY_SIZE(ltt_tps), ltt_upcall_on ? "yes" : "no",
		ltt_port_on	       ? "handle_irq_for_port"
		: ltt_port_fallback_on ? "generic_handle_irq"
				       : "no",
		ltt_bind_on ? "yes" : "no");
	return 0;
fail:
	ltt_probes_unregister();
	return ret;
}

void ltt_probes_unregister(void)
{
	unsigned int i;

	if (ltt_bind_on)
		unregister_kprobe(&ltt_bind_probe);
	if (ltt_port_fallback_on)
		unregister_kprobe(&ltt_port_fallback_probe);
	if (ltt_port_on)
		unregister_kprobe(&ltt_port_probe);
	if (ltt_upcall_on)
		unregister_kretprobe(&ltt_upcall_probe);
	ltt_bind_on = ltt_port_fallback_on = ltt_port_on = false;
	ltt_upcall_on = false;
	for (i = 0; i < ARRAY_SIZE(ltt_tps); i++) {
		if (ltt_tps[i].registered)
			tracepoint_probe_unregister(ltt_tps[i].tp,
						    ltt_tps[i].probe, NULL);
		ltt_tps[i].registered = false;
	}
	/* no probe runs any more once this returns: the module may go */
	tracepoint_synchronize_unregister();
}
