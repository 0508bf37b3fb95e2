/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ltt-xen internals shared by the files of xen/common/ltt/.
 *
 * Locking: every control path (XEN_SYSCTL_ltt_op) runs under do_sysctl()'s
 * lock, and those that change which CPUs have buffers also hold the CPU
 * maps (get_cpu_maps()), which excludes the CPU notifier. Writers take no
 * lock at all: they find their CPU's buffer through ltt_xen_cur_buf.
 */
#ifndef __LTT_PRIVATE_H__
#define __LTT_PRIVATE_H__

#include <xen/ltt.h>
#include <xen/mm.h>
#include <xen/timer.h>
#include <ltt/ring.h>
#include <ltt/ring_reader.h>
#include <public/sysctl.h>

/* Pages of Xen memory shared with privileged domains, mapped contiguously
 * (vmap) for Xen's own use. */
struct ltt_area {
    void *va;
    mfn_t *mfns;
    unsigned int nr_pages;
};

/* One physical CPU's buffer and what Xen keeps about it. */
struct ltt_cpu {
    struct ltt_buf buf;         /* the writers' descriptor */
    struct ltt_reader reader;   /* overwrite mode: read on dom0's behalf */
    struct ltt_area ctl;        /* shared read-only */
    struct ltt_area cons;       /* shared read-write, untrusted */
    struct ltt_area data;       /* shared read-only */
    struct timer timer;         /* periodic flush */
    uint64_t timer_count;       /* sub-buffer count at the previous tick */
    uint64_t notified;          /* sub-buffers complete when dom0 was told */
    unsigned int cpu;
    bool consumer_reported;     /* invalid consumer position reported */
};

/* Set-up parameters, valid while state != none. */
struct ltt_geometry {
    uint32_t subbuf_order;
    uint32_t nr_subbufs_order;
    uint32_t mode;
    uint32_t switch_timer_ms;
    uint32_t ctl_pages;
    uint32_t data_pages;
    uint8_t uuid[LTT_UUID_LEN];
};

extern unsigned int ltt_state;          /* XEN_SYSCTL_LTT_STATE_* */
extern struct ltt_geometry ltt_geom;
extern uint32_t ltt_generation;

/*
 * The buffers of every CPU that has them, online or not (a CPU keeps its
 * buffer while offline, so what it recorded stays readable). Not per-CPU
 * data: an offline CPU's per-CPU area may be freed.
 */
extern struct ltt_cpu *ltt_cpus[NR_CPUS];

/* buffers.c */
struct ltt_cpu *ltt_cpu_alloc(unsigned int cpu, unsigned int timer_cpu);
void ltt_cpu_free(struct ltt_cpu *c);
bool ltt_cpu_mapped(const struct ltt_cpu *c);

/* notify.c */
void ltt_notify_init(void);
void ltt_timer_init(struct ltt_cpu *c, unsigned int timer_cpu);
void ltt_timer_start(struct ltt_cpu *c);
void ltt_timer_stop(struct ltt_cpu *c);
void ltt_quiesce(void);
void ltt_notify_dom0(void);
unsigned int ltt_flush_all(uint32_t flags);
void ltt_consumer_check(struct ltt_cpu *c);

/* statedump.c */
void ltt_statedump(void);

/* control.c: the sysctl's sub-ops, also used by ltt_boot_start(). */
int ltt_setup(const struct xen_sysctl_ltt_setup *s);
int ltt_events(const struct xen_sysctl_ltt_events *e, bool on);
int ltt_start(void);
int ltt_teardown(void);
int ltt_facility_id(const char *name, size_t len);

/* boot.c: "ltt_boot=" on Xen's command line. */
void ltt_boot_start(void);

/* bench.c */
int ltt_bench(struct xen_sysctl_ltt_bench *b);

/* hotplug.c */
void ltt_hotplug_init(void);

#endif /* __LTT_PRIVATE_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
