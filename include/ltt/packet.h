/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * ltt/packet.h - the CTF packet layout every ltt-xen sub-buffer carries in
 * place (DESIGN.md section 3). A sub-buffer IS a CTF packet: the writer lays
 * out this header and context, so lttd writes sub-buffers to disk unchanged.
 *
 * All integers are little-endian and byte-aligned (the metadata declares
 * align = 8 bits), so the layout below has no padding:
 *
 *   off size  field
 *     0    4  magic               0xC1FC1FC1
 *     4   16  uuid                trace uuid (set by the consumer at setup)
 *    20    4  stream_id           0 (one stream class per trace)
 *    24    8  stream_instance_id  the CPU number
 *    32    8  timestamp_begin     TSC of the packet's first record
 *    40    8  timestamp_end       TSC when the packet was closed
 *    48    8  content_size        bits of header + records
 *    56    8  packet_size         bits; = content_size rounded up to 64 bits,
 *                                 so a packet on disk carries no sub-buffer
 *                                 padding
 *    64    8  packet_seq_num      sub-buffers opened on this CPU before it
 *    72    8  events_discarded    records lost on this CPU since the trace
 *                                 started, counted when the packet closed
 *    80    4  cpu_id
 *    84       first event record
 */
#ifndef LTT_PACKET_H
#define LTT_PACKET_H

#define LTT_CTF_MAGIC 0xC1FC1FC1u
#define LTT_UUID_LEN 16

#define LTT_PKT_OFF_MAGIC 0
#define LTT_PKT_OFF_UUID 4
#define LTT_PKT_OFF_STREAM_ID 20
#define LTT_PKT_OFF_STREAM_INSTANCE_ID 24
#define LTT_PKT_OFF_TIMESTAMP_BEGIN 32
#define LTT_PKT_OFF_TIMESTAMP_END 40
#define LTT_PKT_OFF_CONTENT_SIZE 48
#define LTT_PKT_OFF_PACKET_SIZE 56
#define LTT_PKT_OFF_PACKET_SEQ_NUM 64
#define LTT_PKT_OFF_EVENTS_DISCARDED 72
#define LTT_PKT_OFF_CPU_ID 80
#define LTT_PKT_HEADER_SIZE 84

/*
 * Event headers (LTTng's, byte aligned):
 *
 * compact (channels with fewer than 31 events), 4 bytes:
 *   bits 0-4 id (31 = extended), bits 5-31 low 27 bits of the TSC
 * large (otherwise), 6 bytes:
 *   u16 id (65535 = extended), u32 low 32 bits of the TSC
 * extended escape: the escape id, then, starting at the next byte (the
 * extended struct is byte aligned like every integer here), u32 id and u64
 * full TSC:
 *   compact: byte 0 = 31 (low 5 bits), u32 id, u64 TSC   = 13 bytes
 *   large:   u16 65535, u32 id, u64 TSC                  = 14 bytes
 *
 * The extended form is used whenever the TSC's bits above the truncated
 * width differ from those of the stream's previous record (or the packet's
 * timestamp_begin), so a reader can always rebuild the full TSC, and
 * whenever the id does not fit.
 */
#define LTT_HDR_COMPACT 0
#define LTT_HDR_LARGE 1

#define LTT_COMPACT_ID_BITS 5
#define LTT_COMPACT_TS_BITS 27
#define LTT_COMPACT_ESCAPE 31u
#define LTT_COMPACT_SIZE 4
#define LTT_LARGE_TS_BITS 32
#define LTT_LARGE_ESCAPE 65535u
#define LTT_LARGE_SIZE 6
#define LTT_COMPACT_EXT_SIZE 13
#define LTT_LARGE_EXT_SIZE 14

/* Channels with fewer than this many event ids use the compact header. */
#define LTT_COMPACT_MAX_EVENTS 31

#endif /* LTT_PACKET_H */
