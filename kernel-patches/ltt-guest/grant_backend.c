// SPDX-License-Identifier: GPL-2.0-only
/*
 * grant_backend.c - a domU's way to hand its buffers to dom0's lttd (the
 * `guests` source): every page of each vCPU's buffer granted to dom0 (the
 * consumer page writable, the rest read-only, as Xen shares its own buffers
 * with dom0), one control page dom0 writes (enable bytes, requests), one
 * event channel both ways, and a description in this domain's
 * guest-writable xenstore directory, data/ltt/, "state" written last.
 * include/ltt/guest_grant.h is the contract.
 *
 * Requests from dom0 (enable, switch, statedump) arrive as an event on the
 * channel and run in a work item: switching takes the CPU hotplug lock and
 * IPIs, enabling registers probes, none of which an interrupt may do.
 *
 * Unloading sets state "closing", notifies dom0, and waits (bounded) until
 * dom0 has unmapped every page before ending foreign access; a page dom0
 * still maps then is handed to the grant table's deferred release, which
 * keeps it allocated until dom0 lets go (so dom0 never reads a page reused
 * for something else).
 */
#define pr_fmt(fmt) "ltt-guest: " fmt

#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xenbus.h>
#include <xen/interface/event_channel.h>
#include <asm/xen/hypercall.h>

#include <ltt/guest_grant.h>

#include "ltt-guest.h"

#define LTT_GG_DOM0 0
/* How long unloading waits for dom0 to unmap (lttd drains first). */
#define LTT_GG_CLOSE_WAIT_MS 5000

/* One vCPU's grants. */
struct ltt_gg_cpu {
	unsigned int nr_pages;
	grant_ref_t *refs; /* [nr_pages], -1 when not granted */
	unsigned int nr_list;
	unsigned long list[LTT_GG_MAX_LIST_PAGES]; /* pages of refs */
	grant_ref_t list_refs[LTT_GG_MAX_LIST_PAGES];
};

static struct ltt_gg_control *ltt_gg_ctl;
static grant_ref_t ltt_gg_ctl_ref = (grant_ref_t)-1;
static evtchn_port_t ltt_gg_port;
static int ltt_gg_irq = -1;
static bool ltt_gg_published;
static bool ltt_gg_closing; /* unloading: enable requests are ignored */
static u32 ltt_gg_done_seq;
static char *ltt_gg_channel; /* the description, under ltt_gg_lock */
static DEFINE_MUTEX(ltt_gg_lock);
static struct work_struct ltt_gg_work;

static void ltt_gg_end_ref(grant_ref_t ref, struct page *page)
{
	if (ref == (grant_ref_t)-1)
		return;
	if (gnttab_try_end_foreign_access(ref))
		return;
	/* dom0 still maps it: keep the page until it unmaps */
	get_page(page);
	gnttab_end_foreign_access(ref, page);
}

static void ltt_gg_free_cpu(struct ltt_gg_cpu *g, struct ltt_guest_cpu *c)
{
	unsigned int i;

	for (i = 0; i < g->nr_list; i++) {
		ltt_gg_end_ref(g->list_refs[i], virt_to_page(g->list[i]));
		free_page(g->list[i]);
	}
	for (i = 0; i < g->nr_pages; i++)
		ltt_gg_end_ref(
			g->refs[i],
			vmalloc_to_page((u8 *)c->mem + (size_t)i * PAGE_SIZE));
	kfree(g->refs);
	kfree(g);
}

static int ltt_gg_add_cpu(struct ltt_guest_cpu *c)
{
	unsigned int i;
	struct ltt_gg_cpu *g;
	int ret;

	BUILD_BUG_ON(PAGE_SIZE != LTT_GG_PAGE_SIZE);
	if (c->cpu >= LTT_GG_MAX_CPUS)
		return -E2BIG;
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return -ENOMEM;
	g->nr_pages = c->layout.file_size >> PAGE_SHIFT;
	g->nr_list = DIV_ROUND_UP(g->nr_pages, LTT_GG_REFS_PER_PAGE);
	if (g->nr_list > LTT_GG_MAX_LIST_PAGES) {
		kfree(g);
		return -E2BIG;
	}
	g->refs = kmalloc_array(g->nr_pages, sizeof(*g->refs), GFP_KERNEL);
	if (!g->refs) {
		kfree(g);
		return -ENOMEM;
	}
	memset(g->refs, 0xff, g->nr_pages * sizeof(*g->refs));
	for (i = 0; i < g->nr_list; i++)
		g->list_refs[i] = (grant_ref_t)-1;
	for (i = 0; i < g->nr_pages; i++) {
		size_t off = (size_t)i * PAGE_SIZE;
		struct page *page = vmalloc_to_page((u8 *)c->mem + off);

		ret = gnttab_grant_foreign_access(LTT_GG_DOM0,
						  xen_page_to_gfn(page),
						  off != c->layout.cons_offset);
		if (ret < 0)
			goto fail;
		g->refs[i] = ret;
	}
	for (i = 0; i < g->nr_list; i++) {
		u32 *list;
		unsigned int k, first = i * LTT_GG_REFS_PER_PAGE;

		g->list[i] = get_zeroed_page(GFP_KERNEL);
		if (!g->list[i]) {
			ret = -ENOMEM;
			g->nr_list = i;
			goto fail;
		}
		list = (u32 *)g->list[i];
		for (k = 0; k < LTT_GG_REFS_PER_PAGE && first + k < g->nr_pages;
		     k++)
			list[k] = g->refs[first + k];
		ret = gnttab_grant_foreign_access(
			LTT_GG_DOM0, virt_to_gfn((void *)g->list[i]), 1);
		if (ret < 0) {
			g->nr_list = i + 1;
			goto fail;
		}
		g->list_refs[i] = ret;
	}
	c->backend = g;
	return 0;
fail:
	ltt_gg_free_cpu(g, c);
	pr_err("cpu %u: cannot grant its buffer to dom0 (%d)\n", c->cpu, ret);
	return ret;
}

static void ltt_gg_remove_cpu(struct ltt_guest_cpu *c)
{
	if (!c->backend)
		return;
	ltt_gg_free_cpu(c->backend, c);
	c->backend = NULL;
}

static int ltt_gg_channel_changed(void)
{
	char *text;
	int n;

	text = ltt_channel_json_alloc(&n);
	if (IS_ERR(text))
		return PTR_ERR(text);
	mutex_lock(&ltt_gg_lock);
	kfree(ltt_gg_channel);
	ltt_gg_channel = text;
	mutex_unlock(&ltt_gg_lock);
	return 0;
}

static int ltt_gg_publish_cpu(struct ltt_guest_cpu *c)
{
	struct ltt_gg_cpu *g = c->backend;
	char dir[48];
	char refs[LTT_GG_MAX_LIST_PAGES * 11 + 1];
	size_t n = 0;
	unsigned int i;
	int ret;

	snprintf(dir, sizeof(dir), LTT_GG_XS_DIR "/" LTT_GG_XS_CPU_DIR "/%u",
		 c->cpu);
	for (i = 0; i < g->nr_list; i++)
		n += scnprintf(refs + n, sizeof(refs) - n, "%s%u", i ? " " : "",
			       g->list_refs[i]);
	ret = xenbus_printf(XBT_NIL, dir, LTT_GG_XS_PAGES, "%u", g->nr_pages);
	if (!ret)
		ret = xenbus_write(XBT_NIL, dir, LTT_GG_XS_REFS, refs);
	return ret;
}

/* Every buffer is granted: describe them, state "ready" last. */
static int ltt_gg_ready(void)
{
	char cpus[LTT_GG_MAX_CPUS * 4 + 1];
	size_t n = 0;
	unsigned int cpu;
	int ret;

	mutex_lock(&ltt_gg_lock);
	ret = xenbus_write(XBT_NIL, LTT_GG_XS_DIR, LTT_GG_XS_CHANNEL,
			   ltt_gg_channel);
	if (!ret)
		ret = xenbus_printf(XBT_NIL, LTT_GG_XS_DIR,
				    LTT_GG_XS_CONTROL_REF, "%u",
				    ltt_gg_ctl_ref);
	if (!ret)
		ret = xenbus_printf(XBT_NIL, LTT_GG_XS_DIR, LTT_GG_XS_EVTCHN,
				    "%u", ltt_gg_port);
	for (cpu = 0; !ret && cpu < nr_cpu_ids && cpu < LTT_GG_MAX_CPUS;
	     cpu++) {
		struct ltt_guest_cpu *c = ltt_guest_cpus[cpu];

		if (!c || !c->backend)
			continue;
		ret = ltt_gg_publish_cpu(c);
		n += scnprintf(cpus + n, sizeof(cpus) - n, "%s%u", n ? " " : "",
			       cpu);
	}
	if (!ret)
		ret = xenbus_write(XBT_NIL, LTT_GG_XS_DIR, LTT_GG_XS_CPUS,
				   cpus);
	if (!ret)
		ret = xenbus_write(XBT_NIL, LTT_GG_XS_DIR, LTT_GG_XS_STATE,
				   LTT_GG_STATE_READY);
	if (!ret)
		ltt_gg_published = true;
	mutex_unlock(&ltt_gg_lock);
	if (ret)
		pr_err("cannot describe the buffers in xenstore " LTT_GG_XS_DIR
		       " (%d)\n",
		       ret);
	return ret;
}

/* dom0's requests, in process context (see the top of the file). */
static void ltt_gg_do_requests(struct work_struct *work)
{
	struct ltt_gg_control *ctl = ltt_gg_ctl;
	u8 enable[LTT_NR_EVENTS];
	u32 seq, cmd;
	unsigned int cpu;
	int ret = 0;

	BUILD_BUG_ON(sizeof(struct ltt_gg_control) != LTT_GG_PAGE_SIZE);
	BUILD_BUG_ON(LTT_NR_EVENTS > LTT_GG_MAX_EVENTS);
	seq = READ_ONCE(ctl->req_seq);
	if (seq == ltt_gg_done_seq)
		return;
	virt_rmb(); /* the request is read after its sequence number */
	cmd = READ_ONCE(ctl->req_cmd) & LTT_GG_CMD_ALL;
	/* unloading: the probes go, and no request may bring them back */
	if (READ_ONCE(ltt_gg_closing))
		cmd &= ~LTT_GG_CMD_ENABLE;
	if (cmd & LTT_GG_CMD_ENABLE) {
		/* one copy: dom0 may change the page under us */
		memcpy(enable, ctl->enable, sizeof(enable));
		ret = ltt_guest_write_enable(enable, 0, sizeof(enable));
	}
	for (cpu = 0; cpu < LTT_GG_MAX_CPUS; cpu++)
		ctl->flush_result[cpu] = -2;
	if (cmd & (LTT_GG_CMD_SWITCH | LTT_GG_CMD_SWITCH_EMPTY)) {
		for (cpu = 0; cpu < nr_cpu_ids && cpu < LTT_GG_MAX_CPUS;
		     cpu++) {
			struct ltt_guest_cpu *c = ltt_buffers_get(cpu);
			int r;

			if (!c)
				continue;
			r = ltt_buffers_switch(c, cmd & LTT_GG_CMD_SWITCH_EMPTY
							  ? LTT_SWITCH_EMPTY
							  : 0);
			ltt_buffers_put(c);
			ctl->flush_result[cpu] = r < 0 ? -1 : r > 0 ? 1 : 0;
		}
	}
	if (cmd & LTT_GG_CMD_STATEDUMP)
		ltt_guest_statedump();
	WRITE_ONCE(ctl->done_result, ret);
	virt_wmb(); /* the results before the sequence number */
	WRITE_ONCE(ctl->done_seq, seq);
	ltt_gg_done_seq = seq;
	notify_remote_via_irq(ltt_gg_irq);
	/* dom0 has mapped and checked the buffers (its first request comes
	 * after that): from now on a test's scribbling races its consumer */
	if (!READ_ONCE(ltt_gg_closing))
		ltt_scribble_start(ctl);
}

static irqreturn_t ltt_gg_interrupt(int irq, void *dev_id)
{
	schedule_work(&ltt_gg_work);
	return IRQ_HANDLED;
}

static void ltt_gg_subbuf_closed(struct ltt_guest_cpu *c)
{
	ltt_scribble_subbuf_closed();
	if (ltt_gg_irq >= 0 && READ_ONCE(ltt_gg_published))
		notify_remote_via_irq(ltt_gg_irq);
}

static int ltt_gg_init(void)
{
	struct evtchn_alloc_unbound alloc = {
		.dom = DOMID_SELF,
		.remote_dom = LTT_GG_DOM0,
	};
	int ret;

	if (xenbus_scanf(XBT_NIL, "domid", "", "%u", &ltt_guest_domid) != 1) {
		pr_err("cannot read this domain's id from xenstore (domid)\n");
		return -ENODEV;
	}
	/* a description an earlier load left (it crashed) is not ours */
	xenbus_rm(XBT_NIL, "data", "ltt");
	INIT_WORK(&ltt_gg_work, ltt_gg_do_requests);
	ltt_gg_ctl = (struct ltt_gg_control *)get_zeroed_page(GFP_KERNEL);
	if (!ltt_gg_ctl)
		return -ENOMEM;
	ltt_gg_ctl->magic = LTT_GG_MAGIC;
	ltt_gg_ctl->version = LTT_GG_VERSION;
	ltt_gg_ctl->nr_events = LTT_NR_EVENTS;
	ret = gnttab_grant_foreign_access(LTT_GG_DOM0, virt_to_gfn(ltt_gg_ctl),
					  0);
	if (ret < 0)
		goto fail_page;
	ltt_gg_ctl_ref = ret;
	ret = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc);
	if (ret)
		goto fail_grant;
	ltt_gg_port = alloc.port;
	ret = bind_evtchn_to_irqhandler(ltt_gg_port, ltt_gg_interrupt, 0,
					LTT_GUEST_NAME, NULL);
	if (ret < 0) {
		struct evtchn_close close = {.port = ltt_gg_port};

		HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
		goto fail_grant;
	}
	ltt_gg_irq = ret;
	return 0;
fail_grant:
	ltt_gg_end_ref(ltt_gg_ctl_ref, virt_to_page(ltt_gg_ctl));
	ltt_gg_ctl_ref = (grant_ref_t)-1;
fail_page:
	free_page((unsigned long)ltt_gg_ctl);
	ltt_gg_ctl = NULL;
	pr_err("cannot set up the grants and event channel for dom0 (%d)\n",
	       ret);
	return ret;
}

/* True when every grant of every buffer could be ended now. */
static bool ltt_gg_all_unmapped(void)
{
	unsigned int cpu, i;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		struct ltt_guest_cpu *c = ltt_guest_cpus[cpu];
		struct ltt_gg_cpu *g = c ? c->backend : NULL;

		if (!g)
			continue;
		for (i = 0; i < g->nr_pages; i++) {
			if (g->refs[i] == (grant_ref_t)-1)
				continue;
			if (!gnttab_try_end_foreign_access(g->refs[i]))
				return false;
			g->refs[i] = (grant_ref_t)-1;
		}
	}
	return true;
}

/*
 * Before the probes and the buffers go (main.c calls it first): no enable
 * request is carried out from now on, dom0 is told, and given time to drain
 * and unmap.
 */
static void ltt_gg_quiesce(void)
{
	unsigned long deadline;

	WRITE_ONCE(ltt_gg_closing, true);
	flush_work(&ltt_gg_work); /* a request in flight sees it done */
	/* after the flush: no request can start the scribbling again */
	ltt_scribble_stop();
	mutex_lock(&ltt_gg_lock);
	if (!ltt_gg_published) {
		mutex_unlock(&ltt_gg_lock);
		return;
	}
	xenbus_write(XBT_NIL, LTT_GG_XS_DIR, LTT_GG_XS_STATE,
		     LTT_GG_STATE_CLOSING);
	WRITE_ONCE(ltt_gg_published, false);
	mutex_unlock(&ltt_gg_lock);
	notify_remote_via_irq(ltt_gg_irq);
	deadline = jiffies + msecs_to_jiffies(LTT_GG_CLOSE_WAIT_MS);
	while (!ltt_gg_all_unmapped()) {
		if (time_after(jiffies, deadline)) {
			pr_warn("dom0 still maps the buffers after %u ms: "
				"their pages stay allocated until it unmaps\n",
				LTT_GG_CLOSE_WAIT_MS);
			return;
		}
		msleep(20);
	}
}

static void ltt_gg_exit(void)
{
	ltt_scribble_stop();
	if (ltt_gg_irq >= 0)
		unbind_from_irqhandler(ltt_gg_irq, NULL); /* closes the port */
	ltt_gg_irq = -1;
	cancel_work_sync(&ltt_gg_work);
	if (ltt_gg_ctl) {
		ltt_gg_end_ref(ltt_gg_ctl_ref, virt_to_page(ltt_gg_ctl));
		free_page((unsigned long)ltt_gg_ctl);
	}
	ltt_gg_ctl = NULL;
	ltt_gg_ctl_ref = (grant_ref_t)-1;
	xenbus_rm(XBT_NIL, "data", "ltt");
	kfree(ltt_gg_channel);
	ltt_gg_channel = NULL;
}

const struct ltt_backend_ops ltt_grant_backend_ops = {
	.name = "granted to dom0, described in xenstore " LTT_GG_XS_DIR "/",
	.init = ltt_gg_init,
	.exit = ltt_gg_exit,
	.channel_changed = ltt_gg_channel_changed,
	.add_cpu = ltt_gg_add_cpu,
	.remove_cpu = ltt_gg_remove_cpu,
	.ready = ltt_gg_ready,
	.quiesce = ltt_gg_quiesce,
	.subbuf_closed = ltt_gg_subbuf_closed,
};
