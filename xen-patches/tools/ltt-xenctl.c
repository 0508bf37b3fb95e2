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
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
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
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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

/* The trace uuid of a session: 16 bytes from `seed` on. */
static void make_uuid(uint8_t uuid[16], uint8_t seed)
{
    unsigned int i;

    for ( i = 0; i < 16; i++ )
        uuid[i] = seed + i;
}

static int setup_uuid(uint64_t subbuf_size, uint32_t nr, uint32_t mode,
                      uint32_t timer_ms, uint32_t flags, uint8_t seed)
{
    struct xen_sysctl_ltt_op op;

    op_init(&op, XEN_SYSCTL_LTT_setup);
    op.u.setup.subbuf_size = subbuf_size;
    op.u.setup.nr_subbufs = nr;
    op.u.setup.mode = mode;
    op.u.setup.switch_timer_ms = timer_ms;
    op.u.setup.flags = flags;
    make_uuid(op.u.setup.uuid, seed);

    return ltt_op(&op);
}

static int setup(uint64_t subbuf_size, uint32_t nr, uint32_t mode,
                 uint32_t timer_ms, uint32_t flags)
{
    return setup_uuid(subbuf_size, nr, mode, timer_ms, flags, 0xa0);
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

static void print_ctl(const char *prefix, uint32_t cpu,
                      const struct ltt_buf_ctl *ctl)
{
    printf("%scpu %u: magic %08x version %u cpu %u mode %u header %u "
           "subbuf_order %u nr_subbufs_order %u offset %" PRIu64
           " lost full/overwritten/busy/nested/too_big %" PRIu64 "/%" PRIu64
           "/%" PRIu64 "/%" PRIu64 "/%" PRIu64 " consumer_errors %" PRIu64
           "\n",
           prefix, cpu, ctl->magic, ctl->version, ctl->cpu, ctl->mode,
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
 * What the packets of one CPU's stream must satisfy, across the drains of a
 * session (selftest): the session's uuid and the CPU in every header,
 * packet_seq_num contiguous (discard mode loses records, never packets),
 * timestamp_begin <= timestamp_end and no older than the previous packet's
 * end, events_discarded never decreasing.
 */
struct stream {
    uint8_t uuid[16];
    uint32_t cpu;
    long packets;
    bool any;
    uint64_t first_seq, last_seq, last_end, max_discarded;
    unsigned int bad_hdr, bad_seq, bad_ts, bad_discarded;
};

static void stream_init(struct stream *st, uint32_t cpu, uint8_t uuid_seed)
{
    memset(st, 0, sizeof(*st));
    st->cpu = cpu;
    make_uuid(st->uuid, uuid_seed);
}

static void stream_packet(struct stream *st, const uint8_t *p)
{
    uint64_t seq = ltt_get_le(p + LTT_PKT_OFF_PACKET_SEQ_NUM, 8);
    uint64_t begin = ltt_get_le(p + LTT_PKT_OFF_TIMESTAMP_BEGIN, 8);
    uint64_t end = ltt_get_le(p + LTT_PKT_OFF_TIMESTAMP_END, 8);
    uint64_t discarded = ltt_get_le(p + LTT_PKT_OFF_EVENTS_DISCARDED, 8);

    if ( memcmp(p + LTT_PKT_OFF_UUID, st->uuid, sizeof(st->uuid)) ||
         ltt_get_le(p + LTT_PKT_OFF_CPU_ID, 4) != st->cpu ||
         ltt_get_le(p + LTT_PKT_OFF_STREAM_INSTANCE_ID, 8) != st->cpu )
        st->bad_hdr++;
    if ( end < begin || (st->any && begin < st->last_end) )
        st->bad_ts++;
    if ( st->any && seq != st->last_seq + 1 )
        st->bad_seq++;
    if ( st->any && discarded < st->max_discarded )
        st->bad_discarded++;
    if ( !st->any )
        st->first_seq = seq;
    st->any = true;
    st->last_seq = seq;
    st->last_end = end;
    if ( discarded > st->max_discarded )
        st->max_discarded = discarded;
    st->packets++;
}

/*
 * Discard mode: every complete sub-buffer, read in place and released
 * through the consumer page (ring_reader.h), as lttd does. Appends the
 * packets to `out` when given, checks them against `st` when given.
 * Returns the number of packets, -1 when the control page or the position
 * in the consumer page is not sane (the reader refuses it).
 */
static long drain_discard(struct mapped_cpu *m, FILE *out, uint64_t *bytes,
                          struct stream *st)
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
        /* Invalid and not held: the position itself is out of range, and
         * asking again would not change that. */
        if ( rc == LTT_READER_INVALID && !r.holding )
            return -1;
        if ( rc == LTT_READER_OK )
        {
            if ( out && write_packet(out, sb.packet, sb.size) )
                return -1;
            if ( st )
                stream_packet(st, sb.packet);
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
        : drain_discard(&m, out, &bytes, NULL);
    print_ctl("", cpu, m.ctl);
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
    print_ctl("", cpu, m.ctl);
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

#define SELFTEST_MAX_CPUS 64

/* About `ms` milliseconds of scheduler activity: many short sleeps block and
 * wake this vCPU (sched, runstate, timer and event-channel records). */
static void busy_ms(unsigned int ms)
{
    unsigned int i;

    for ( i = 0; i < ms / 2; i++ )
        usleep(2000);
}

static void busy_second(void)
{
    busy_ms(1000);
}

/* A check's description, built with printf formatting. */
static const char *fmt(const char *f, ...)
{
    static char buf[160];
    va_list ap;

    va_start(ap, f);
    vsnprintf(buf, sizeof(buf), f, ap);
    va_end(ap);

    return buf;
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

static void section(const char *title)
{
    printf("== %s\n", title);
}

/* The shared pages as dom0 sees them. */
static const struct ltt_buf_ctl *ctl_of(const struct mapped_cpu *m)
{
    return m->ctl;
}

static uint64_t ctl_read(const uint64_t *p)
{
    return *(const volatile uint64_t *)p;
}

static uint64_t ctl_lost_total(const struct mapped_cpu *m)
{
    uint64_t sum = 0;
    unsigned int i;

    for ( i = 0; i < LTT_LOST_NR; i++ )
        sum += ctl_read(&ctl_of(m)->lost[i]);

    return sum;
}

static volatile uint64_t *consumed_of(struct mapped_cpu *m)
{
    return &((struct ltt_consumer_page *)m->cons)->consumed;
}

/* The sub-buffer count of the write position. */
static uint64_t write_count(const struct mapped_cpu *m)
{
    return ctl_read(&ctl_of(m)->offset) >> ctl_of(m)->subbuf_order;
}

/* Maps the buffer of every CPU that has one. Returns how many. */
static unsigned int map_all(const struct query *q, struct mapped_cpu *m)
{
    unsigned int n = 0;
    uint32_t cpu;
    int rc, err = 0;

    for ( cpu = 0; cpu < q->q.nr_cpus && n < SELFTEST_MAX_CPUS; cpu++ )
    {
        rc = map_cpu(cpu, &m[n]);
        if ( rc == ENXIO )
            continue;
        if ( rc )
        {
            if ( !err )
                err = rc;
            continue;
        }
        n++;
    }
    expect(fmt("map the %u CPUs' buffers (control, consumer, data)", n),
           err, 0);

    return n;
}

static void unmap_all(struct mapped_cpu *m, unsigned int n)
{
    unsigned int i;

    for ( i = 0; i < n; i++ )
        unmap_cpu(&m[i]);
}

/*
 * Xen's console ring (XEN_SYSCTL_readconsole) from *index on; *index is set
 * to its end. Index 0 reads all the ring holds. Returns the text
 * (malloc'ed, NUL-terminated) or NULL.
 */
static char *console_read(uint32_t *index)
{
    const uint32_t chunk = 16384;
    char *buf = xencall_alloc_buffer(xcall, chunk);
    char *text = calloc(1, 1), *grown;
    size_t len = 0;
    uint32_t n;

    while ( buf && text )
    {
        memset(sysctl_buf, 0, sizeof(*sysctl_buf));
        sysctl_buf->cmd = XEN_SYSCTL_readconsole;
        sysctl_buf->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
        sysctl_buf->u.readconsole.incremental = 1;
        sysctl_buf->u.readconsole.index = *index;
        sysctl_buf->u.readconsole.count = chunk;
        set_xen_guest_handle(sysctl_buf->u.readconsole.buffer, buf);
        if ( xencall1(xcall, __HYPERVISOR_sysctl,
                      (uint64_t)(uintptr_t)sysctl_buf) < 0 )
        {
            free(text);
            text = NULL;
            break;
        }
        n = sysctl_buf->u.readconsole.count;
        *index = sysctl_buf->u.readconsole.index;
        if ( !n )
            break;
        grown = realloc(text, len + n + 1);
        if ( !grown )
        {
            free(text);
            text = NULL;
            break;
        }
        text = grown;
        memcpy(text + len, buf, n);
        len += n;
        text[len] = '\0';
    }
    if ( buf )
        xencall_free_buffer(xcall, buf);

    return text;
}

/* Sets *index to the end of Xen's console ring. */
static bool console_read_end(uint32_t *index)
{
    char *text;

    *index = 0;
    text = console_read(index);
    free(text);

    return text != NULL;
}

#define CONSUMER_WARNING "invalid consumer position from dom0"

/*
 * Xen's warnings about invalid consumer positions since *index: counted per
 * CPU into warned[] (SELFTEST_MAX_CPUS entries), printed as info lines.
 * Returns the number of warnings, -1 when the console could not be read.
 */
static int console_warnings(uint32_t *index, unsigned int *warned)
{
    char *text = console_read(index);
    char *line, *save = NULL;
    unsigned int cpu;
    int n = 0;

    if ( !text )
        return -1;
    for ( line = strtok_r(text, "\n", &save); line;
          line = strtok_r(NULL, "\n", &save) )
    {
        const char *w = strstr(line, "ltt: CPU");

        if ( !w || !strstr(w, CONSUMER_WARNING) ||
             sscanf(w, "ltt: CPU%u:", &cpu) != 1 )
            continue;
        printf("    xen console: %s\n", w);
        if ( cpu < SELFTEST_MAX_CPUS )
            warned[cpu]++;
        n++;
    }
    free(text);

    return n;
}

/* XEN_SYSCTL_LTT_bench's refusals, and a small run with nothing enabled. */
static void selftest_bench_malformed(void)
{
    static const struct {
        const char *what;
        uint32_t n, rounds, pad;
        bool null_handle;
        int want;
    } cases[] = {
        { "bench, 0 events", 0, 3, 0, false, EINVAL },
        { "bench, events above the maximum",
          XEN_SYSCTL_LTT_BENCH_MAX_EVENTS + 1, 3, 0, false, EINVAL },
        { "bench, 0xffffffff events", 0xffffffffu, 3, 0, false, EINVAL },
        { "bench, 0 rounds", 10, 0, 0, false, EINVAL },
        { "bench, rounds above the maximum", 10,
          XEN_SYSCTL_LTT_BENCH_MAX_ROUNDS + 1, 0, false, EINVAL },
        { "bench, pad not zero", 10, 3, 1, false, EINVAL },
        { "bench, NULL rounds handle", 10, 3, 0, true, ENOBUFS },
    };
    xen_sysctl_ltt_bench_round_t *r =
        xencall_alloc_buffer(xcall, 3 * sizeof(*r));
    struct xen_sysctl_ltt_op op;
    unsigned int i;
    bool quiet = true;

    if ( !r )
    {
        check("bench: hypercall buffer", false);
        return;
    }
    for ( i = 0; i < ARRAY_SIZE(cases); i++ )
    {
        op_init(&op, XEN_SYSCTL_LTT_bench);
        op.u.bench.nr_events = cases[i].n;
        op.u.bench.nr_rounds = cases[i].rounds;
        op.u.bench.pad = cases[i].pad;
        if ( !cases[i].null_handle )
            set_xen_guest_handle(op.u.bench.rounds, r);
        expect(cases[i].what, ltt_op(&op), cases[i].want);
    }

    /* Nothing set up: the ltt-xen loop writes nothing (xentrace may be
     * on in another boot's test; its count is checked when it says so). */
    memset(r, 0xff, 3 * sizeof(*r));
    op_init(&op, XEN_SYSCTL_LTT_bench);
    op.u.bench.nr_events = 100;
    op.u.bench.nr_rounds = 3;
    set_xen_guest_handle(op.u.bench.rounds, r);
    expect("bench, 100 events x 3 rounds, nothing set up", ltt_op(&op), 0);
    for ( i = 0; i < 3; i++ )
        quiet = quiet && !r[i].ltt_records && !r[i].ltt_lost &&
                r[i].ltt_cycles && r[i].xentrace_cycles && r[i].loop_cycles &&
                r[i].rdtsc_cycles &&
                ((op.u.bench.flags & XEN_SYSCTL_LTT_BENCH_xentrace_enabled) ||
                 !r[i].xentrace_records);
    check("bench with nothing set up: ltt-xen off, no record, every round "
          "timed", !(op.u.bench.flags & XEN_SYSCTL_LTT_BENCH_ltt_enabled) &&
                   op.u.bench.data_bytes == 4 && quiet);
    xencall_free_buffer(xcall, r);
}

static void selftest_malformed(const struct query *q)
{
    struct xen_sysctl_ltt_op op;
    struct cpu_pages cp;
    struct query now;

    section("malformed requests, nothing set up");
    op_init(&op, XEN_SYSCTL_LTT_query);
    op.interface_version = XEN_SYSCTL_LTT_INTERFACE_VERSION + 1;
    expect("query, wrong interface version", ltt_op(&op), EACCES);
    op_init(&op, XEN_SYSCTL_LTT_setup);
    op.interface_version = 0;
    op.u.setup.subbuf_size = 4096;
    op.u.setup.nr_subbufs = 4;
    expect("setup, interface version 0", ltt_op(&op), EACCES);
    op_init(&op, XEN_SYSCTL_LTT_query);
    op.pad = 1;
    expect("query, pad not zero", ltt_op(&op), EINVAL);
    op_init(&op, XEN_SYSCTL_LTT_start);
    op.pad = 0x80000000u;
    expect("start, pad not zero", ltt_op(&op), EINVAL);
    expect("unknown command 99", simple(99), EOPNOTSUPP);
    expect("unknown command 13 (one past bench)", simple(13), EOPNOTSUPP);
    selftest_bench_malformed();
    expect("statedump before setup", simple(XEN_SYSCTL_LTT_statedump),
           ENODEV);
    expect("unknown command 0xffffffff", simple(0xffffffffu), EOPNOTSUPP);

    expect("start before setup", simple(XEN_SYSCTL_LTT_start), ENODEV);
    expect("stop before setup", simple(XEN_SYSCTL_LTT_stop), ENODEV);
    expect("flush before setup", flush(0, NULL), ENODEV);
    expect("teardown before setup", simple(XEN_SYSCTL_LTT_teardown), ENODEV);
    expect("cpu_info before setup", cpu_info(0, &cp, 0), ENODEV);
    expect("get_subbuf before setup", simple(XEN_SYSCTL_LTT_get_subbuf),
           ENODEV);
    expect("put_subbuf before setup", simple(XEN_SYSCTL_LTT_put_subbuf),
           ENODEV);

    expect("setup, sub-buffer 3000 bytes (not a power of two)",
           setup(3000, 4, 0, 0, 0), EINVAL);
    expect("setup, sub-buffer 2^32 + 4096 (not a power of two)",
           setup((1ull << 32) + 4096, 4, 0, 0, 0), EINVAL);
    expect("setup, sub-buffer 0 bytes", setup(0, 4, 0, 0, 0), EINVAL);
    expect("setup, 3 sub-buffers (not a power of two)",
           setup(4096, 3, 0, 0, 0), EINVAL);
    expect("setup, 0 sub-buffers", setup(4096, 0, 0, 0, 0), EINVAL);
    expect("setup, sub-buffer 256 bytes (< 512)",
           setup(256, 4, 0, 0, 0), EINVAL);
    expect("setup, sub-buffer 128 MiB (> 64 MiB)",
           setup(128u << 20, 2, 0, 0, 0), EINVAL);
    expect("setup, sub-buffer 2^63 bytes (> 64 MiB)",
           setup(1ull << 63, 2, 0, 0, 0), EINVAL);
    expect("setup, 8192 sub-buffers (> 4096)",
           setup(4096, 8192, 0, 0, 0), EINVAL);
    expect("setup, 2^31 sub-buffers (> 4096)",
           setup(4096, 0x80000000u, 0, 0, 0), EINVAL);
    expect("setup, 1 sub-buffer (< 2)", setup(4096, 1, 0, 0, 0), EINVAL);
    expect("setup, 2 x 32 MiB + spare (> 64 MiB per CPU)",
           setup(32u << 20, 2, 0, 0, 0), E2BIG);
    expect("setup, 4096 x 64 KiB + spare (> 64 MiB per CPU)",
           setup(64u << 10, 4096, 0, 0, 0), E2BIG);
    expect("setup, mode 7", setup(4096, 4, 7, 0, 0), EINVAL);
    expect("setup, mode 0xffffffff", setup(4096, 4, 0xffffffffu, 0, 0),
           EINVAL);
    expect("setup, flags 1", setup(4096, 4, 0, 0, 1), EINVAL);
    expect("setup, switch timer 100 s", setup(4096, 4, 0, 100000, 0),
           EINVAL);
    expect("setup, switch timer 0xffffffff ms",
           setup(4096, 4, 0, 0xffffffffu, 0), EINVAL);
    expect("query after the refused setups", query(&now, false), 0);
    check("state is still none", now.q.state == XEN_SYSCTL_LTT_STATE_none);

    expect("enable event id nr_events (no such event)",
           events(true, XEN_SYSCTL_LTT_EVENTS_event, q->q.nr_events), ENOENT);
    expect("enable event id 0xffffffff",
           events(true, XEN_SYSCTL_LTT_EVENTS_event, 0xffffffffu), ENOENT);
    expect("enable facility nr_facilities (no such facility)",
           events(true, XEN_SYSCTL_LTT_EVENTS_facility, q->q.nr_facilities),
           ENOENT);
    expect("enable facility 0xffffffff",
           events(true, XEN_SYSCTL_LTT_EVENTS_facility, 0xffffffffu), ENOENT);
    expect("enable which=9", events(true, 9, 0), EINVAL);
    expect("enable all with id 1",
           events(true, XEN_SYSCTL_LTT_EVENTS_all, 1), EINVAL);
    expect("disable event id nr_events (no such event)",
           events(false, XEN_SYSCTL_LTT_EVENTS_event, q->q.nr_events), ENOENT);
    expect("disable event id 0x80000000",
           events(false, XEN_SYSCTL_LTT_EVENTS_event, 0x80000000u), ENOENT);
    expect("disable facility nr_facilities (no such facility)",
           events(false, XEN_SYSCTL_LTT_EVENTS_facility, q->q.nr_facilities),
           ENOENT);
    expect("disable which=9", events(false, 9, 0), EINVAL);
    expect("disable all with id 1",
           events(false, XEN_SYSCTL_LTT_EVENTS_all, 1), EINVAL);
}

static void selftest_discard(const struct query *q, xenevtchn_handle *xce)
{
    struct xen_sysctl_ltt_op op;
    struct mapped_cpu m[2];
    struct cpu_pages cp;
    struct query now;
    uint32_t cpu, closed = 0, n_mapped = 0;
    uint64_t bytes = 0;
    long packets = 0, n;
    int virq = 0;

    section("discard mode");
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
    expect("cpu_info, cpu = 0x80000000", cpu_info(0x80000000u, &cp, 0),
           ENXIO);
    op_init(&op, XEN_SYSCTL_LTT_cpu_info);
    op.u.cpu_info.max_mfns = 0xffffffffu;
    expect("cpu_info, max_mfns 0xffffffff with a NULL handle", ltt_op(&op),
           ENOBUFS);
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
    expect("statedump while set up, not recording",
           simple(XEN_SYSCTL_LTT_statedump), ENODEV);
    expect("start", simple(XEN_SYSCTL_LTT_start), 0);
    expect("start twice", simple(XEN_SYSCTL_LTT_start), EBUSY);
    expect("statedump again while recording",
           simple(XEN_SYSCTL_LTT_statedump), 0);
    expect("setup while started", setup(16384, 8, 0, 100, 0), EEXIST);
    expect("get_subbuf in discard mode", simple(XEN_SYSCTL_LTT_get_subbuf),
           EOPNOTSUPP);
    expect("put_subbuf in discard mode", simple(XEN_SYSCTL_LTT_put_subbuf),
           EOPNOTSUPP);
    op_init(&op, XEN_SYSCTL_LTT_get_subbuf);
    op.cpu = q->q.nr_cpus;
    expect("get_subbuf in discard mode, cpu = nr_cpus", ltt_op(&op), ENXIO);
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
    expect("flush, flag 0x80000000", flush(0x80000000u, NULL), EINVAL);
    expect("stop", simple(XEN_SYSCTL_LTT_stop), 0);
    expect("stop when stopped", simple(XEN_SYSCTL_LTT_stop), 0);
    expect("flush after stop", flush(0, &closed), 0);

    for ( cpu = 0; cpu < n_mapped; cpu++ )
    {
        print_ctl("    ", m[cpu].cpu, m[cpu].ctl);
        n = drain_discard(&m[cpu], NULL, &bytes, NULL);
        check("read complete packets through the consumer page", n > 0);
        packets += n > 0 ? n : 0;
    }
    printf("    %ld packets, %" PRIu64 " bytes\n", packets, bytes);

    expect("teardown while mapped", simple(XEN_SYSCTL_LTT_teardown), EBUSY);
    for ( cpu = 0; cpu < n_mapped; cpu++ )
        unmap_cpu(&m[cpu]);
    expect("teardown", simple(XEN_SYSCTL_LTT_teardown), 0);
    expect("teardown twice", simple(XEN_SYSCTL_LTT_teardown), ENODEV);
    expect("start after teardown", simple(XEN_SYSCTL_LTT_start), ENODEV);
    expect("query after teardown", query(&now, false), 0);
    check("state is none", now.q.state == XEN_SYSCTL_LTT_STATE_none);
}

/*
 * Garbage in the consumer page, the one page dom0 may write. ring.h reads
 * `consumed` whenever the writer opens a sub-buffer and refuses a position
 * that is not sub-buffer aligned, ahead of the writer, or more than one
 * buffer behind it: the record is counted lost (full) and the refusal in
 * consumer_errors, the CPU opens no sub-buffer until the position is valid
 * again. A position going back less than a buffer is indistinguishable from
 * a slow consumer: it is accepted (the writer only sees less room).
 */
enum garbage {
    GARBAGE_AHEAD,
    GARBAGE_UNALIGNED,
    GARBAGE_BEHIND,
    GARBAGE_ONES,
    GARBAGE_RANDOM,
    GARBAGE_BACK_ONE,
};

static const struct {
    enum garbage kind;
    const char *name;
    bool valid;
} garbage_cases[] = {
    { GARBAGE_AHEAD, "1000 buffers ahead", false },
    { GARBAGE_UNALIGNED, "unaligned (+8)", false },
    { GARBAGE_BEHIND, "2 buffers behind", false },
    { GARBAGE_ONES, "all ones", false },
    { GARBAGE_RANDOM, "random page", false },
    { GARBAGE_BACK_ONE, "1 sub-buffer back", true },
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;

    return rng_state;
}

/* Writes the garbage of `kind` into m's consumer page; `good` is the
 * position a consumer that kept up would have written. */
static void garbage_write(struct mapped_cpu *m, enum garbage kind,
                          uint64_t good)
{
    const struct ltt_buf_ctl *ctl = ctl_of(m);
    uint64_t sb = 1ull << ctl->subbuf_order;
    uint64_t buf = sb << ctl->nr_subbufs_order;
    volatile uint64_t *page = (volatile uint64_t *)m->cons;
    unsigned int i;

    switch ( kind )
    {
    case GARBAGE_AHEAD:
        *page = good + 1000 * buf;
        break;
    case GARBAGE_UNALIGNED:
        *page = good + 8;
        break;
    case GARBAGE_BEHIND:
        /* wraps around below 0: then it is far ahead, invalid too */
        *page = good - 2 * buf;
        break;
    case GARBAGE_ONES:
        *page = ~0ull;
        break;
    case GARBAGE_RANDOM:
        for ( i = 0; i < PAGE_SIZE_ / sizeof(*page); i++ )
            page[i] = rng_next();
        page[0] |= 1; /* never a valid position by chance */
        break;
    case GARBAGE_BACK_ONE:
        if ( good >= sb )
            *page = good - sb;
        break;
    }
}

static void consumer_restore(struct mapped_cpu *m, uint64_t good)
{
    volatile uint64_t *page = (volatile uint64_t *)m->cons;
    unsigned int i;

    for ( i = 1; i < PAGE_SIZE_ / sizeof(*page); i++ )
        page[i] = 0;
    page[0] = good;
}

struct garbage_cpu {
    uint64_t good, errors, full, count, lost;
};

static void garbage_case(struct mapped_cpu *m, unsigned int n,
                         unsigned int which)
{
    struct garbage_cpu g[SELFTEST_MAX_CPUS];
    const char *name = garbage_cases[which].name;
    bool valid = garbage_cases[which].valid;
    struct stream st;
    struct query now;
    uint64_t errors = 0, bytes = 0, d_err, d_full, adv, adv_max = 0;
    bool stopped = true, counted = true, reached = true, sane = true;
    long packets = 0, got;
    unsigned int i;

    /* A consumer that kept up: every complete packet read. */
    for ( i = 0; i < n; i++ )
    {
        drain_discard(&m[i], NULL, &bytes, NULL);
        g[i].good = *consumed_of(&m[i]);
        g[i].errors = ctl_read(&ctl_of(&m[i])->consumer_errors);
        g[i].full = ctl_read(&ctl_of(&m[i])->lost[LTT_LOST_FULL]);
    }
    for ( i = 0; i < n; i++ )
        garbage_write(&m[i], garbage_cases[which].kind, g[i].good);
    __sync_synchronize();
    for ( i = 0; i < n; i++ )
        g[i].count = write_count(&m[i]);

    busy_second();

    expect(fmt("%s: query answers", name), query(&now, false), 0);
    check(fmt("%s: still started", name),
          now.q.state == XEN_SYSCTL_LTT_STATE_started);
    for ( i = 0; i < n; i++ )
    {
        d_err = ctl_read(&ctl_of(&m[i])->consumer_errors) - g[i].errors;
        d_full = ctl_read(&ctl_of(&m[i])->lost[LTT_LOST_FULL]) - g[i].full;
        adv = write_count(&m[i]) - g[i].count;
        printf("    cpu %u: consumed %#" PRIx64 ", consumer_errors +%" PRIu64
               ", lost full +%" PRIu64 ", %" PRIu64 " sub-buffers opened\n",
               m[i].cpu, *consumed_of(&m[i]), d_err, d_full, adv);
        errors += d_err;
        stopped &= adv <= 2;
        counted &= d_full >= d_err;
        if ( adv > adv_max )
            adv_max = adv;
    }
    if ( !valid )
    {
        check(fmt("%s: counted in consumer_errors", name), errors > 0);
        check(fmt("%s: no sub-buffer opened after it", name), stopped);
        check(fmt("%s: each refused record counted lost", name), counted);
    }
    else
    {
        check(fmt("%s: accepted, no consumer error", name), errors == 0);
        check(fmt("%s: the writer went on", name), adv_max > 0);
    }
    expect(fmt("%s: flush with it in place", name), flush(0, NULL), 0);

    /* The consumer writes a valid position again: recording resumes, and
     * what was lost meanwhile reaches the trace (events_discarded). */
    for ( i = 0; i < n; i++ )
        consumer_restore(&m[i], g[i].good);
    __sync_synchronize();
    for ( i = 0; i < n; i++ )
        g[i].lost = ctl_lost_total(&m[i]);
    busy_ms(500);
    expect(fmt("%s: restored: flush, empty packets too", name),
           flush(XEN_SYSCTL_LTT_FLUSH_empty, NULL), 0);
    for ( i = 0; i < n; i++ )
    {
        stream_init(&st, m[i].cpu, 0xa0);
        got = drain_discard(&m[i], NULL, &bytes, &st);
        if ( got < 0 )
            sane = false;
        else
            packets += got;
        sane &= !st.bad_hdr && !st.bad_seq && !st.bad_ts &&
                !st.bad_discarded;
        if ( g[i].lost && st.max_discarded < g[i].lost )
            reached = false;
    }
    check(fmt("%s: restored: packets read again", name), packets > 0);
    check(fmt("%s: restored: packets contiguous, in order", name), sane);
    check(fmt("%s: restored: the losses reach the trace", name), reached);
}

static void selftest_garbage(const struct query *q)
{
    struct mapped_cpu m[SELFTEST_MAX_CPUS];
    unsigned int warned[SELFTEST_MAX_CPUS] = { 0 };
    struct query now;
    uint32_t con = 0;
    unsigned int n, i, w, twice = 0, with_errors = 0, unreported = 0;
    bool console = console_read_end(&con);

    section("garbage in the consumer page (discard mode)");
    printf("    random page seed %#" PRIx64 "\n", rng_state);
    expect("setup 4 KiB x 8, discard, 50 ms timer",
           setup(4096, 8, XEN_SYSCTL_LTT_MODE_discard, 50, 0), 0);
    n = map_all(q, m);
    expect("enable all", events(true, XEN_SYSCTL_LTT_EVENTS_all, 0), 0);
    expect("start", simple(XEN_SYSCTL_LTT_start), 0);
    busy_ms(500);
    if ( n )
        for ( i = 0; i < ARRAY_SIZE(garbage_cases); i++ )
            garbage_case(m, n, i);

    /* Xen reports it on its console: once per CPU and session. */
    check("Xen's console ring readable (XEN_SYSCTL_readconsole)", console);
    w = console ? console_warnings(&con, warned) : 0;
    for ( i = 0; i < n; i++ )
    {
        bool errs = ctl_read(&ctl_of(&m[i])->consumer_errors) != 0;

        with_errors += errs;
        unreported += errs && m[i].cpu < SELFTEST_MAX_CPUS &&
                      !warned[m[i].cpu];
    }
    for ( i = 0; i < SELFTEST_MAX_CPUS; i++ )
        twice += warned[i] > 1;
    check("Xen warned on its console", console && w >= 1);
    check(fmt("every CPU with consumer errors (%u) warned", with_errors),
          console && !unreported);
    check("at most one warning per CPU in the session", twice == 0);

    /* Left in place: stop, flush and teardown do not need it. */
    for ( i = 0; i < n; i++ )
        garbage_write(&m[i], GARBAGE_ONES, 0);
    busy_ms(300);
    expect("garbage left in place: stop", simple(XEN_SYSCTL_LTT_stop), 0);
    expect("garbage left in place: flush (empty packets too)",
           flush(XEN_SYSCTL_LTT_FLUSH_empty, NULL), 0);
    expect("garbage left in place: query", query(&now, false), 0);
    check("garbage left in place: state is setup",
          now.q.state == XEN_SYSCTL_LTT_STATE_setup);
    for ( i = 0; i < n; i++ )
    {
        uint64_t bytes = 0;

        print_ctl("    ", m[i].cpu, m[i].ctl);
        check("garbage left in place: dom0's reader refuses it",
              drain_discard(&m[i], NULL, &bytes, NULL) < 0);
    }
    unmap_all(m, n);
    expect("garbage left in place: teardown",
           simple(XEN_SYSCTL_LTT_teardown), 0);
    console_warnings(&con, warned);
    for ( i = 0, twice = 0; i < SELFTEST_MAX_CPUS; i++ )
        twice += warned[i] > 1;
    check("still at most one warning per CPU in the session", twice == 0);
}

/*
 * One session, several start/stop cycles: each cycle's packets continue
 * the CPU's stream (sequence numbers, timestamps), nothing is recorded
 * while stopped.
 */
static void selftest_cycles(const struct query *q)
{
    struct mapped_cpu m[SELFTEST_MAX_CPUS];
    struct stream st[SELFTEST_MAX_CPUS];
    uint64_t offset[SELFTEST_MAX_CPUS];
    uint64_t bytes = 0;
    unsigned int n, i, c, bad_seq = 0, bad_ts = 0, bad_hdr = 0, bad_disc = 0;
    bool still;
    long packets, got;

    section("start/stop cycles in one session");
    expect("setup 8 KiB x 16, discard, 50 ms timer",
           setup(8192, 16, XEN_SYSCTL_LTT_MODE_discard, 50, 0), 0);
    n = map_all(q, m);
    for ( i = 0; i < n; i++ )
        stream_init(&st[i], m[i].cpu, 0xa0);
    expect("enable all", events(true, XEN_SYSCTL_LTT_EVENTS_all, 0), 0);
    for ( c = 1; c <= 3; c++ )
    {
        expect(fmt("cycle %u: start", c), simple(XEN_SYSCTL_LTT_start), 0);
        busy_second();
        expect(fmt("cycle %u: stop", c), simple(XEN_SYSCTL_LTT_stop), 0);
        expect(fmt("cycle %u: flush", c), flush(0, NULL), 0);
        packets = 0;
        for ( i = 0; i < n; i++ )
        {
            got = drain_discard(&m[i], NULL, &bytes, &st[i]);
            packets += got > 0 ? got : 0;
            offset[i] = ctl_read(&ctl_of(&m[i])->offset);
        }
        printf("    cycle %u: %ld packets\n", c, packets);
        check(fmt("cycle %u: packets read", c), packets > 0);
        busy_ms(300);
        still = true;
        for ( i = 0; i < n; i++ )
            still &= ctl_read(&ctl_of(&m[i])->offset) == offset[i];
        check(fmt("cycle %u: stopped, nothing written", c), still);
    }
    for ( i = 0; i < n; i++ )
    {
        printf("    cpu %u: %ld packets, seq %" PRIu64 "..%" PRIu64 "\n",
               st[i].cpu, st[i].packets, st[i].first_seq, st[i].last_seq);
        bad_seq += st[i].bad_seq;
        bad_ts += st[i].bad_ts;
        bad_hdr += st[i].bad_hdr;
        bad_disc += st[i].bad_discarded;
    }
    check("3 cycles: packet_seq_num contiguous on every CPU", bad_seq == 0);
    check("3 cycles: timestamps monotonic on every CPU", bad_ts == 0);
    check("3 cycles: headers carry the uuid and CPU", bad_hdr == 0);
    check("3 cycles: events_discarded never decreases", bad_disc == 0);
    unmap_all(m, n);
    expect("teardown", simple(XEN_SYSCTL_LTT_teardown), 0);
}

/*
 * Whole sessions one after the other: each starts from fresh buffers
 * (positions, counters, consumer page zero; sequence numbers from 0; its
 * own uuid), and the console warning comes again in a new session.
 */
static void selftest_sessions(const struct query *q)
{
    struct mapped_cpu m[SELFTEST_MAX_CPUS];
    struct stream st[SELFTEST_MAX_CPUS];
    unsigned int warned[SELFTEST_MAX_CPUS];
    struct query now;
    uint32_t generation = 0, con = 0;
    uint64_t bytes = 0;
    unsigned int s, n, i, w;
    bool fresh, every, first, sane;
    long packets;

    section("sessions: setup, start, stop, teardown, again");
    for ( s = 1; s <= 2; s++ )
    {
        bool console = console_read_end(&con);

        expect(fmt("session %u: setup 8 KiB x 8, discard, 50 ms timer", s),
               setup_uuid(8192, 8, XEN_SYSCTL_LTT_MODE_discard, 50, 0,
                          0x10 * s), 0);
        expect(fmt("session %u: query", s), query(&now, false), 0);
        check(fmt("session %u: state setup, a new generation", s),
              now.q.state == XEN_SYSCTL_LTT_STATE_setup &&
              (s == 1 || now.q.generation != generation));
        generation = now.q.generation;
        n = map_all(q, m);
        fresh = n > 0;
        for ( i = 0; i < n; i++ )
        {
            fresh &= ctl_read(&ctl_of(&m[i])->offset) == 0 &&
                     ctl_lost_total(&m[i]) == 0 &&
                     ctl_read(&ctl_of(&m[i])->consumer_errors) == 0 &&
                     *consumed_of(&m[i]) == 0;
            stream_init(&st[i], m[i].cpu, 0x10 * s);
        }
        check(fmt("session %u: fresh buffers, consumer pages zero", s),
              fresh);
        expect(fmt("session %u: start", s), simple(XEN_SYSCTL_LTT_start), 0);
        busy_second();
        expect(fmt("session %u: stop", s), simple(XEN_SYSCTL_LTT_stop), 0);
        expect(fmt("session %u: flush (empty packets too)", s),
               flush(XEN_SYSCTL_LTT_FLUSH_empty, NULL), 0);
        packets = 0;
        every = first = sane = true;
        for ( i = 0; i < n; i++ )
        {
            long got = drain_discard(&m[i], NULL, &bytes, &st[i]);

            packets += got > 0 ? got : 0;
            every &= got > 0;
            first &= st[i].any && st[i].first_seq == 0;
            sane &= !st[i].bad_hdr && !st[i].bad_seq && !st[i].bad_ts &&
                    !st[i].bad_discarded;
        }
        printf("    session %u: %ld packets\n", s, packets);
        check(fmt("session %u: packets from every CPU", s), every);
        check(fmt("session %u: first packet_seq_num 0 on every CPU", s),
              first);
        check(fmt("session %u: session uuid, contiguous, in order", s),
              sane);

        if ( s == 2 )
        {
            /* A bad position again: warned again, in this session. */
            for ( i = 0; i < n; i++ )
                garbage_write(&m[i], GARBAGE_ONES, 0);
            expect("session 2: start with garbage in the consumer pages",
                   simple(XEN_SYSCTL_LTT_start), 0);
            busy_ms(500);
            expect("session 2: stop", simple(XEN_SYSCTL_LTT_stop), 0);
            memset(warned, 0, sizeof(warned));
            w = console ? console_warnings(&con, warned) : 0;
            check("session 2: Xen warned again", console && w >= 1);
        }

        unmap_all(m, n);
        expect(fmt("session %u: teardown", s),
               simple(XEN_SYSCTL_LTT_teardown), 0);
    }
}

static void selftest_overwrite(const struct query *q)
{
    struct xen_sysctl_ltt_op op;
    struct mapped_cpu m;
    uint64_t bytes = 0;
    long n;
    int rc;

    section("overwrite mode");
    expect("setup 4 KiB x 4, overwrite, no timer",
           setup(4096, 4, XEN_SYSCTL_LTT_MODE_overwrite, 0, 0), 0);
    expect("map CPU 0", rc = map_cpu(0, &m), 0);
    /* Xen's reader read the consumer page once, at setup: garbage written
     * now changes nothing. */
    if ( !rc )
        garbage_write(&m, GARBAGE_RANDOM, 0);
    expect("start", simple(XEN_SYSCTL_LTT_start), 0);
    busy_second();
    /* CPU 0 must go round its 4 sub-buffers at least once for the "n - 1
     * others" below; a loaded host slows the emulated CPUs down: give it
     * up to 10 s more. */
    for ( n = 0; !rc && n < 10 &&
                 ctl_read(&ctl_of(&m)->offset) < 5 * 4096; n++ )
        busy_second();
    expect("stop", simple(XEN_SYSCTL_LTT_stop), 0);
    expect("flush", flush(0, NULL), 0);
    if ( !rc )
    {
        print_ctl("    ", 0, m.ctl);
        check("CPU 0 went round its 4 sub-buffers",
              ctl_read(&ctl_of(&m)->offset) >= 5 * 4096);
        check("garbage in the consumer page ignored (no error)",
              ctl_read(&ctl_of(&m)->consumer_errors) == 0);
    }

    op_init(&op, XEN_SYSCTL_LTT_get_subbuf);
    op.cpu = q->q.nr_cpus;
    expect("get_subbuf, cpu = nr_cpus", ltt_op(&op), ENXIO);
    op_init(&op, XEN_SYSCTL_LTT_get_subbuf);
    op.cpu = 0xffffffffu;
    expect("get_subbuf, cpu = 0xffffffff", ltt_op(&op), ENXIO);
    op_init(&op, XEN_SYSCTL_LTT_put_subbuf);
    op.cpu = q->q.nr_cpus;
    expect("put_subbuf, cpu = nr_cpus", ltt_op(&op), ENXIO);
    op_init(&op, XEN_SYSCTL_LTT_put_subbuf);
    op.cpu = 0x80000000u;
    expect("put_subbuf, cpu = 0x80000000", ltt_op(&op), ENXIO);
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
        expect("teardown while mapped", simple(XEN_SYSCTL_LTT_teardown),
               EBUSY);
        unmap_cpu(&m);
    }
    expect("teardown", simple(XEN_SYSCTL_LTT_teardown), 0);
}

static int cmd_selftest(void)
{
    xenevtchn_handle *xce = xenevtchn_open(NULL, 0);
    struct query q, now;
    int rc;

    if ( xce && xenevtchn_bind_virq(xce, VIRQ_LTT) < 0 )
    {
        perror("bind VIRQ_LTT");
        xenevtchn_close(xce);
        xce = NULL;
    }
    if ( !xce )
        printf("    (no event channel device: VIRQ_LTT not checked)\n");

    rc = query(&q, true);
    expect("query", rc, 0);
    if ( rc )
        return 1;
    if ( q.q.state != XEN_SYSCTL_LTT_STATE_none )
    {
        printf("    (tracing was set up: stopping and tearing it down)\n");
        simple(XEN_SYSCTL_LTT_stop);
        expect("teardown of the previous session",
               simple(XEN_SYSCTL_LTT_teardown), 0);
    }
    printf("    %u CPUs, TSC %" PRIu64 " kHz, %u facilities, %u events\n",
           q.q.nr_cpus, (uint64_t)q.q.cpu_khz, q.q.nr_facilities,
           q.q.nr_events);
    rng_state ^= (uint64_t)time(NULL) << 20;

    selftest_malformed(&q);
    selftest_discard(&q, xce);
    selftest_garbage(&q);
    selftest_cycles(&q);
    selftest_sessions(&q);
    selftest_overwrite(&q);
    section("end");
    expect("disable all", events(false, XEN_SYSCTL_LTT_EVENTS_all, 0), 0);
    expect("query", query(&now, false), 0);
    check("state is none, nothing left allocated",
          now.q.state == XEN_SYSCTL_LTT_STATE_none);

    query_free(&q);
    if ( xce )
        xenevtchn_close(xce);
    printf("selftest: %s (%d failures)\n", failures ? "FAILED" : "passed",
           failures);

    return failures != 0;
}

/*
 * bench: what one record costs inside Xen, ltt-xen's tracepoint against
 * xentrace's TRACE_1D(), measured by XEN_SYSCTL_LTT_bench on the CPU
 * running the sysctl, interrupts enabled, rounds interleaved in Xen.
 *
 * Disabled: neither tracer records (no ltt-xen session, xentrace off):
 * each loop costs its tracepoint's enable test. Enabled: a bench session of
 * ltt-xen (discard mode, only sched_wake enabled) and xentrace enabled with
 * only the TRC_GEN class in its mask (so its buffer holds the bench's
 * records alone); both buffers are large enough for every round's records
 * without a consumer, and each round's records are counted from the
 * buffers: a dropped record fails the bench, however fast it was.
 *
 * It refuses to run while either tracer is in use: its records would land
 * in somebody's trace.
 */
#define BENCH_SUBBUF (256u << 10)
#define BENCH_NR_SUBBUFS 8u
#define BENCH_XENTRACE_PAGES 32u /* xentrace -S 32, as the e2e runs it */

static int tbuf_op(uint32_t cmd, struct xen_sysctl_tbuf_op *out)
{
    int rc;

    memset(sysctl_buf, 0, sizeof(*sysctl_buf));
    sysctl_buf->cmd = XEN_SYSCTL_tbuf_op;
    sysctl_buf->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    if ( out )
        sysctl_buf->u.tbuf_op = *out;
    sysctl_buf->u.tbuf_op.cmd = cmd;
    rc = xencall1(xcall, __HYPERVISOR_sysctl, (uint64_t)(uintptr_t)sysctl_buf);
    if ( out )
        *out = sysctl_buf->u.tbuf_op;

    return rc < 0 ? errno : 0;
}

struct bench_run {
    struct xen_sysctl_ltt_bench b;
    xen_sysctl_ltt_bench_round_t *rounds;
};

static int bench_op(struct bench_run *run, uint32_t n, uint32_t nr_rounds)
{
    struct xen_sysctl_ltt_op op;
    int rc;

    op_init(&op, XEN_SYSCTL_LTT_bench);
    op.u.bench.nr_events = n;
    op.u.bench.nr_rounds = nr_rounds;
    set_xen_guest_handle(op.u.bench.rounds, run->rounds);
    rc = ltt_op(&op);
    run->b = op.u.bench;

    return rc;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Median over the rounds of one loop's cycles, per iteration. */
static double bench_median(const struct bench_run *run, size_t field)
{
    uint64_t v[XEN_SYSCTL_LTT_BENCH_MAX_ROUNDS];
    uint32_t i, n = run->b.nr_rounds;

    for ( i = 0; i < n; i++ )
        v[i] = *(const uint64_t *)((const char *)&run->rounds[i] + field);
    qsort(v, n, sizeof(v[0]), cmp_u64);

    return (n % 2 ? (double)v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0) /
           run->b.nr_events;
}

/* The least disturbed round of one loop, per iteration: on a shared host
 * every disturbance only adds cycles. */
static double bench_min(const struct bench_run *run, size_t field)
{
    uint64_t m = UINT64_MAX;
    uint32_t i;

    for ( i = 0; i < run->b.nr_rounds; i++ )
    {
        uint64_t v = *(const uint64_t *)((const char *)&run->rounds[i] + field);

        m = v < m ? v : m;
    }

    return (double)m / run->b.nr_events;
}

static unsigned int bench_check_rounds(const struct bench_run *run)
{
    unsigned int bad = 0;
    uint32_t i, n = run->b.nr_events;

    for ( i = 0; i < run->b.nr_rounds; i++ )
    {
        const xen_sysctl_ltt_bench_round_t *r = &run->rounds[i];

        /* ltt-xen counts every record of the CPU: an interrupt's own
         * sched_wake may add one; none may be missing or lost. */
        if ( r->ltt_records < n || r->ltt_lost )
        {
            printf("  round %u: ltt-xen committed %u records for %u calls, "
                   "lost %u  FAIL\n", i, r->ltt_records, n, r->ltt_lost);
            bad++;
        }
        /* xentrace's bench event is the bench's alone: exactly n. A wrap
         * record may sit between them; a lost-records one may not. */
        if ( r->xentrace_records != n || r->xentrace_lost ||
             r->xentrace_other > 1 )
        {
            printf("  round %u: xentrace wrote %u records for %u calls, "
                   "%u others, %u lost pending  FAIL\n", i,
                   r->xentrace_records, n, r->xentrace_other,
                   r->xentrace_lost);
            bad++;
        }
    }

    return bad;
}

static int cmd_bench(uint32_t n, uint32_t nr_rounds, const char *json_path)
{
    struct bench_run off = { .rounds = NULL }, on = { .rounds = NULL };
    struct xen_sysctl_tbuf_op tb;
    struct query q;
    uint32_t saved_mask, i;
    uint64_t ltt_written = 0, xt_written = 0, ltt_lost = 0, xt_lost = 0;
    double loop, tsc_read, ltt_off, xt_off, ltt_on, xt_on, ltt_min, xt_min, ratio;
    bool ltt_set = false, xt_on_ok = false;
    unsigned int bad = 0;
    int rc;

    if ( !n || n > XEN_SYSCTL_LTT_BENCH_MAX_EVENTS || !nr_rounds ||
         nr_rounds > XEN_SYSCTL_LTT_BENCH_MAX_ROUNDS )
    {
        fprintf(stderr, "bench: N must be 1-%u, ROUNDS 1-%u\n",
                XEN_SYSCTL_LTT_BENCH_MAX_EVENTS,
                XEN_SYSCTL_LTT_BENCH_MAX_ROUNDS);
        return 2;
    }
    /* Without a consumer, every enabled round's records must fit: ltt-xen
     * keeps one sub-buffer for the open packet, xentrace about 16 bytes per
     * record in (pages * 4096 - 8) bytes. */
    if ( (uint64_t)n * nr_rounds * 16 >
         (uint64_t)BENCH_XENTRACE_PAGES * PAGE_SIZE_ * 3 / 4 )
    {
        fprintf(stderr, "bench: N x ROUNDS = %" PRIu64 " records would not fit "
                "xentrace's %u pages per CPU without a consumer (at most "
                "%u)\n", (uint64_t)n * nr_rounds, BENCH_XENTRACE_PAGES,
                BENCH_XENTRACE_PAGES * PAGE_SIZE_ * 3 / 4 / 16);
        return 2;
    }

    rc = query(&q, true);
    if ( rc || q.q.state != XEN_SYSCTL_LTT_STATE_none )
    {
        fprintf(stderr, "bench: %s\n", rc ? errname(rc)
                : "an ltt-xen session exists (teardown first): the bench's "
                  "records would land in its trace");
        query_free(&q);
        return 1;
    }
    memset(&tb, 0, sizeof(tb));
    rc = tbuf_op(XEN_SYSCTL_TBUFOP_get_info, &tb);
    if ( rc )
    {
        fprintf(stderr, "bench: xentrace get_info: %s\n", errname(rc));
        query_free(&q);
        return 1;
    }
    saved_mask = tb.evt_mask;

    off.rounds = xencall_alloc_buffer(xcall, nr_rounds * sizeof(*off.rounds));
    on.rounds = xencall_alloc_buffer(xcall, nr_rounds * sizeof(*on.rounds));
    if ( !off.rounds || !on.rounds )
    {
        fprintf(stderr, "bench: xencall_alloc_buffer failed\n");
        rc = ENOMEM;
        goto out;
    }

    /* Disabled: both tracepoints test their flag only. */
    rc = bench_op(&off, n, nr_rounds);
    if ( rc )
    {
        fprintf(stderr, "bench (disabled): %s\n", errname(rc));
        goto out;
    }
    if ( off.b.flags )
    {
        fprintf(stderr, "bench: xentrace is recording (is xentrace "
                "running?): the bench's records would land in its trace\n");
        rc = EBUSY;
        goto out;
    }

    /* Enabled: a bench session of ltt-xen, xentrace on with TRC_GEN only. */
    rc = setup_uuid(BENCH_SUBBUF, BENCH_NR_SUBBUFS,
                    XEN_SYSCTL_LTT_MODE_discard, 0, 0, 0xbe);
    if ( rc )
    {
        fprintf(stderr, "bench: ltt-xen setup: %s\n", errname(rc));
        goto out;
    }
    ltt_set = true;
    rc = events(true, XEN_SYSCTL_LTT_EVENTS_event, off.b.ltt_event);
    if ( !rc )
        rc = simple(XEN_SYSCTL_LTT_start);
    if ( rc )
    {
        fprintf(stderr, "bench: ltt-xen enable/start: %s\n", errname(rc));
        goto out;
    }
    /* As libxenctrl's xc_tbuf_enable(): the size can only be set once per
     * boot, so an error here means buffers exist (enable says if not). */
    memset(&tb, 0, sizeof(tb));
    tb.size = BENCH_XENTRACE_PAGES;
    (void)tbuf_op(XEN_SYSCTL_TBUFOP_set_size, &tb);
    memset(&tb, 0, sizeof(tb));
    tb.evt_mask = off.b.xentrace_event & 0xffff000u; /* TRC_GEN, class */
    rc = tbuf_op(XEN_SYSCTL_TBUFOP_set_evt_mask, &tb);
    if ( !rc )
        rc = tbuf_op(XEN_SYSCTL_TBUFOP_enable, NULL);
    if ( rc )
    {
        fprintf(stderr, "bench: xentrace enable: %s\n", errname(rc));
        goto out;
    }
    xt_on_ok = true;

    rc = bench_op(&on, n, nr_rounds);
    if ( rc )
    {
        fprintf(stderr, "bench (enabled): %s\n", errname(rc));
        goto out;
    }
    if ( on.b.flags != (XEN_SYSCTL_LTT_BENCH_ltt_enabled |
                        XEN_SYSCTL_LTT_BENCH_xentrace_enabled) )
    {
        fprintf(stderr, "bench: Xen says ltt-xen %s, xentrace %s after "
                "enabling both\n",
                on.b.flags & XEN_SYSCTL_LTT_BENCH_ltt_enabled ? "on" : "off",
                on.b.flags & XEN_SYSCTL_LTT_BENCH_xentrace_enabled ? "on"
                                                                    : "off");
        rc = EIO;
        goto out;
    }

    /* The disabled run must not have written anything either. */
    for ( i = 0; i < nr_rounds; i++ )
        if ( off.rounds[i].ltt_records || off.rounds[i].xentrace_records )
        {
            printf("  disabled round %u: records written  FAIL\n", i);
            bad++;
        }
    bad += bench_check_rounds(&on);
    for ( i = 0; i < nr_rounds; i++ )
    {
        ltt_written += on.rounds[i].ltt_records;
        ltt_lost += on.rounds[i].ltt_lost;
        xt_written += on.rounds[i].xentrace_records;
        xt_lost += on.rounds[i].xentrace_lost;
    }

#define F(f) offsetof(xen_sysctl_ltt_bench_round_t, f)
    loop = bench_median(&on, F(loop_cycles));
    tsc_read = bench_median(&on, F(rdtsc_cycles));
    ltt_on = bench_median(&on, F(ltt_cycles));
    xt_on = bench_median(&on, F(xentrace_cycles));
    ltt_off = bench_median(&off, F(ltt_cycles));
    xt_off = bench_median(&off, F(xentrace_cycles));
#undef F
    ltt_min = bench_min(&on, offsetof(xen_sysctl_ltt_bench_round_t,
                                      ltt_cycles));
    xt_min = bench_min(&on, offsetof(xen_sysctl_ltt_bench_round_t,
                                     xentrace_cycles));
    ratio = xt_on > 0 ? ltt_on / xt_on : 0;

    printf("in-Xen cost per record, CPU %u (disabled run on CPU %u), "
           "%u calls x %u rounds, TSC %" PRIu64 " kHz\n", on.b.cpu, off.b.cpu,
           n, nr_rounds, (uint64_t)q.q.cpu_khz);
    printf("  median cycles per call (empty loop %.1f included; a loop of "
           "one rdtsc %.1f):\n", loop, tsc_read);
    printf("  %-10s %10s %10s %12s %10s\n", "tracer", "enabled", "disabled",
           "written", "lost");
    printf("  %-10s %10.1f %10.1f %12" PRIu64 " %10" PRIu64 "\n", "ltt-xen",
           ltt_on, ltt_off, ltt_written, ltt_lost);
    printf("  %-10s %10.1f %10.1f %12" PRIu64 " %10" PRIu64 "\n", "xentrace",
           xt_on, xt_off, xt_written, xt_lost);
    printf("  ltt-xen / xentrace enabled: %.3f (goal <= 0.333: %s); least "
           "disturbed rounds: %.1f / %.1f = %.3f\n", ratio,
           ratio > 0 && ratio <= 1.0 / 3 ? "met" : "not met", ltt_min, xt_min,
           xt_min > 0 ? ltt_min / xt_min : 0);
    for ( i = 0; i < nr_rounds; i++ )
        printf("  round %2u: loop %7" PRIu64 " rdtsc %8" PRIu64 " ltt %9"
               PRIu64 " xentrace %9" PRIu64 " | disabled ltt %8" PRIu64
               " xentrace %8" PRIu64 "\n", i, on.rounds[i].loop_cycles,
               on.rounds[i].rdtsc_cycles, on.rounds[i].ltt_cycles,
               on.rounds[i].xentrace_cycles, off.rounds[i].ltt_cycles,
               off.rounds[i].xentrace_cycles);
    printf("bench: %s (%u failures)\n", bad ? "FAILED" : "records verified",
           bad);

    if ( json_path )
    {
        FILE *f = fopen(json_path, "w");

        if ( !f )
        {
            perror(json_path);
            rc = errno;
            goto out;
        }
        fprintf(f, "{\"cpu\": %u, \"disabled_cpu\": %u, \"events\": %u, "
                "\"rounds\": %u, \"cpu_khz\": %" PRIu64 ", "
                "\"data_bytes\": %u, \"ltt_event\": %u, "
                "\"xentrace_event\": %u, \"loop\": %.3f, \"rdtsc\": %.3f, "
                "\"ltt_enabled\": %.3f, \"xentrace_enabled\": %.3f, "
                "\"ltt_disabled\": %.3f, \"xentrace_disabled\": %.3f, "
                "\"ratio\": %.4f, \"ltt_written\": %" PRIu64
                ", \"ltt_lost\": %" PRIu64 ", \"xentrace_written\": %" PRIu64
                ", \"xentrace_lost\": %" PRIu64 ", \"failures\": %u, "
                "\"per_round\": [",
                on.b.cpu, off.b.cpu, n, nr_rounds, (uint64_t)q.q.cpu_khz,
                on.b.data_bytes, on.b.ltt_event, on.b.xentrace_event, loop,
                tsc_read, ltt_on, xt_on, ltt_off, xt_off, ratio, ltt_written, ltt_lost,
                xt_written, xt_lost, bad);
        for ( i = 0; i < nr_rounds; i++ )
        {
            const xen_sysctl_ltt_bench_round_t *r = &on.rounds[i];

            fprintf(f, "%s{\"loop\": %" PRIu64 ", \"rdtsc\": %" PRIu64
                    ", \"ltt\": %" PRIu64
                    ", \"xentrace\": %" PRIu64 ", \"ltt_disabled\": %" PRIu64
                    ", \"xentrace_disabled\": %" PRIu64
                    ", \"ltt_records\": %u, \"ltt_lost\": %u"
                    ", \"xentrace_records\": %u, \"xentrace_other\": %u"
                    ", \"xentrace_lost\": %u"
                    ", \"ltt_disabled_records\": %u"
                    ", \"xentrace_disabled_records\": %u}",
                    i ? ", " : "", r->loop_cycles, r->rdtsc_cycles,
                    r->ltt_cycles,
                    r->xentrace_cycles, off.rounds[i].ltt_cycles,
                    off.rounds[i].xentrace_cycles, r->ltt_records,
                    r->ltt_lost, r->xentrace_records, r->xentrace_other,
                    r->xentrace_lost, off.rounds[i].ltt_records,
                    off.rounds[i].xentrace_records);
        }
        fprintf(f, "]}\n");
        if ( fclose(f) )
        {
            perror(json_path);
            rc = errno;
            goto out;
        }
    }
    rc = bad ? EIO : 0;

out:
    if ( xt_on_ok )
    {
        int e = tbuf_op(XEN_SYSCTL_TBUFOP_disable, NULL);

        memset(&tb, 0, sizeof(tb));
        tb.evt_mask = saved_mask;
        if ( e || tbuf_op(XEN_SYSCTL_TBUFOP_set_evt_mask, &tb) )
            fprintf(stderr, "bench: xentrace disable / mask restore failed\n");
    }
    if ( ltt_set && (simple(XEN_SYSCTL_LTT_stop) ||
                     simple(XEN_SYSCTL_LTT_teardown)) )
        fprintf(stderr, "bench: ltt-xen teardown failed\n");
    /* The enable map outlives sessions: leave it as it was. */
    if ( ltt_set && !(q.enabled && off.b.ltt_event < q.q.nr_events &&
                      q.enabled[off.b.ltt_event]) )
        events(false, XEN_SYSCTL_LTT_EVENTS_event, off.b.ltt_event);
    query_free(&q);
    if ( off.rounds )
        xencall_free_buffer(xcall, off.rounds);
    if ( on.rounds )
        xencall_free_buffer(xcall, on.rounds);

    return rc != 0;
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
            "  bench [N] [ROUNDS] [JSON]         in-Xen cycles per record, "
            "ltt-xen vs xentrace\n"
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
    else if ( !strcmp(cmd, "bench") )
        ret = cmd_bench(argc > 2 ? strtoul(argv[2], NULL, 0) : 90,
                        argc > 3 ? strtoul(argv[3], NULL, 0) : 64,
                        argc > 4 ? argv[4] : NULL);
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
