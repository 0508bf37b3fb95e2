// SPDX-License-Identifier: GPL-2.0-only
/*
 * channel.c - the channel's description, the text of channel.json
 * (include/ltt/directory_layout.h, ltt-daemon/README.md): what every
 * backend hands lttd before any buffer (a file in dom0, a xenstore value in
 * a domU).
 */
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "ltt-guest.h"

u32 ltt_guest_domid; /* set by the grant backend from xenstore */

int ltt_channel_json(char *buf, size_t len)
{
	static const char *const comma[] = {"", ", "};
	size_t n = 0;
	int i = 0;

#define LTT_PUT(...)                                           \
	do {                                                   \
		n += scnprintf(buf + n, len - n, __VA_ARGS__); \
	} while (0)
	LTT_PUT("{\"format\": \"ltt-xen-channel\", \"version\": 1, ");
	LTT_PUT("\"name\": \"kernel\", \"domain\": \"kernel\", ");
	LTT_PUT("\"xen_domid\": %u, \"pid\": %d, ", ltt_guest_domid,
		task_tgid_nr(current));
	LTT_PUT("\"tsc_hz\": %llu, \"uuid\": \"%pUb\", ", ltt_guest_tsc_hz,
		ltt_guest_uuid);
	LTT_PUT("\"mode\": \"%s\", \"header\": \"%s\", ",
		ltt_guest_geom.mode == LTT_MODE_OVERWRITE ? "overwrite"
							  : "discard",
		LTT_HEADER_TYPE == LTT_HDR_COMPACT ? "compact" : "large");
	LTT_PUT("\"subbuf_order\": %u, \"subbuf_count\": %u, ",
		ltt_guest_geom.subbuf_order,
		1u << ltt_guest_geom.nr_subbufs_order);
	LTT_PUT("\"facilities\": [");
#define LTT_FACILITY_JSON(name, checksum, base, events)                    \
	LTT_PUT("%s{\"name\": \"%s\", \"layer\": \"kernel\", "             \
		"\"checksum\": \"0x%08x\", \"base\": %u, \"events\": %u}", \
		comma[i++ > 0], #name, (unsigned int)(checksum),           \
		(unsigned int)(base), (unsigned int)(events));
	LTT_FOR_EACH_FACILITY(LTT_FACILITY_JSON)
#undef LTT_FACILITY_JSON
	LTT_PUT("]}\n");
#undef LTT_PUT
	return n + 1 < len ? (int)n : -ENOSPC;
}

/*
 * The text in a new kmalloc()ed buffer of one page (a xenstore value's
 * limit too), its length in *len; an ERR_PTR on failure.
 */
char *ltt_channel_json_alloc(int *len)
{
	const size_t size = 4096;
	char *text = kmalloc(size, GFP_KERNEL);
	int n;

	if (!text)
		return ERR_PTR(-ENOMEM);
	n = ltt_channel_json(text, size);
	if (n < 0) {
		kfree(text);
		return ERR_PTR(n);
	}
	*len = n;
	return text;
}
