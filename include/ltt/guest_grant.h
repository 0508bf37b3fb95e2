/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * ltt/guest_grant.h - how a domU's ltt-guest.ko hands its buffers to dom0's
 * lttd (the `guests` source): grant references and an event channel,
 * described in the domU's guest-writable xenstore directory. Freestanding C,
 * shared by the module (the writer) and lttd (the reader, which trusts none
 * of it). ltt-daemon/README.md ("The guests source") describes it in full.
 *
 * xenstore, under /local/domain/<domid>/data/ltt/ (written by the guest,
 * "state" last, so a watcher that sees state "ready" reads a whole
 * description):
 *
 *   channel       the channel as channel.json holds it (directory_layout.h),
 *                 domain "kernel", xen_domid the guest's own domid
 *   control-ref   grant ref of the control page (below), dom0-writable
 *   event-channel an unbound port for dom0 (remote domain 0): the guest
 *                 notifies it when a sub-buffer closed and after each
 *                 request; dom0 notifies it after writing a request
 *   cpus          the vCPUs with a buffer, decimal, space-separated
 *   cpu/<N>/pages the buffer's pages: ltt_dir_layout_for(geometry).file_size
 *                 / 4096, laid out as a cpu<N>.ltt file is
 *   cpu/<N>/refs  grant refs (decimal, space-separated, at most
 *                 LTT_GG_MAX_LIST_PAGES) of read-only pages that list the
 *                 buffer's page grant refs in page order, uint32_t each,
 *                 LTT_GG_REFS_PER_PAGE per page; the consumer page is
 *                 granted writable, every other page read-only
 *   state         "ready", then "closing" when the module unloads: dom0
 *                 drains and unmaps; the guest waits (bounded) for the
 *                 unmaps before ending foreign access
 */
#ifndef LTT_GUEST_GRANT_H
#define LTT_GUEST_GRANT_H

#include <ltt-env.h>

#define LTT_GG_XS_DIR "data/ltt" /* relative to the domain's home */
#define LTT_GG_XS_CHANNEL "channel"
#define LTT_GG_XS_CONTROL_REF "control-ref"
#define LTT_GG_XS_EVTCHN "event-channel"
#define LTT_GG_XS_CPUS "cpus"
#define LTT_GG_XS_CPU_DIR "cpu"
#define LTT_GG_XS_PAGES "pages"
#define LTT_GG_XS_REFS "refs"
#define LTT_GG_XS_STATE "state"
#define LTT_GG_STATE_READY "ready"
#define LTT_GG_STATE_CLOSING "closing"

#define LTT_GG_PAGE_SIZE 4096u
#define LTT_GG_REFS_PER_PAGE (LTT_GG_PAGE_SIZE / 4u)
#define LTT_GG_MAX_LIST_PAGES 16u /* 16384 pages: 64 MiB per vCPU */
#define LTT_GG_MAX_CPUS 128u
#define LTT_GG_MAGIC 0x4c54474bu /* "LTGK" */
#define LTT_GG_VERSION 1u

/* Requests (req_cmd bits), carried out in this order. */
#define LTT_GG_CMD_ENABLE (1u << 0)	  /* enable[] changed: apply it */
#define LTT_GG_CMD_SWITCH (1u << 1)	  /* close every current sub-buffer */
#define LTT_GG_CMD_SWITCH_EMPTY (1u << 2) /* ...even an empty one */
#define LTT_GG_CMD_STATEDUMP (1u << 3)
#define LTT_GG_CMD_ALL                                                     \
	(LTT_GG_CMD_ENABLE | LTT_GG_CMD_SWITCH | LTT_GG_CMD_SWITCH_EMPTY | \
	 LTT_GG_CMD_STATEDUMP)

/*
 * The control page: the one page dom0 writes. dom0 fills enable[] and
 * req_cmd, then bumps req_seq and notifies; the guest copies what it needs
 * (never trusting it twice), acts, writes flush_result[] and done_result,
 * then done_seq = req_seq, and notifies. A result is 1 (a packet closed),
 * 0 (nothing to close), -1 (no room for an empty packet), -2 (no buffer).
 */
struct ltt_gg_control {
	uint32_t magic;	     /* guest */
	uint32_t version;    /* guest */
	uint32_t nr_events;  /* guest: the channel's event count */
	uint32_t req_cmd;    /* dom0 */
	uint32_t req_seq;    /* dom0, written after req_cmd and enable[] */
	uint32_t done_seq;   /* guest, written after the results */
	int32_t done_result; /* guest: 0, or a negative errno */
	uint32_t reserved;
	int8_t flush_result[LTT_GG_MAX_CPUS]; /* guest, by vCPU */
	uint8_t enable[LTT_GG_PAGE_SIZE - 32 - LTT_GG_MAX_CPUS]; /* dom0 */
};

#define LTT_GG_MAX_EVENTS (LTT_GG_PAGE_SIZE - 32u - LTT_GG_MAX_CPUS)

#endif /* LTT_GUEST_GRANT_H */
