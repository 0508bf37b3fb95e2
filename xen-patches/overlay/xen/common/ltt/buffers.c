/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ltt-xen: the memory of one physical CPU's buffer.
 *
 * Each area is made of single xenheap pages, shared with privileged domains
 * (mappable from DOMID_XEN, like xentrace's buffers) and mapped contiguously
 * for Xen with vmap(), because ring.h addresses sub-buffers as one array.
 *
 *   control   ltt_ctl_size() bytes: shared read-only
 *   consumer  one page: shared read-write; the writer (ring.h) and the
 *             overwrite-mode reader validate what they read from it
 *   data      ltt_data_size() bytes: shared read-only
 */

#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/vmap.h>
#include <xen/xmalloc.h>

#include "private.h"

/* Frees what area_alloc() allocated; the pages must not be shared. */
static void area_free_unshared(struct ltt_area *a)
{
    unsigned int i;

    if ( a->va )
        vunmap(a->va);
    for ( i = 0; i < a->nr_pages; i++ )
        free_xenheap_page(mfn_to_virt(mfn_x(a->mfns[i])));
    xfree(a->mfns);
    a->va = NULL;
    a->mfns = NULL;
    a->nr_pages = 0;
}

static int area_alloc(struct ltt_area *a, unsigned int nr_pages)
{
    unsigned int i;

    a->va = NULL;
    a->nr_pages = 0;
    a->mfns = xmalloc_array(mfn_t, nr_pages);
    if ( !a->mfns )
        return -ENOMEM;

    for ( i = 0; i < nr_pages; i++ )
    {
        void *p = alloc_xenheap_page();

        if ( !p )
            goto fail;
        clear_page(p);
        a->mfns[i] = _mfn(virt_to_mfn(p));
        a->nr_pages++;
    }

    a->va = vmap(a->mfns, nr_pages);
    if ( !a->va )
        goto fail;

    return 0;

 fail:
    area_free_unshared(a);
    return -ENOMEM;
}

static void area_share(const struct ltt_area *a, enum XENSHARE_flags flags)
{
    unsigned int i;

    for ( i = 0; i < a->nr_pages; i++ )
        share_xen_page_with_privileged_guests(mfn_to_page(a->mfns[i]), flags);
}

/* Is a page of the area mapped by some domain (a reference besides the
 * allocation reference the sharing holds)? */
static bool area_mapped(const struct ltt_area *a)
{
    unsigned int i;

    for ( i = 0; i < a->nr_pages; i++ )
        if ( (mfn_to_page(a->mfns[i])->count_info & PGC_count_mask) > 1 )
            return true;

    return false;
}

/*
 * Unshares and frees the area. A page some domain mapped after the caller
 * checked area_mapped() cannot be freed: it is left to that domain (it goes
 * away with the last reference, never back to the heap) and reported.
 */
static void area_free_shared(struct ltt_area *a)
{
    unsigned int i;

    if ( a->va )
        vunmap(a->va);

    for ( i = 0; i < a->nr_pages; i++ )
    {
        struct page_info *pg = mfn_to_page(a->mfns[i]);

        put_page_alloc_ref(pg);
        if ( pg->count_info & PGC_count_mask )
        {
            printk(XENLOG_WARNING
                   "ltt: page %"PRI_mfn" still mapped at teardown, leaked\n",
                   mfn_x(a->mfns[i]));
            continue;
        }
        free_xenheap_page(mfn_to_virt(mfn_x(a->mfns[i])));
    }

    xfree(a->mfns);
    a->va = NULL;
    a->mfns = NULL;
    a->nr_pages = 0;
}

/*
 * A buffer for `cpu` with the current geometry, initialised and shared.
 * Its timer is bound to timer_cpu (an online CPU: `cpu` itself may not be
 * online yet).
 */
struct ltt_cpu *ltt_cpu_alloc(unsigned int cpu, unsigned int timer_cpu)
{
    struct ltt_buf_config cfg = {
        .cpu = cpu,
        .mode = ltt_geom.mode,
        .header_type = LTT_HEADER_TYPE,
        .subbuf_order = ltt_geom.subbuf_order,
        .nr_subbufs_order = ltt_geom.nr_subbufs_order,
    };
    struct ltt_cpu *c = xzalloc(struct ltt_cpu);

    if ( !c )
        return NULL;
    c->cpu = cpu;

    if ( area_alloc(&c->ctl, ltt_geom.ctl_pages) )
        goto fail;
    if ( area_alloc(&c->cons, 1) )
        goto fail;
    if ( area_alloc(&c->data, ltt_geom.data_pages) )
        goto fail;

    memcpy(cfg.uuid, ltt_geom.uuid, sizeof(cfg.uuid));
    if ( ltt_buf_init(&c->buf, c->ctl.va, c->cons.va, c->data.va, &cfg) )
        goto fail;

    if ( ltt_geom.mode == LTT_MODE_OVERWRITE &&
         ltt_reader_init(&c->reader, c->ctl.va,
                         (uint64_t)c->ctl.nr_pages << PAGE_SHIFT,
                         c->cons.va, c->data.va,
                         (uint64_t)c->data.nr_pages << PAGE_SHIFT) !=
         LTT_READER_OK )
        goto fail;

    ltt_timer_init(c, timer_cpu);

    /* Only now that everything is initialised may dom0 see it. */
    area_share(&c->ctl, SHARE_ro);
    area_share(&c->cons, SHARE_rw);
    area_share(&c->data, SHARE_ro);

    return c;

 fail:
    printk(XENLOG_WARNING "ltt: no memory for the buffer of CPU%u\n", cpu);
    area_free_unshared(&c->data);
    area_free_unshared(&c->cons);
    area_free_unshared(&c->ctl);
    xfree(c);
    return NULL;
}

bool ltt_cpu_mapped(const struct ltt_cpu *c)
{
    return area_mapped(&c->ctl) || area_mapped(&c->cons) ||
           area_mapped(&c->data);
}

/* No writer, timer or reader may use the buffer any more. */
void ltt_cpu_free(struct ltt_cpu *c)
{
    kill_timer(&c->timer);
    area_free_shared(&c->data);
    area_free_shared(&c->cons);
    area_free_shared(&c->ctl);
    xfree(c);
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
