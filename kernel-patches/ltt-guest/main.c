// SPDX-License-Identifier: GPL-2.0-only
/*
 * ltt-guest.ko - ltt-xen's guest kernel tracer: the kernel facilities
 * (facilities/kernel/) written by genevent's kernel tracepoints into
 * include/ltt/ring.h buffers, one per vCPU, timestamped with the raw TSC,
 * and drained by lttd (`ltt-ctl create NAME --source kernel`).
 *
 * Load: checks that this is a Xen guest whose TSC Xen does not emulate
 * (else there is no common time base with the hypervisor), takes the TSC
 * frequency from Xen, makes the buffers and the files. Events carry the
 * TSC as this domain reads it: the host's in a PV domain; in a PVH or HVM
 * container the host's scaled and offset by Xen (DESIGN.md section 4),
 * which the hypervisor's time_tsc_params records describe and ltt-view
 * inverts. Tracing is driven
 * by enable.map: the first event enabled attaches the probes and writes the
 * event-channel statedump; the last one disabled detaches them.
 */
#define pr_fmt(fmt) "ltt-guest: " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/log2.h>
#include <linux/uuid.h>
#include <asm/processor.h>
#include <asm/tsc.h>
#include <asm/xen/hypervisor.h>
#include <xen/xen.h>

#include "ltt-guest.h"

unsigned char ltt_event_enabled[LTT_NR_EVENTS];
u8 ltt_guest_uuid[LTT_UUID_LEN];
u64 ltt_guest_tsc_hz;
const struct ltt_backend_ops *ltt_backend = &ltt_dir_backend_ops;

/* Enabling and setup; taken before the CPU hotplug lock (probe
 * registration takes it). */
static DEFINE_MUTEX(ltt_enable_lock);
static bool ltt_probes_on;

static unsigned int subbuf_size = 128 * 1024;
module_param(subbuf_size, uint, 0444);
MODULE_PARM_DESC(
	subbuf_size,
	"Bytes per sub-buffer at load, a power of two (lttd may change it)");
static unsigned int nr_subbufs = 8;
module_param(nr_subbufs, uint, 0444);
MODULE_PARM_DESC(
	nr_subbufs,
	"Sub-buffers per vCPU at load, a power of two (lttd may change it)");
static bool overwrite;
module_param(overwrite, bool, 0444);
MODULE_PARM_DESC(overwrite,
		 "Flight-recorder mode at load (lttd may change it)");

/* Xen's CPUID time leaf (base + 3, public/arch-x86/cpuid.h). */
#define XEN_CPUID_TIME_LEAF 3
#define XEN_CPUID_TIME_VTSC (1u << 0)
#define XEN_CPUID_TIME_SUBLEAF_HOST_KHZ 2

/* What kind of Xen guest this is, for the messages. */
static const char *ltt_container(void)
{
	if (xen_pv_domain())
		return "PV";
	if (xen_pvh_domain())
		return "PVH";
	return "HVM";
}

static int ltt_check_tsc(void)
{
	u32 base = xen_cpuid_base();
	u32 eax, ebx, ecx, edx;

	if (!xen_domain() || !base) {
		pr_err("not running on Xen: nothing to share a time base "
		       "with\n");
		return -ENODEV;
	}
	cpuid_count(base + XEN_CPUID_TIME_LEAF, 0, &eax, &ebx, &ecx, &edx);
	if (eax & XEN_CPUID_TIME_VTSC) {
		pr_err("Xen emulates this %s domain's TSC (tsc_mode %u): its "
		       "rdtsc is not the hypervisor's time base. Give the "
		       "domain tsc_mode=\"native\" in its xl configuration and "
		       "boot it again\n",
		       ltt_container(), ebx);
		return -EOPNOTSUPP;
	}
	/* The host TSC frequency as Xen measured it (the one its own traces
	 * carry); the guest's calibration only if Xen does not say. */
	cpuid_count(base + XEN_CPUID_TIME_LEAF, XEN_CPUID_TIME_SUBLEAF_HOST_KHZ,
		    &eax, &ebx, &ecx, &edx);
	ltt_guest_tsc_hz = (u64)(eax ? eax : tsc_khz) * 1000;
	if (!ltt_guest_tsc_hz) {
		pr_err("neither Xen nor the kernel knows the TSC frequency\n");
		return -ENODEV;
	}
	return 0;
}

static bool ltt_any_enabled(void)
{
	unsigned int id;

	for (id = 0; id < LTT_NR_EVENTS; id++)
		if (READ_ONCE(ltt_event_enabled[id]))
			return true;
	return false;
}

void ltt_guest_statedump(void)
{
	ltt_evtchn_statedump();
}

int ltt_guest_write_enable(const u8 *bytes, size_t offset, size_t len)
{
	size_t k;
	int ret = 0;

	mutex_lock(&ltt_enable_lock);
	for (k = 0; k < len; k++)
		if (offset + k < LTT_NR_EVENTS)
			WRITE_ONCE(ltt_event_enabled[offset + k],
				   bytes[k] ? 1 : 0);
	if (ltt_any_enabled() && !ltt_probes_on) {
		ret = ltt_probes_register();
		if (ret) {
			memset(ltt_event_enabled, 0, sizeof(ltt_event_enabled));
			goto out;
		}
		ltt_probes_on = true;
		/* what the records to come refer to */
		ltt_evtchn_statedump();
	} else if (!ltt_any_enabled() && ltt_probes_on) {
		ltt_probes_unregister();
		ltt_probes_on = false;
	}
out:
	mutex_unlock(&ltt_enable_lock);
	return ret;
}

int ltt_guest_setup_geometry(u32 mode, u32 subbuf_order, u32 nr_subbufs_order)
{
	struct ltt_guest_geometry g = {
		.mode = mode,
		.subbuf_order = subbuf_order,
		.nr_subbufs_order = nr_subbufs_order,
	};
	int ret;

	mutex_lock(&ltt_enable_lock);
	ret = ltt_probes_on ? -EBUSY : ltt_buffers_setup(&g);
	mutex_unlock(&ltt_enable_lock);
	return ret;
}

static int __init ltt_guest_init(void)
{
	struct ltt_guest_geometry g;
	int ret;

	ret = ltt_check_tsc();
	if (ret)
		return ret;
	if (!is_power_of_2(subbuf_size) || !is_power_of_2(nr_subbufs) ||
	    nr_subbufs < 2) {
		pr_err("subbuf_size and nr_subbufs must be powers of two "
		       "(nr_subbufs >= 2)\n");
		return -EINVAL;
	}
	g.mode = overwrite ? LTT_MODE_OVERWRITE : LTT_MODE_DISCARD;
	g.subbuf_order = ilog2(subbuf_size);
	g.nr_subbufs_order = ilog2(nr_subbufs);
	if (g.subbuf_order < max_t(u32, PAGE_SHIFT, LTT_SUBBUF_ORDER_MIN) ||
	    g.subbuf_order > LTT_SUBBUF_ORDER_MAX ||
	    g.nr_subbufs_order > LTT_NR_SUBBUFS_ORDER_MAX) {
		pr_err("subbuf_size %u or nr_subbufs %u out of range\n",
		       subbuf_size, nr_subbufs);
		return -EINVAL;
	}
	ltt_guest_geom = g;
	generate_random_uuid(ltt_guest_uuid);

	/* dom0 runs lttd: files; a domU grants its pages to dom0's lttd */
	ltt_backend = xen_initial_domain() ? &ltt_dir_backend_ops
					   : &ltt_grant_backend_ops;
	ret = ltt_backend->init();
	if (ret)
		return ret;
	ret = ltt_buffers_init();
	if (ret) {
		ltt_backend->exit();
		return ret;
	}
	ret = ltt_backend->ready ? ltt_backend->ready() : 0;
	if (ret) {
		ltt_buffers_exit();
		ltt_backend->exit();
		return ret;
	}
	pr_info("ready: %u vCPU buffers of %u x %u bytes, %s mode, TSC %llu "
		"Hz (%s), domain %u (%s), %s\n",
		num_online_cpus(), 1u << g.nr_subbufs_order,
		1u << g.subbuf_order, overwrite ? "overwrite" : "discard",
		ltt_guest_tsc_hz,
		xen_pv_domain() ? "the host's"
				: "the guest's: Xen's tsc_params convert it",
		ltt_guest_domid, ltt_container(), ltt_backend->name);
	return 0;
}

static void __exit ltt_guest_exit(void)
{
	/* first: a consumer's request must not enable probes after this */
	if (ltt_backend->quiesce)
		ltt_backend->quiesce();
	mutex_lock(&ltt_enable_lock);
	memset(ltt_event_enabled, 0, sizeof(ltt_event_enabled));
	if (ltt_probes_on)
		ltt_probes_unregister();
	ltt_probes_on = false;
	mutex_unlock(&ltt_enable_lock);
	ltt_buffers_exit();
	ltt_backend->exit();
	pr_info("unloaded\n");
}

module_init(ltt_guest_init);
module_exit(ltt_guest_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("ltt-xen");
MODULE_DESCRIPTION(
	"ltt-xen guest kernel tracer: kernel events on the hypervisor's TSC");
