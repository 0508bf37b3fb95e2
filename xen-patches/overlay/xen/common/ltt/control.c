/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ltt-xen: XEN_SYSCTL_ltt_op, the control interface (ABI and error codes in
 * public/sysctl.h). do_sysctl() has checked the caller with xsm_sysctl()
 * (privileged domains only) and serialises every call with its lock.
 */

#include <xen/cpu.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/init.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/time.h>

#include "private.h"

/* The tracepoints' test: enabled AND started. */
uint8_t ltt_xen_event_enabled[LTT_NR_EVENTS] __read_mostly;
DEFINE_PER_CPU(struct ltt_buf *, ltt_xen_cur_buf);

/* What the consumer asked for; kept across setup and teardown. */
static uint8_t ltt_event_wanted[LTT_NR_EVENTS];

unsigned int ltt_state = XEN_SYSCTL_LTT_STATE_none;
struct ltt_geometry ltt_geom;
uint32_t ltt_generation;
struct ltt_cpu *ltt_cpus[NR_CPUS];

static const struct ltt_facility_desc {
    const char *name;
    uint32_t checksum;
    uint32_t base;
    uint32_t nr_events;
} ltt_facilities[] = {
#define LTT_FACILITY_DESC(n, c, b, e) { #n, c, b, e },
    LTT_FOR_EACH_FACILITY(LTT_FACILITY_DESC)
#undef LTT_FACILITY_DESC
};

static int ltt_query(struct xen_sysctl_ltt_query *q)
{
    unsigned int i, n;

    q->state = ltt_state;
    q->nr_cpus = nr_cpu_ids;
    q->nr_online_cpus = num_online_cpus();
    q->header_type = LTT_HEADER_TYPE;
    q->cpu_khz = cpu_khz;
    q->nr_facilities = ARRAY_SIZE(ltt_facilities);
    q->nr_events = LTT_NR_EVENTS;
    q->generation = ltt_generation;
    q->pad = 0;

    if ( ltt_state != XEN_SYSCTL_LTT_STATE_none )
    {
        q->subbuf_order = ltt_geom.subbuf_order;
        q->nr_subbufs_order = ltt_geom.nr_subbufs_order;
        q->mode = ltt_geom.mode;
        q->switch_timer_ms = ltt_geom.switch_timer_ms;
        q->ctl_pages = ltt_geom.ctl_pages;
        q->data_pages = ltt_geom.data_pages;
        memcpy(q->uuid, ltt_geom.uuid, sizeof(q->uuid));
    }
    else
    {
        q->subbuf_order = q->nr_subbufs_order = q->mode = 0;
        q->switch_timer_ms = q->ctl_pages = q->data_pages = 0;
        memset(q->uuid, 0, sizeof(q->uuid));
    }

    if ( !guest_handle_is_null(q->facilities) )
    {
        n = min_t(unsigned int, q->max_facilities, ARRAY_SIZE(ltt_facilities));
        for ( i = 0; i < n; i++ )
        {
            struct xen_sysctl_ltt_facility f = {
                .checksum = ltt_facilities[i].checksum,
                .base = ltt_facilities[i].base,
                .nr_events = ltt_facilities[i].nr_events,
            };

            safe_strcpy(f.name, ltt_facilities[i].name);
            if ( copy_to_guest_offset(q->facilities, i, &f, 1) )
                return -EFAULT;
        }
    }

    if ( !guest_handle_is_null(q->enabled) )
    {
        n = min_t(unsigned int, q->max_events, LTT_NR_EVENTS);
        if ( copy_to_guest(q->enabled, ltt_event_wanted, n) )
            return -EFAULT;
    }

    return 0;
}

int ltt_facility_id(const char *name, size_t len)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(ltt_facilities); i++ )
        if ( strlen(ltt_facilities[i].name) == len &&
             !strncmp(ltt_facilities[i].name, name, len) )
            return i;

    return -ENOENT;
}

static struct ltt_cpu *ltt_cpu_of(uint32_t cpu)
{
    return cpu < nr_cpu_ids ? ltt_cpus[cpu] : NULL;
}

static int ltt_cpu_info(uint32_t cpu, struct xen_sysctl_ltt_cpu_info *info)
{
    const struct ltt_cpu *c;
    const struct ltt_area *areas[3];
    unsigned int a, i, n = 0;

    if ( ltt_state == XEN_SYSCTL_LTT_STATE_none )
        return -ENODEV;
    c = ltt_cpu_of(cpu);
    if ( !c )
        return -ENXIO;

    info->online = cpu_online(cpu);
    info->ctl_pages = c->ctl.nr_pages;
    info->data_pages = c->data.nr_pages;
    info->nr_mfns = c->ctl.nr_pages + c->cons.nr_pages + c->data.nr_pages;
    info->pad = 0;
    if ( info->max_mfns < info->nr_mfns || guest_handle_is_null(info->mfns) )
        return -ENOBUFS;

    areas[0] = &c->ctl;
    areas[1] = &c->cons;
    areas[2] = &c->data;
    for ( a = 0; a < ARRAY_SIZE(areas); a++ )
        for ( i = 0; i < areas[a]->nr_pages; i++, n++ )
        {
            uint64_t mfn = mfn_x(areas[a]->mfns[i]);

            if ( copy_to_guest_offset(info->mfns, n, &mfn, 1) )
                return -EFAULT;
        }

    return 0;
}

static bool is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

static unsigned int order_of(uint64_t v)
{
    return flsl(v) - 1;
}

/*
 * Setting up or freeing one CPU's buffer touches up to 16k pages: let
 * softirqs (timers, IPIs, RCU) run between CPUs. Nothing here is needed by
 * them, and the CPU maps stay held.
 */
static void ltt_free_all(void)
{
    unsigned int cpu;

    for ( cpu = 0; cpu < nr_cpu_ids; cpu++ )
        if ( ltt_cpus[cpu] )
        {
            ltt_cpu_free(ltt_cpus[cpu]);
            ltt_cpus[cpu] = NULL;
            process_pending_softirqs();
        }
}

int ltt_setup(const struct xen_sysctl_ltt_setup *s)
{
    unsigned int so, no, cpu;
    uint64_t data_bytes, pages;

    if ( ltt_state != XEN_SYSCTL_LTT_STATE_none )
        return -EEXIST;
    if ( s->flags || s->mode > XEN_SYSCTL_LTT_MODE_overwrite ||
         !is_pow2(s->subbuf_size) || !is_pow2(s->nr_subbufs) ||
         s->switch_timer_ms > XEN_SYSCTL_LTT_MAX_SWITCH_TIMER_MS )
        return -EINVAL;

    so = order_of(s->subbuf_size);
    no = order_of(s->nr_subbufs);
    if ( so < LTT_SUBBUF_ORDER_MIN || so > LTT_SUBBUF_ORDER_MAX ||
         no < LTT_NR_SUBBUFS_ORDER_MIN || no > LTT_NR_SUBBUFS_ORDER_MAX )
        return -EINVAL;

    data_bytes = ltt_data_size(so, no);
    if ( data_bytes > XEN_SYSCTL_LTT_MAX_DATA_BYTES )
        return -E2BIG;

    ltt_geom.subbuf_order = so;
    ltt_geom.nr_subbufs_order = no;
    ltt_geom.mode = s->mode;
    ltt_geom.switch_timer_ms = s->switch_timer_ms;
    ltt_geom.ctl_pages = PFN_UP(ltt_ctl_size(no));
    ltt_geom.data_pages = PFN_UP(data_bytes);
    memcpy(ltt_geom.uuid, s->uuid, sizeof(ltt_geom.uuid));

    if ( !get_cpu_maps() )
        return -EBUSY;

    pages = (uint64_t)(ltt_geom.ctl_pages + 1 + ltt_geom.data_pages) *
            num_online_cpus();
    if ( pages > avail_domheap_pages() / 2 )
    {
        put_cpu_maps();
        return -ENOMEM;
    }

    for_each_online_cpu ( cpu )
    {
        ltt_cpus[cpu] = ltt_cpu_alloc(cpu, cpu);
        if ( !ltt_cpus[cpu] )
        {
            ltt_free_all();
            put_cpu_maps();
            return -ENOMEM;
        }
        process_pending_softirqs();
    }

    for_each_online_cpu ( cpu )
        per_cpu(ltt_xen_cur_buf, cpu) = &ltt_cpus[cpu]->buf;

    ltt_generation++;
    ltt_state = XEN_SYSCTL_LTT_STATE_setup;
    put_cpu_maps();

    printk(XENLOG_INFO "ltt: %u CPUs, %u x %u bytes, %s mode\n",
           num_online_cpus(), 1u << no, 1u << so,
           s->mode == XEN_SYSCTL_LTT_MODE_overwrite ? "overwrite" : "discard");

    return 0;
}

int ltt_events(const struct xen_sysctl_ltt_events *e, bool on)
{
    unsigned int first, nr, i;

    switch ( e->which )
    {
    case XEN_SYSCTL_LTT_EVENTS_all:
        if ( e->id )
            return -EINVAL;
        first = 0;
        nr = LTT_NR_EVENTS;
        break;

    case XEN_SYSCTL_LTT_EVENTS_facility:
        if ( e->id >= ARRAY_SIZE(ltt_facilities) )
            return -ENOENT;
        first = ltt_facilities[e->id].base;
        nr = ltt_facilities[e->id].nr_events;
        break;

    case XEN_SYSCTL_LTT_EVENTS_event:
        if ( e->id >= LTT_NR_EVENTS )
            return -ENOENT;
        first = e->id;
        nr = 1;
        break;

    default:
        return -EINVAL;
    }

    for ( i = first; i < first + nr; i++ )
    {
        ltt_event_wanted[i] = on;
        if ( ltt_state == XEN_SYSCTL_LTT_STATE_started )
            write_atomic(&ltt_xen_event_enabled[i], on);
    }

    return 0;
}

int ltt_start(void)
{
    unsigned int cpu, i;

    if ( ltt_state == XEN_SYSCTL_LTT_STATE_none )
        return -ENODEV;
    if ( ltt_state == XEN_SYSCTL_LTT_STATE_started )
        return -EBUSY;
    if ( !get_cpu_maps() )
        return -EBUSY;

    write_atomic(&ltt_state, XEN_SYSCTL_LTT_STATE_started);
    for_each_online_cpu ( cpu )
        if ( ltt_cpus[cpu] )
            ltt_timer_start(ltt_cpus[cpu]);
    for ( i = 0; i < LTT_NR_EVENTS; i++ )
        write_atomic(&ltt_xen_event_enabled[i], ltt_event_wanted[i]);

    put_cpu_maps();

    /* The state the trace starts in: domains, vCPUs, event channels. */
    ltt_statedump();

    return 0;
}

static int ltt_stop(void)
{
    unsigned int cpu, i;

    if ( ltt_state == XEN_SYSCTL_LTT_STATE_none )
        return -ENODEV;
    if ( ltt_state != XEN_SYSCTL_LTT_STATE_started )
        return 0;

    for ( i = 0; i < LTT_NR_EVENTS; i++ )
        write_atomic(&ltt_xen_event_enabled[i], 0);
    write_atomic(&ltt_state, XEN_SYSCTL_LTT_STATE_setup);
    for ( cpu = 0; cpu < nr_cpu_ids; cpu++ )
        if ( ltt_cpus[cpu] )
            ltt_timer_stop(ltt_cpus[cpu]);

    return 0;
}

static int ltt_flush(struct xen_sysctl_ltt_flush *f)
{
    if ( ltt_state == XEN_SYSCTL_LTT_STATE_none )
        return -ENODEV;
    if ( f->flags & ~XEN_SYSCTL_LTT_FLUSH_empty )
        return -EINVAL;
    if ( !get_cpu_maps() )
        return -EBUSY;

    f->nr_closed = ltt_flush_all(f->flags);
    put_cpu_maps();
    ltt_notify_dom0();

    return 0;
}

static int ltt_reader_cpu(uint32_t cpu, struct ltt_cpu **pc)
{
    if ( ltt_state == XEN_SYSCTL_LTT_STATE_none )
        return -ENODEV;
    *pc = ltt_cpu_of(cpu);
    if ( !*pc )
        return -ENXIO;
    if ( ltt_geom.mode != LTT_MODE_OVERWRITE )
        return -EOPNOTSUPP;

    return 0;
}

static int ltt_get_subbuf(uint32_t cpu, struct xen_sysctl_ltt_subbuf *out)
{
    struct ltt_subbuf sb = { .skipped = 0 };
    struct ltt_cpu *c;
    int rc = ltt_reader_cpu(cpu, &c);

    if ( rc )
        return rc;
    if ( c->reader.holding )
        return -EBUSY;

    rc = ltt_reader_get(&c->reader, &sb);
    out->skipped = sb.skipped;
    if ( !c->reader.holding )
    {
        out->offset = out->size = out->seq = 0;
        return rc == LTT_READER_EMPTY ? -ENODATA : -EIO;
    }

    out->offset = c->reader.held << c->buf.subbuf_order;
    if ( rc != LTT_READER_OK )
    {
        out->size = out->seq = 0;
        return -EIO;
    }
    out->size = sb.size;
    out->seq = sb.seq;

    return 0;
}

static int ltt_put_subbuf(uint32_t cpu)
{
    struct ltt_cpu *c;
    int rc = ltt_reader_cpu(cpu, &c);

    if ( rc )
        return rc;
    if ( !c->reader.holding )
        return -EINVAL;
    ltt_reader_put(&c->reader);

    return 0;
}

int ltt_teardown(void)
{
    unsigned int cpu;

    if ( ltt_state == XEN_SYSCTL_LTT_STATE_none )
        return -ENODEV;
    if ( !get_cpu_maps() )
        return -EBUSY;

    for ( cpu = 0; cpu < nr_cpu_ids; cpu++ )
        if ( ltt_cpus[cpu] && ltt_cpu_mapped(ltt_cpus[cpu]) )
        {
            put_cpu_maps();
            return -EBUSY;
        }

    ltt_stop();
    write_atomic(&ltt_state, XEN_SYSCTL_LTT_STATE_none);
    for_each_online_cpu ( cpu )
        per_cpu(ltt_xen_cur_buf, cpu) = NULL;
    ltt_quiesce();
    ltt_free_all();
    ltt_generation++;
    put_cpu_maps();

    printk(XENLOG_INFO "ltt: buffers freed\n");

    return 0;
}

int ltt_sysctl(struct xen_sysctl_ltt_op *op)
{
    BUILD_BUG_ON(sizeof(*op) > 128);
    BUILD_BUG_ON(LTT_MODE_DISCARD != XEN_SYSCTL_LTT_MODE_discard);
    BUILD_BUG_ON(LTT_MODE_OVERWRITE != XEN_SYSCTL_LTT_MODE_overwrite);

    /* dom0 is here: report what its consumer positions did meanwhile. */
    if ( ltt_state != XEN_SYSCTL_LTT_STATE_none )
    {
        unsigned int cpu;

        for ( cpu = 0; cpu < nr_cpu_ids; cpu++ )
            if ( ltt_cpus[cpu] )
                ltt_consumer_check(ltt_cpus[cpu]);
    }

    if ( op->interface_version != XEN_SYSCTL_LTT_INTERFACE_VERSION )
        return -EACCES;
    if ( op->pad )
        return -EINVAL;

    switch ( op->cmd )
    {
    case XEN_SYSCTL_LTT_query:
        return ltt_query(&op->u.query);

    case XEN_SYSCTL_LTT_cpu_info:
        return ltt_cpu_info(op->cpu, &op->u.cpu_info);

    case XEN_SYSCTL_LTT_setup:
        return ltt_setup(&op->u.setup);

    case XEN_SYSCTL_LTT_enable:
        return ltt_events(&op->u.events, true);

    case XEN_SYSCTL_LTT_disable:
        return ltt_events(&op->u.events, false);

    case XEN_SYSCTL_LTT_start:
        return ltt_start();

    case XEN_SYSCTL_LTT_stop:
        return ltt_stop();

    case XEN_SYSCTL_LTT_flush:
        return ltt_flush(&op->u.flush);

    case XEN_SYSCTL_LTT_get_subbuf:
        return ltt_get_subbuf(op->cpu, &op->u.subbuf);

    case XEN_SYSCTL_LTT_put_subbuf:
        return ltt_put_subbuf(op->cpu);

    case XEN_SYSCTL_LTT_teardown:
        return ltt_teardown();

    case XEN_SYSCTL_LTT_statedump:
        if ( ltt_state != XEN_SYSCTL_LTT_STATE_started )
            return -ENODEV;
        ltt_statedump();
        return 0;

    case XEN_SYSCTL_LTT_bench:
        return ltt_bench(&op->u.bench);
    }

    return -EOPNOTSUPP;
}

static int __init cf_check ltt_init(void)
{
    ltt_notify_init();
    ltt_hotplug_init();
    ltt_boot_start();

    return 0;
}
__initcall(ltt_init);

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
