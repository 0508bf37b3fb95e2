/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ltt-xen: recording from boot. Like xentrace's tbuf_size= and tevt_mask=,
 *
 *     ltt_boot=<nr_subbufs>x<subbuf_size>[,<facility>...]
 *
 * on Xen's command line (e.g. "ltt_boot=16x128K,domain,runstate,sched")
 * sets up the per-CPU buffers in overwrite mode while Xen boots and starts
 * recording the named facilities (every event when none is named), before
 * dom0 is built: a flight recorder that holds the boot and dom0's start.
 * lttd adopts these buffers when a session is created with --source xen
 * (xen_source.cpp), and its snapshots hold the boot as long as it has not
 * been overwritten. The size is read as Xen's other sizes are (K, M, G
 * suffixes; a bare number is KiB). A mistake in the option is reported on
 * the console and boot goes on without tracing, with nothing set up or
 * enabled.
 */

#include <xen/init.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/random.h>
#include <xen/string.h>

#include "private.h"

static char __initdata opt_ltt_boot[128];
string_param("ltt_boot", opt_ltt_boot);

/*
 * Enables the facilities of the comma-separated list (every event when it
 * is empty); with check_only, only says whether every name is known.
 */
static int __init ltt_boot_enable(const char *list, bool check_only)
{
    struct xen_sysctl_ltt_events e = { .which = XEN_SYSCTL_LTT_EVENTS_all };
    const char *end;
    int id;

    if ( !*list )
        return check_only ? 0 : ltt_events(&e, true);

    e.which = XEN_SYSCTL_LTT_EVENTS_facility;
    for ( ; ; list = end + 1 )
    {
        end = strchr(list, ',');
        if ( !end )
            end = list + strlen(list);
        id = ltt_facility_id(list, end - list);
        if ( id < 0 )
        {
            printk(XENLOG_ERR "ltt: ltt_boot=: no facility '%.*s'\n",
                   (int)(end - list), list);
            return id;
        }
        e.id = id;
        if ( !check_only )
            ltt_events(&e, true);
        if ( !*end )
            return 0;
    }
}

void __init ltt_boot_start(void)
{
    struct xen_sysctl_ltt_setup s = { .mode = XEN_SYSCTL_LTT_MODE_overwrite };
    const char *p = opt_ltt_boot;
    unsigned int i;
    int rc;

    if ( !*p )
        return;

    s.nr_subbufs = simple_strtoul(p, &p, 0);
    if ( *p != 'x' )
        goto syntax;
    s.subbuf_size = parse_size_and_unit(p + 1, &p);
    if ( !s.nr_subbufs || !s.subbuf_size || (*p && *p != ',') ||
         (*p == ',' && !p[1]) )
        goto syntax;
    if ( ltt_boot_enable(*p ? p + 1 : p, true) )
        return;

    /* A random (version 4) UUID, as lttd makes for the sessions it sets up. */
    for ( i = 0; i < sizeof(s.uuid); i += sizeof(uint32_t) )
    {
        uint32_t r = get_random();

        memcpy(&s.uuid[i], &r, sizeof(r));
    }
    s.uuid[6] = (s.uuid[6] & 0x0f) | 0x40;
    s.uuid[8] = (s.uuid[8] & 0x3f) | 0x80;

    rc = ltt_setup(&s);
    if ( rc )
    {
        printk(XENLOG_ERR "ltt: ltt_boot=%s: setup failed (%d)\n",
               opt_ltt_boot, rc);
        return;
    }
    rc = ltt_boot_enable(*p ? p + 1 : p, false);
    if ( !rc )
        rc = ltt_start();
    if ( rc )
    {
        struct xen_sysctl_ltt_events all = {
            .which = XEN_SYSCTL_LTT_EVENTS_all,
        };

        printk(XENLOG_ERR "ltt: ltt_boot=%s: not recording (%d)\n",
               opt_ltt_boot, rc);
        ltt_events(&all, false);
        ltt_teardown();
        return;
    }
    printk(XENLOG_INFO "ltt: recording from boot (ltt_boot=%s)\n",
           opt_ltt_boot);
    return;

 syntax:
    printk(XENLOG_ERR
           "ltt: ltt_boot=%s: expected <nr_subbufs>x<subbuf_size>[,<facility>...]\n",
           opt_ltt_boot);
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
