/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * ltt/event_header.h - size and encoding of the per-record event header
 * (compact, large, extended escape; layouts in ltt/packet.h).
 *
 * The rule for the extended escape: a reader rebuilds a full TSC from the
 * truncated one using the previous record's TSC (or the packet's
 * timestamp_begin), assuming at most one wrap of the truncated bits. We use
 * the extended form whenever the bits above the truncated width differ
 * between `ref` and `tsc`. `ref` is never newer than the previous record's
 * TSC, so equal upper bits with ref imply equal upper bits with the previous
 * record, and the reader's reconstruction is exact.
 */
#ifndef LTT_EVENT_HEADER_H
#define LTT_EVENT_HEADER_H

#include <ltt-env.h>
#include <ltt/compiler.h>
#include <ltt/packet.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ltt-xen writes little-endian traces and only supports LE hosts"
#endif

static inline int ltt_hdr_needs_extended(uint32_t header_type, uint32_t id,
					 uint64_t tsc, uint64_t ref)
{
	if (header_type == LTT_HDR_COMPACT)
		return id >= LTT_COMPACT_ESCAPE ||
		       ((tsc ^ ref) >> LTT_COMPACT_TS_BITS) != 0;
	return id >= LTT_LARGE_ESCAPE ||
	       ((tsc ^ ref) >> LTT_LARGE_TS_BITS) != 0;
}

static inline uint32_t ltt_hdr_size(uint32_t header_type, int extended)
{
	if (header_type == LTT_HDR_COMPACT)
		return extended ? LTT_COMPACT_EXT_SIZE : LTT_COMPACT_SIZE;
	return extended ? LTT_LARGE_EXT_SIZE : LTT_LARGE_SIZE;
}

/* Writes the header at p; returns its size. */
static inline uint32_t ltt_hdr_write(uint8_t *p, uint32_t header_type,
				     int extended, uint32_t id, uint64_t tsc)
{
	if (header_type == LTT_HDR_COMPACT) {
		if (!extended) {
			uint32_t v = (id & 0x1fu) |
				     ((uint32_t)tsc << LTT_COMPACT_ID_BITS);

			ltt_env_memcpy(p, &v, 4);
			return LTT_COMPACT_SIZE;
		}
		p[0] = (uint8_t)LTT_COMPACT_ESCAPE;
		ltt_env_memcpy(p + 1, &id, 4);
		ltt_env_memcpy(p + 5, &tsc, 8);
		return LTT_COMPACT_EXT_SIZE;
	}
	if (!extended) {
		uint16_t id16 = (uint16_t)id;
		uint32_t ts32 = (uint32_t)tsc;

		ltt_env_memcpy(p, &id16, 2);
		ltt_env_memcpy(p + 2, &ts32, 4);
		return LTT_LARGE_SIZE;
	}
	{
		uint16_t esc = (uint16_t)LTT_LARGE_ESCAPE;

		ltt_env_memcpy(p, &esc, 2);
		ltt_env_memcpy(p + 2, &id, 4);
		ltt_env_memcpy(p + 6, &tsc, 8);
	}
	return LTT_LARGE_EXT_SIZE;
}

#endif /* LTT_EVENT_HEADER_H */
