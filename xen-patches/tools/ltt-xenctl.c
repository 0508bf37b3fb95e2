/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ltt-xenctl: a small dom0 client of XEN_SYSCTL_ltt_op, the reference for
 * lttd's Xen source and for the end-to-end tests.
 *
 * It issues the sysctl with libxencall (the xen_sysctl and everything its
 * guest handles point to live in xencall_alloc_buffer() memory), maps the
 * per-CPU pages from DOMID_XEN with libxenforeignmemory (control and data
 * read-only, the consumer page read-write), reads complete sub-buffers with
 * include/ltt/ring_reader.h exactly as lttd does, and waits for VIRQ_LTT
 * with libxenevtchn.
 *
 * Build: against the PATCHED public headers (work-xen/include/xen/...,
 * which `make xen` writes), never /usr/include/xen's:
 *   gcc -D__XEN_TOOLS__ -Iwork-xen/include -Iinclude -Ilibltt/env \
 *       ltt-xenctl.c -lxencall -lxenforeignmemory -lxenevtchn
 *
 * Usage: ltt-xenctl help
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xencall.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xen/sysctl.h>
#include <xen/xen.h>

#include <ltt/ring_reader.h>

#ifndef XEN_SYSCTL_ltt_op
#error "build against the ltt-xen patched public headers (work-xen/include)"
#endif

#define PAGE_SIZE_ 4096u

static xencall_handle *xcall;
static xenforeignmemory_handle *fmem;
static struct xen_sysctl *sysctl_buf;
static int failures;

static const char *errname(int e)
{
    const char *n = e ? strerrorname_np(e) : "OK";

    return n ? n : "E?";
}

/*
 * One XEN_SYSCTL_ltt_op. *op is copied into the hypercall buffer and back.
 * Returns 0 or a positive errno value.
 */
static int ltt_op(struct xen_sysctl_ltt_op *op)
{
    int rc;

    memset(sysctl_buf, 0, sizeof(*sysctl_buf));
    sysctl_buf->cmd = XEN_SYSCTL_ltt_op;
    sysctl_buf->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    sysctl_buf->u.ltt_op = *op;

    rc = xencall1(xcall, __HYPERVISOR_sysctl, (uint64_t)(uintptr_t)sysctl_buf);
    *op = sysctl_buf->u.ltt_op;

    return rc < 0 ? errno : 0;
}

static void op_init(struct xen_sysctl_ltt_op *op, uint32_t cmd)
{
    memset(op, 0, sizeof(*op));
    op->interface_version = XEN_SYSCTL_LTT_INTERFACE_VERSION;
    op->cmd = cmd;
}

static int simple(uint32_t cmd)
{
    struct xen_sysctl_ltt_op op;

    op_init(&op, cmd);

    return ltt_op(&op);
}

static int setup(uint64_t subbuf_size, uint32_t nr, uint32_t mode,
                 uint32_t timer_ms, uint32_t flags)
{
    struct xen_sysctl_ltt_op op;
    unsigned int i;

    op_init(&op, XEN_SYSCTL_LTT_setup);
    op.u.setup.subbuf_size = subbuf_size;
    op.u.setup.nr_subbufs = nr;
    op.u.setup.mode = mode;
    op.u.setup.switch_timer_ms = timer_ms;
    op.u.setup.flags = flags;
    for ( i = 0; i < sizeof(op.u.setup.uuid); i++ )
        op.u.setup.uuid[i] = 0xa0 + i;

    return ltt_op(&op);
}

static int events(bool on, uint32_t which, uint32_t id)
{
    struct xen_sysctl_ltt_op op;

    op_init(&op, on ? XEN_SYSCTL_LTT_enable : XEN_SYSCTL_LTT_disable);
    op.u.events.which = which;
    op.u.events.id = id;

    return ltt_op(&op);
}

static int flush(uint32_t flags, uint32_t *closed)
{
    struct xen_sysctl_ltt_op op;
    int rc;

    op_init(&op, XEN_SYSCTL_LTT_flush);
    op.u.flush.flags = flags;
    rc = ltt_op(&op);
    if ( closed )
        *closed = op.u.flush.nr_closed;

    return rc;
}

/* Query, with the facility list and enable map when asked for. */
struct query {
    struct xen_sysctl_ltt_query q;
    xen_sysctl_ltt_facility_t *fac;
    uint8_t *enabled;
};

static int query(struct query *out, bool lists)
{
    struct xen_sysctl_ltt_op op;
    int rc;

    memset(out, 0, sizeof(*out));
    op_init(&op, XEN_SYSCTL_LTT_query);
    rc = ltt_op(&op);
    if ( rc || !lists )
    {
        out->q = op.u.query;
        return rc;
    }

    out->fac = xencall_alloc_buffer(xcall, op.u.query.nr_facilities *
                                           sizeof(*out->fac));
    out->enabled = xencall_alloc_buffer(xcall, op.u.query.nr_events);
    if ( !out->fac || !out->enabled )
        return ENOMEM;

    op_init(&op, XEN_SYSCTL_LTT_query);
    op.u.query.max_facilities = sysctl_buf->u.ltt_op.u.query.nr_facilities;
    op.u.query.max_events = sysctl_buf->u.ltt_op.u.query.nr_events;
    set_xen_guest_handle(op.u.query.facilities, out->fac);
    set_xen_guest_handle(op.u.query.enabled, out->enabled);
    rc = ltt_op(&op);
    out->q = op.u.query;

    return rc;
}

static void query_free(struct query *q)
{
    if ( q->fac )
        xencall_free_buffer(xcall, q->fac);
    if ( q->enabled )
        xencall_free_buffer(xcall, q->enabled);
}

static const char *state_name(uint32_t s)
{
    switch ( s )
    {
    case XEN_SYSCTL_LTT_STATE_none: return "none";
    case XEN_SYSCTL_LTT_STATE_setup: return "setup";
    case XEN_SYSCTL_LTT_STATE_started: return "started";
    }

    return "?";
}

static int cmd_query(void)
{
    struct query q;
    unsigned int i, j;
    int rc = query(&q, true);

    if ( rc )
    {
        fprintf(stderr, "query: %s\n", errname(rc));
        return 1;
    }

    printf("state %s, %u CPUs (%u online), TSC %" PRIu64 " kHz, %s headers\n",
           state_name(q.q.state), q.q.nr_cpus, q.q.nr_online_cpus,
           (uint64_t)q.q.cpu_khz, q.q.header_type ? "large" : "compact");
    if ( q.q.state != XEN_SYSCTL_LTT_STATE_none )
        printf("buffers: %u x %u bytes, %s, switch timer %u ms, "
               "%u control + 1 consumer + %u data pages per CPU, "
               "generation %u\n",
               1u << q.q.nr_subbufs_order, 1u << q.q.subbuf_order,
               q.q.mode ? "overwrite" : "discard", q.q.switch_timer_ms,
               q.q.ctl_pages, q.q.data_pages, q.q.generation);
    printf("%u facilities, %u events:\n", q.q.nr_facilities, q.q.nr_events);
    for ( i = 0; i < q.q.nr_facilities; i++ )
    {
        unsigned int on = 0;

        for ( j = 0; j < q.fac[i].nr_events; j++ )
            on += q.enabled[q.fac[i].base + j] != 0;
        printf("  %-10s checksum 0x%08x ids %3u..%3u  %u enabled\n",
               q.fac[i].name, q.fac[i].checksum, q.fac[i].base,
               q.fac[i].base + q.fac[i].nr_events - 1, on);
    }
    query_free(&q);

    return 0;
}

/* The machine frames of one CPU's areas. */
struct cpu_pages {
    uint32_t ctl_pages, data_pages, nr;
    xen_pfn_t *mfns;
};

static int cpu_info(uint32_t cpu, struct cpu_pages *cp, uint32_t max)
{
    struct xen_sysctl_ltt_op op;
    uint64_t *buf = NULL;
    unsigned int i;
    int rc;

    memset(cp, 0, sizeof(*cp));
    op_init(&op, XEN_SYSCTL_LTT_cpu_info);
    op.cpu = cpu;
    if ( max )
    {
        buf = xencall_alloc_buffer(xcall, max * sizeof(*buf));
        if ( !buf )
            return ENOMEM;
        op.u.cpu_info.max_mfns = max;
        set_xen_guest_handle(op.u.cpu_info.mfns, buf);
    }
    rc = ltt_op(&op);
    cp->ctl_pages = op.u.cpu_info.ctl_pages;
    cp->data_pages = op.u.cpu_info.data_pages;
    cp->nr = op.u.cpu_info.nr_mfns;
    if ( !rc )
    {
        cp->mfns = calloc(cp->nr, sizeof(*cp->mfns));
        if ( !cp->mfns )
            rc = ENOMEM;
        for ( i = 0; !rc && i < cp->nr; i++ )
            cp->mfns[i] = buf[i];
    }
    if ( buf )
        xencall_free_buffer(xcall, buf);

    return rc;
}

/* Both steps: the size, then the frames. */
static int cpu_pages_get(uint32_t cpu, struct cpu_pages *cp)
{
    int rc = cpu_info(cpu, cp, 0);

    if ( rc != ENOBUFS )
        return rc ? rc : EPROTO;

    return cpu_info(cpu, cp, cp->nr);
}

/* A CPU's buffer mapped like lttd maps it. */
struct mapped_cpu {
    uint32_t cpu;
    struct cpu_pages cp;
    void *ctl, *cons, *data;
};

static void unmap_cpu(struct mapped_cpu *m)
{
    if ( m->ctl )
        xenforeignmemory_unmap(fmem, m->ctl, m->cp.ctl_pages);
    if ( m->cons )
        xenforeignmemory_unmap(fmem, m->cons, 1);
    if ( m->data )
        xenforeignmemory_unmap(fmem, m->data, m->cp.data_pages);
    free(m->cp.mfns);
    memset(m, 0, sizeof(*m));
}

static void *map_pages(const xen_pfn_t *mfns, unsigned int n, int prot)
{
    int *err = calloc(n, sizeof(*err));
    void *p;
    unsigned int i;

    if ( !err )
        return NULL;
    p = xenforeignmemory_map(fmem, DOMID_XEN, prot, n, mfns, err);
    for ( i = 0; p && i < n; i++ )
        if ( err[i] )
        {
            errno = -err[i];
            xenforeignmemory_unmap(fmem, p, n);
            p = NULL;
        }
    free(err);

    return p;
}

static int map_cpu(uint32_t cpu, struct mapped_cpu *m)
{
    int rc;

    memset(m, 0, sizeof(*m));
    m->cpu = cpu;
    rc = cpu_pages_get(cpu, &m->cp);
    if ( rc )
        return rc;
    m->ctl = map_pages(m->cp.mfns, m->cp.ctl_pages, PROT_READ);
    m->cons = map_pages(m->cp.mfns + m->cp.ctl_pages, 1,
                        PROT_READ | PROT_WRITE);
    m->data = map_pages(m->cp.mfns + m->cp.ctl_pages + 1, m->cp.data_pages,
                        PROT_READ);
    if ( !m->ctl || !m->cons || !m->data )
    {
        rc = errno ? errno : EIO;
        unmap_cpu(m);
    }

    return rc;
}

static void print_ctl(uint32_t cpu, const struct ltt_buf_ctl *ctl)
{
    printf("cpu %u: magic %08x version %u cpu %u mode %u header %u "
           "subbuf_order %u nr_subbufs_order %u offset %" PRIu64
           " lost full/overwritten/busy/nested/too_big %" PRIu64 "/%" PRIu64
           "/%" PRIu64 "/%" PRIu64 "/%" PRIu64 " consumer_errors %" PRIu64
           "\n",
           cpu, ctl->magic, ctl->version, ctl->cpu, ctl->mode,
           ctl->header_type, ctl->subbuf_order, ctl->nr_subbufs_order,
           ctl->offset, ctl->lost[0], ctl->lost[1], ctl->lost[2],
           ctl->lost[3], ctl->lost[4], ctl->consumer_errors);
}

/*
 * Copies a packet out of the foreign mapping before writing it: write()
 * straight from a privcmd mapping (VM_PFNMAP) fails on file systems whose
 * write path pins user pages (9p's zero-copy, O_DIRECT), which lttd must
 * keep in mind too.
 */
static int write_packet(FILE *out, const void *packet, uint64_t size)
{
    void *copy = malloc(size);
    int rc = 0;

    if ( !copy )
        return -1;
    memcpy(copy, packet, size);
    if ( fwrite(copy, 1, size, out) != size )
        rc = -1;
    free(copy);

    return rc;
}

/*
 * Discard mode: every complete sub-buffer, read in place and released
 * through the consumer page (ring_reader.h), as lttd does. Appends the
 * packets to `out` when given. Returns the number of packets.
 */
static long drain_discard(struct mapped_cpu *m, FILE *out, uint64_t *bytes)
{
    struct ltt_reader r;
    struct ltt_subbuf sb;
    long n = 0;
    int rc;

    if ( ltt_reader_init(&r, m->ctl, (uint64_t)m->cp.ctl_pages * PAGE_SIZE_,
                         m->cons, m->data,
                         (uint64_t)m->cp.data_pages * PAGE_SIZE_) )
        return -1;
    while ( (rc = ltt_reader_get(&r, &sb)) != LTT_READER_EMPTY )
    {
        if ( rc == LTT_READER_OK )
        {
            if ( out && write_packet(out, sb.packet, sb.size) )
                return -1;
            *bytes += sb.size;
            n++;
        }
        ltt_reader_put(&r);
    }

    return n;
}

/*
 * Overwrite mode: Xen swaps the sub-buffer out for us (get), we read it
 * from the data pages, and give it back (put).
 */
static long drain_overwrite(uint32_t cpu, struct mapped_cpu *m, FILE *out,
                            uint64_t *bytes)
{
    struct xen_sysctl_ltt_op op;
    long n = 0;
    int rc;

    for ( ;; )
    {
        op_init(&op, XEN_SYSCTL_LTT_get_subbuf);
        op.cpu = cpu;
        rc = ltt_op(&op);
        if ( rc == ENODATA )
            break;
        if ( rc && rc != EIO )
            return -1;
        if ( !rc )
        {
            if ( out && write_packet(out, (uint8_t *)m->data +
                                          op.u.subbuf.offset,
                                     op.u.subbuf.size) )
                return -1;
            *bytes += op.u.subbuf.size;
            n++;
        }
        op_init(&op, XEN_SYSCTL_LTT_put_subbuf);
        op.cpu = cpu;
        if ( ltt_op(&op) )
            return -1;
    }

    return n;
}

static int cmd_drain(uint32_t cpu, const char *path)
{
    struct mapped_cpu m;
    struct query q;
    FILE *out = NULL;
    uint64_t bytes = 0;
    long n;
    int rc = query(&q, false);

    if ( !rc )
        rc = map_cpu(cpu, &m);
    if ( rc )
    {
        fprintf(stderr, "drain: %s\n", errname(rc));
        return 1;
    }
    if ( path && !(out = fopen(path, "ab")) )
    {
        perror(path);
        unmap_cpu(&m);
        return 1;
    }
    n = q.q.mode == XEN_SYSCTL_LTT_MODE_overwrite
        ? drain_overwrite(cpu, &m, out, &bytes)
        : drain_discard(&m, out, &bytes);
    print_ctl(cpu, m.ctl);
    printf("cpu %u: %ld packets, %" PRIu64 " bytes\n", cpu, n, bytes);
    if ( out && fclose(out) )
    {
        perror(path);
        n = -1;
    }
    unmap_cpu(&m);

    return n < 0;
}

static int cmd_cpu(uint32_t cpu)
{
    struct mapped_cpu m;
    unsigned int i;
    int rc = map_cpu(cpu, &m);

    if ( rc )
    {
        fprintf(stderr, "cpu %u: %s\n", cpu, errname(rc));
        return 1;
    }
    printf("cpu %u: %u control, 1 consumer, %u data pages; mfns", cpu,
           m.cp.ctl_pages, m.cp.data_pages);
    for ( i = 0; i < m.cp.nr && i < 8; i++ )
        printf(" %#" PRIx64, (uint64_t)m.cp.mfns[i]);
    printf("%s\n", m.cp.nr > 8 ? " ..." : "");
    print_ctl(cpu, m.ctl);
    unmap_cpu(&m);

    return 0;
}

/* Waits up to timeout_ms for VIRQ_LTT. 1: seen, 0: not, -1: error. */
static int wait_virq(xenevtchn_handle *xce, int timeout_ms)
{
    struct pollfd pfd = { .fd = xenevtchn_fd(xce), .events = POLLIN };
    xenevtchn_port_or_error_t port;

    if ( poll(&pfd, 1, timeout_ms) <= 0 )
        return 0;
    port = xenevtchn_pending(xce);
    if ( port < 0 )
        return -1;
    xenevtchn_unmask(xce, port);

    return 1;
}

/* ---- selftest ---- */

/* About a second of scheduler activity: many short sleeps block and wake
 * this vCPU (sched, runstate, timer and event-channel records). */
static void busy_second(void)
{
    unsigned int i;

    for ( i = 0; i < 500; i++ )
        usleep(2000);
}

static void expect(const char *what, int got, int want)
{
    printf("%-58s %-10s %s\n", what, errname(got),
           got == want ? "ok" : "FAIL");
    if ( got != want )
    {
        printf("    expected %s\n", errname(want));
        failures++;
    }
}

static void check(const char *what, bool ok)
{
    printf("%-58s %-10s %s\n", what, "", ok ? "ok" : "FAIL");
    if ( !ok )
        failures++;
}

static void selftest_malformed(const struct query *q)
{
    struct xen_sysctl_ltt_op op;
    struct cpu_pages cp;

    op_init(&op, XEN_SYSCTL_LTT_query);
    op.interface_version = XEN_SYSCTL_LTT_INTERFACE_VERSION + 1;
    expect("query, wrong interface version", ltt_op(&op), EACCES);
    op_init(&op, XEN_SYSCTL_LTT_query);
    op.pad = 1;
    expect("query, pad not zero", ltt_op(&op), EINVAL);
    expect("unknown command 99", simple(99), EOPNOTSUPP);

    expect("start before setup", simple(XEN_SYSCTL_LTT_start), ENODEV);
    expect("stop before setup", simple(XEN_SYSCTL_LTT_stop), ENODEV);
    expect("flush before setup", flush(0, NULL), ENODEV);
    expect("teardown before setup", simple(XEN_SYSCTL_LTT_teardown), ENODEV);
    expect("cpu_info before setup", cpu_info(0, &cp, 0), ENODEV);

    expect("setup, sub-buffer 3000 bytes (not a power of two)",
           setup(3000, 4, 0, 0, 0), EINVAL);
    expect("setup, 3 sub-buffers (not a power of two)",
           setup(4096, 3, 0, 0, 0), EINVAL);
    expect("setup, 0 sub-buffers", setup(4096, 0, 0, 0, 0), EINVAL);
    expect("setup, sub-buffer 256 bytes (< 512)",
           setup(256, 4, 0, 0, 0), EINVAL);
    expect("setup, sub-buffer 128 MiB (> 64 MiB)",
           setup(128u << 20, 2, 0, 0, 0), EINVAL);
    expect("setup, 8192 sub-buffers (> 4096)",
           setup(4096, 8192, 0, 0, 0), EINVAL);
    expect("setup, 1 sub-buffer (< 2)", setup(4096, 1, 0, 0, 0), EINVAL);
    expect("setup, 2 x 32 MiB + spare (> 64 MiB per CPU)",
           setup(32u << 20, 2, 0, 0, 0), E2BIG);
    expect("setup, mode 7", setup(4096, 4, 7, 0, 0), EINVAL);
    expect("setup, flags 1", setup(4096, 4, 0, 0, 1), EINVAL);
    expect("setup, switch timer 100 s", setup(4096, 4, 0, 100000, 0),
           EINVAL);

    expect("enable event id nr_events (no such event)",
           events(true, XEN_SYSCTL_LTT_EVENTS_event, q->q.nr_events), ENOENT);
    expect("enable event id 0xffffffff",
           events(true, XEN_SYSCTL_LTT_EVENTS_event, 0xffffffffu), ENOENT);
    expect("enable facility nr_facilities (no such facility)",
           events(true, XEN_SYSCTL_LTT_EVENTS_facility, q->q.nr_facilities),
           ENOENT);
    expect("enable which=9", events(true, 9, 0), EINVAL);
    expect("enable all with id 1",
           events(true, XEN_SYSCTL_LTT_EVENTS_all, 1), EINVAL);
}

static void selftest_discard(const struct query *q, xenevtchn_handle *xce)
{
    struct mapped_cpu m[2];
    struct cpu_pages cp;
    struct query now;
    uint32_t cpu, closed = 0, n_mapped = 0;
    uint64_t bytes = 0;
    long packets = 0, n;
    int virq = 0;

    expect("setup 16 KiB x 8, discard, 100 ms timer",
           setup(16384, 8, XEN_SYSCTL_LTT_MODE_discard, 100, 0), 0);
    expect("setup twice", setup(16384, 8, 0, 100, 0), EEXIST);
    expect("query after setup", query(&now, false), 0);
    check("state is setup, geometry as asked",
          now.q.state == XEN_SYSCTL_LTT_STATE_setup &&
          now.q.subbuf_order == 14 && now.q.nr_subbufs_order == 3 &&
          now.q.data_pages == 9 * 4);

    expect("cpu_info, cpu = nr_cpus", cpu_info(q->q.nr_cpus, &cp, 0), ENXIO);
    expect("cpu_info, cpu = 0xffffffff", cpu_info(0xffffffffu, &cp, 0),
           ENXIO);
    expect("cpu_info, no room for the frames", cpu_info(0, &cp, 0), ENOBUFS);
    check("cpu_info reports the frames it needs",
          cp.nr == now.q.ctl_pages + 1 + now.q.data_pages);

    for ( cpu = 0; cpu < q->q.nr_cpus && n_mapped < 2; cpu++ )
    {
        int rc = map_cpu(cpu, &m[n_mapped]);

        if ( rc == ENXIO )
            continue;
        expect("map control (ro), consumer (rw), data (ro)", rc, 0);
        if ( rc )
            continue;
        check("control page: magic, CPU, geometry",
              ((struct ltt_buf_ctl *)m[n_mapped].ctl)->magic == LTT_BUF_MAGIC &&
              ((struct ltt_buf_ctl *)m[n_mapped].ctl)->cpu == cpu &&
              ((struct ltt_buf_ctl *)m[n_mapped].ctl)->subbuf_order == 14);
        n_mapped++;
    }
    if ( n_mapped )
    {
        void *w;

        errno = 0;
        w = map_pages(m[0].cp.mfns, 1, PROT_READ | PROT_WRITE);
        check("control page refused writable", w == NULL);
        if ( w )
            xenforeignmemory_unmap(fmem, w, 1);
        errno = 0;
        w = map_pages(m[0].cp.mfns + m[0].cp.ctl_pages + 1, 1,
                      PROT_READ | PROT_WRITE);
        check("data page refused writable", w == NULL);
        if ( w )
            xenforeignmemory_unmap(fmem, w, 1);
    }

    expect("enable all", events(true, XEN_SYSCTL_LTT_EVENTS_all, 0), 0);
    expect("start", simple(XEN_SYSCTL_LTT_start), 0);
    expect("start twice", simple(XEN_SYSCTL_LTT_start), EBUSY);
    expect("get_subbuf in discard mode", simple(XEN_SYSCTL_LTT_get_subbuf),
           EOPNOTSUPP);
    if ( xce )
    {
        /* 16 KiB sub-buffers fill quickly with the scheduler's events, and
         * the 100 ms switch timer closes the others. */
        virq = wait_virq(xce, 3000);
        check("VIRQ_LTT within 3 s of start", virq == 1);
    }
    else
        sleep(1);
    expect("flush (empty packets too)",
           flush(XEN_SYSCTL_LTT_FLUSH_empty, &closed), 0);
    check("flush closed a packet on every CPU", closed >= 1);
    expect("flush, unknown flag", flush(2, NULL), EINVAL);
    expect("stop", simple(XEN_SYSCTL_LTT_stop), 0);
    expect("stop when stopped", simple(XEN_SYSCTL_LTT_stop), 0);
    expect("flush after stop", flush(0, &closed), 0);

    for ( cpu = 0; cpu < n_mapped; cpu++ )
    {
        print_ctl(m[cpu].cpu, m[cpu].ctl);
        n = drain_discard(&m[cpu], NULL, &bytes);
        check("read complete packets through the consumer page", n > 0);
        packets += n > 0 ? n : 0;
    }
    printf("    %ld packets, %" PRIu64 " bytes\n", packets, bytes);

    expect("teardown while mapped", simple(XEN_SYSCTL_LTT_teardown), EBUSY);
    for ( cpu = 0; cpu < n_mapped; cpu++ )
        unmap_cpu(&m[cpu]);
    expect("teardown", simple(XEN_SYSCTL_LTT_teardown), 0);
    expect("teardown twice", simple(XEN_SYSCTL_LTT_teardown), ENODEV);
    expect("query after teardown", query(&now, false), 0);
    check("state is none", now.q.state == XEN_SYSCTL_LTT_STATE_none);
}

static void selftest_overwrite(const struct query *q)
{
    struct xen_sysctl_ltt_op op;
    struct mapped_cpu m;
    uint64_t bytes = 0;
    long n;
    int rc;

    expect("setup 4 KiB x 4, overwrite, no timer",
           setup(4096, 4, XEN_SYSCTL_LTT_MODE_overwrite, 0, 0), 0);
    expect("start", simple(XEN_SYSCTL_LTT_start), 0);
    busy_second();
    expect("stop", simple(XEN_SYSCTL_LTT_stop), 0);
    expect("flush", flush(0, NULL), 0);
    expect("map CPU 0", rc = map_cpu(0, &m), 0);
    if ( !rc )
        print_ctl(0, m.ctl);

    op_init(&op, XEN_SYSCTL_LTT_get_subbuf);
    op.cpu = q->q.nr_cpus;
    expect("get_subbuf, cpu = nr_cpus", ltt_op(&op), ENXIO);
    op_init(&op, XEN_SYSCTL_LTT_put_subbuf);
    op.cpu = 0;
    expect("put_subbuf without get", ltt_op(&op), EINVAL);
    op_init(&op, XEN_SYSCTL_LTT_get_subbuf);
    op.cpu = 0;
    expect("get_subbuf", ltt_op(&op), 0);
    printf("    offset %" PRIu64 " size %" PRIu64 " seq %" PRIu64
           " skipped %" PRIu64 "\n", (uint64_t)op.u.subbuf.offset,
           (uint64_t)op.u.subbuf.size, (uint64_t)op.u.subbuf.seq,
           (uint64_t)op.u.subbuf.skipped);
    check("its packet lies in the data area",
          op.u.subbuf.size > 0 && op.u.subbuf.offset % 4096 == 0 &&
          op.u.subbuf.offset < 5 * 4096);
    if ( !rc )
        check("its packet starts with the CTF magic",
              *(uint32_t *)((uint8_t *)m.data + op.u.subbuf.offset) ==
              0xC1FC1FC1u);
    op_init(&op, XEN_SYSCTL_LTT_get_subbuf);
    op.cpu = 0;
    expect("get_subbuf twice", ltt_op(&op), EBUSY);
    op_init(&op, XEN_SYSCTL_LTT_put_subbuf);
    op.cpu = 0;
    expect("put_subbuf", ltt_op(&op), 0);
    if ( !rc )
    {
        n = drain_overwrite(0, &m, NULL, &bytes);
        check("read the rest with get/put (the buffer's n - 1 others)",
              n == 3);
        printf("    %ld more packets, %" PRIu64 " bytes\n", n, bytes);
        unmap_cpu(&m);
    }
    expect("teardown", simple(XEN_SYSCTL_LTT_teardown), 0);
}

static int cmd_selftest(void)
{
    xenevtchn_handle *xce = xenevtchn_open(NULL, 0);
    struct query q;
    int rc;

    if ( xce && xenevtchn_bind_virq(xce, VIRQ_LTT) < 0 )
    {
        perror("bind VIRQ_LTT");
        xenevtchn_close(xce);
        xce = NULL;
    }
    if ( !xce )
        printf("(no event channel device: VIRQ_LTT not checked)\n");

    rc = query(&q, true);
    expect("query", rc, 0);
    if ( rc )
        return 1;
    if ( q.q.state != XEN_SYSCTL_LTT_STATE_none )
    {
        printf("(tracing was set up: stopping and tearing it down)\n");
        simple(XEN_SYSCTL_LTT_stop);
        expect("teardown of the previous session",
               simple(XEN_SYSCTL_LTT_teardown), 0);
    }
    printf("%u CPUs, TSC %" PRIu64 " kHz, %u facilities, %u events\n",
           q.q.nr_cpus, (uint64_t)q.q.cpu_khz, q.q.nr_facilities,
           q.q.nr_events);

    selftest_malformed(&q);
    selftest_discard(&q, xce);
    selftest_overwrite(&q);
    expect("disable all", events(false, XEN_SYSCTL_LTT_EVENTS_all, 0), 0);

    query_free(&q);
    if ( xce )
        xenevtchn_close(xce);
    printf("selftest: %s (%d failures)\n", failures ? "FAILED" : "passed",
           failures);

    return failures != 0;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ltt-xenctl COMMAND [ARGS]\n"
            "  query                             state, geometry, facilities\n"
            "  setup SUBBUF NR [discard|overwrite] [TIMER_MS]\n"
            "  enable|disable all|facility N|event N\n"
            "  start | stop | teardown\n"
            "  flush [empty]\n"
            "  cpu N                             frames and control page\n"
            "  drain N [FILE]                    read complete packets of "
            "CPU N (append to FILE)\n"
            "  wait [MS]                         wait for VIRQ_LTT\n"
            "  selftest                          every sub-op and malformed "
            "requests\n"
            "Exit status 0 on success; errors print the errno name.\n");
}

static int report(const char *what, int rc)
{
    if ( rc )
        fprintf(stderr, "%s: %s\n", what, errname(rc));
    else
        printf("%s: OK\n", what);

    return rc != 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "help";
    int ret;

    if ( !strcmp(cmd, "help") || !strcmp(cmd, "--help") )
    {
        usage(stdout);
        return 0;
    }

    xcall = xencall_open(NULL, 0);
    fmem = xenforeignmemory_open(NULL, 0);
    if ( !xcall || !fmem )
    {
        perror("xencall/xenforeignmemory open (dom0, privcmd loaded?)");
        return 1;
    }
    sysctl_buf = xencall_alloc_buffer(xcall, sizeof(*sysctl_buf));
    if ( !sysctl_buf )
    {
        perror("xencall_alloc_buffer");
        return 1;
    }

    if ( !strcmp(cmd, "query") )
        ret = cmd_query();
    else if ( !strcmp(cmd, "setup") && argc >= 4 )
    {
        uint32_t mode = argc > 4 && !strcmp(argv[4], "overwrite");

        ret = report("setup", setup(strtoull(argv[2], NULL, 0),
                                    strtoul(argv[3], NULL, 0), mode,
                                    argc > 5 ? strtoul(argv[5], NULL, 0) : 100,
                                    0));
    }
    else if ( (!strcmp(cmd, "enable") || !strcmp(cmd, "disable")) &&
              argc >= 3 )
    {
        uint32_t which = !strcmp(argv[2], "all") ? XEN_SYSCTL_LTT_EVENTS_all
                         : !strcmp(argv[2], "facility")
                         ? XEN_SYSCTL_LTT_EVENTS_facility
                         : XEN_SYSCTL_LTT_EVENTS_event;

        ret = report(cmd, events(!strcmp(cmd, "enable"), which,
                                 argc > 3 ? strtoul(argv[3], NULL, 0) : 0));
    }
    else if ( !strcmp(cmd, "start") )
        ret = report(cmd, simple(XEN_SYSCTL_LTT_start));
    else if ( !strcmp(cmd, "stop") )
        ret = report(cmd, simple(XEN_SYSCTL_LTT_stop));
    else if ( !strcmp(cmd, "teardown") )
        ret = report(cmd, simple(XEN_SYSCTL_LTT_teardown));
    else if ( !strcmp(cmd, "flush") )
    {
        uint32_t closed = 0;

        ret = report(cmd, flush(argc > 2 && !strcmp(argv[2], "empty")
                                ? XEN_SYSCTL_LTT_FLUSH_empty : 0, &closed));
        if ( !ret )
            printf("%u packets closed\n", closed);
    }
    else if ( !strcmp(cmd, "cpu") && argc >= 3 )
        ret = cmd_cpu(strtoul(argv[2], NULL, 0));
    else if ( !strcmp(cmd, "drain") && argc >= 3 )
        ret = cmd_drain(strtoul(argv[2], NULL, 0), argc > 3 ? argv[3] : NULL);
    else if ( !strcmp(cmd, "wait") )
    {
        xenevtchn_handle *xce = xenevtchn_open(NULL, 0);

        ret = 1;
        if ( xce && xenevtchn_bind_virq(xce, VIRQ_LTT) >= 0 )
        {
            ret = wait_virq(xce, argc > 2 ? atoi(argv[2]) : 5000) != 1;
            printf("VIRQ_LTT %s\n", ret ? "not seen" : "seen");
        }
        else
            perror("bind VIRQ_LTT");
        if ( xce )
            xenevtchn_close(xce);
    }
    else if ( !strcmp(cmd, "selftest") )
        ret = cmd_selftest();
    else
    {
        usage(stderr);
        ret = 2;
    }

    xencall_free_buffer(xcall, sysctl_buf);
    xenforeignmemory_close(fmem);
    xencall_close(xcall);

    return ret;
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
