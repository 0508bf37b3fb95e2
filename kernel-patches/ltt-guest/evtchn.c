// SPDX-License-Identifier: GPL-2.0-only
/*
 * evtchn.c - the event-channel -> Linux irq mapping, so an interrupt can be
 * followed from Xen (evtchn set_pending: domain, port) into the guest
 * (irq_handler_entry: irq).
 *
 * The statedump walks every port with the exported irq_from_evtchn() and
 * xen_evtchn_nr_channels() (port 0 is never used) and names each irq's
 * handler as /proc/interrupts does. What a port stands for (pirq, virq,
 * ipi, interdomain) lives in drivers/xen/events/events_base.c's private
 * struct irq_info; the irq chip's name says most of it, and a mirror of
 * the struct as Debian's Linux 6.1 lays it out gives the rest - used only when
 * the entry it reads names this very irq and port, so a kernel with another
 * layout gets "unbound"/0 there, never garbage.
 */
#define pr_fmt(fmt) "ltt-guest: " fmt

#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/interrupt.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <xen/events.h>

#include "ltt-guest.h"
#include "xen_evtchn.h"

/*
 * struct irq_info of drivers/xen/events/events_base.c as Debian 12's Linux
 * 6.1 (6.1.192) has it: 6.1.y since 6.1.60 carries the rcu_work (the event
 * lock replaced by RCU), the short type with the mask and active bytes, and
 * the per-irq lock. (The 6.1.0 layout this mirror first had, without them,
 * made every per-CPU virq/IPI port read as unbound on cpu 0.)
 */
struct ltt_xen_irq_info {
	struct list_head list;
	struct list_head eoi_list;
	struct rcu_work rwork;
	short refcnt;
	u8 spurious_cnt;
	u8 is_accounted;
	short type; /* enum xen_irq_type */
	u8 mask_reason;
	u8 is_active;
	unsigned int irq;
	u32 evtchn;
	unsigned short cpu;
	unsigned short eoi_cpu;
	unsigned int irq_epoch;
	u64 eoi_time;
	raw_spinlock_t lock;
	union {
		unsigned short virq;
		int ipi;
		struct {
			unsigned short pirq;
			unsigned short gsi;
			unsigned char vector;
			unsigned char flags;
			u16 domid;
		} pirq;
		void *interdomain;
	} u;
};

static bool ltt_is_xen_chip(unsigned int irq, const char **name)
{
	struct irq_chip *chip = irq_get_chip(irq);

	if (!chip || !chip->name || strncmp(chip->name, "xen-", 4))
		return false;
	*name = chip->name;
	return true;
}

/* The irq_info of a Xen irq, if it is one and names irq (and port). */
static const struct ltt_xen_irq_info *ltt_info(unsigned int irq, u32 port)
{
	const struct ltt_xen_irq_info *info;
	const char *chip;

	if (!ltt_is_xen_chip(irq, &chip))
		return NULL;
	info = irq_get_chip_data(irq);
	if (!info || READ_ONCE(info->irq) != irq ||
	    (port && READ_ONCE(info->evtchn) != port) ||
	    READ_ONCE(info->type) < 0 ||
	    READ_ONCE(info->type) > LTT_XEN_IRQ_TYPE_EVTCHN)
		return NULL;
	return info;
}

bool ltt_evtchn_port_of(unsigned int irq, u32 *port)
{
	const struct ltt_xen_irq_info *info = ltt_info(irq, 0);
	u32 p;

	if (!info)
		return false;
	p = READ_ONCE(info->evtchn);
	if (!p || irq_from_evtchn(p) != irq)
		return false;
	*port = p;
	return true;
}

void ltt_evtchn_describe(unsigned int irq, u32 port, u8 *type, s32 *cpu,
			 u32 *source_nr)
{
	const struct ltt_xen_irq_info *info = ltt_info(irq, port);
	const char *chip = "";

	*type = LTT_XEN_IRQ_TYPE_UNBOUND;
	*cpu = 0;
	*source_nr = 0;
	if (info) {
		*type = READ_ONCE(info->type);
		*cpu = READ_ONCE(info->cpu);
		switch (*type) {
		case LTT_XEN_IRQ_TYPE_PIRQ:
			*source_nr = READ_ONCE(info->u.pirq.pirq);
			break;
		case LTT_XEN_IRQ_TYPE_VIRQ:
			*source_nr = READ_ONCE(info->u.virq);
			break;
		case LTT_XEN_IRQ_TYPE_IPI:
			*source_nr = READ_ONCE(info->u.ipi);
			break;
		}
		return;
	}
	if (!ltt_is_xen_chip(irq, &chip))
		return;
	if (!strcmp(chip, "xen-pirq"))
		*type = LTT_XEN_IRQ_TYPE_PIRQ;
	else if (!strncmp(chip, "xen-dyn", 7))
		*type = LTT_XEN_IRQ_TYPE_EVTCHN;
}

/* The first handler's name, as /proc/interrupts shows it. */
static void ltt_handler_name(unsigned int irq, char *buf, size_t len)
{
	struct irq_data *data = irq_get_irq_data(irq);
	struct irq_desc *desc;
	unsigned long flags;

	buf[0] = 0;
	if (!data)
		return;
	desc = irq_data_to_desc(data);
	raw_spin_lock_irqsave(&desc->lock, flags);
	if (desc->action && desc->action->name)
		strscpy(buf, desc->action->name, len);
	raw_spin_unlock_irqrestore(&desc->lock, flags);
}

void ltt_evtchn_statedump(void)
{
	unsigned int nr = xen_evtchn_nr_channels();
	char name[64];
	u32 port, source;
	u8 type;
	s32 cpu;

	for (port = 1; port < nr; port++) {
		int irq = (int)irq_from_evtchn(port);

		if (irq < 0)
			continue;
		ltt_evtchn_describe(irq, port, &type, &cpu, &source);
		ltt_handler_name(irq, name, sizeof(name));
		ltt_trace_xen_evtchn_statedump_irq(port, irq, type, cpu, source,
						   name);
		cond_resched();
	}
}
