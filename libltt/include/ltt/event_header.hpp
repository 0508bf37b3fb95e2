// ltt/event_header.hpp - LTTng's compact and large event headers with the
// extended escape, as include/ltt/packet.h lays them out, and the rebuilding
// of full TSC values from their truncated form.
#pragma once

#include <ltt/le_bytes.hpp>
#include <ltt/packet.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ltt {

enum class event_header_kind { compact, large };

std::string_view to_string(event_header_kind kind) noexcept;

// The header a channel with `event_count` event ids uses (packet.h: compact
// when fewer than LTT_COMPACT_MAX_EVENTS).
event_header_kind header_kind_for(std::uint64_t event_count) noexcept;

// Bytes of the short form / of the extended form.
std::size_t header_size(event_header_kind kind, bool extended) noexcept;

// Number of TSC bits the short form carries (27 or 32).
inline unsigned timestamp_bits(event_header_kind kind) noexcept {
    return kind == event_header_kind::compact ? LTT_COMPACT_TS_BITS : LTT_LARGE_TS_BITS;
}

// True when a record with this id and TSC, following a record (or packet
// start) at prev_tsc, must use the extended form: the id does not fit, or
// the TSC's bits above the truncated width differ from prev_tsc's.
bool needs_extended(event_header_kind kind, std::uint32_t id, std::uint64_t tsc,
                    std::uint64_t prev_tsc) noexcept;

// Appends the header for (id, tsc) to `out`, choosing the extended form when
// needs_extended() says so. Returns true when it did.
bool append_event_header(std::vector<std::byte>& out, event_header_kind kind, std::uint32_t id,
                         std::uint64_t tsc, std::uint64_t prev_tsc);

// Full TSC from a truncated one, as CTF readers rebuild it: the bits above
// the width come from prev_tsc, plus one wrap when the truncated value is
// below prev_tsc's.
inline std::uint64_t rebuild_tsc(std::uint64_t prev_tsc, std::uint64_t truncated,
                                 unsigned bits) noexcept {
    const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
    std::uint64_t tsc = (prev_tsc & ~mask) | (truncated & mask);
    if ((truncated & mask) < (prev_tsc & mask))
        tsc += mask + 1;
    return tsc;
}

// A decoded event header.
struct event_header {
    std::uint32_t id = 0;
    std::uint64_t timestamp = 0; // truncated unless extended
    bool extended = false;
    std::size_t size = 0; // bytes of the header
};

// Decodes the header at the start of `bytes`; false when `bytes` is too
// short for it (nothing is read beyond bytes.size()).
// (Inline: the readers' per-event hot path.)
inline bool decode_event_header(std::span<const std::byte> bytes, event_header_kind kind,
                                event_header& out) noexcept {
    const std::byte* p = bytes.data();
    if (kind == event_header_kind::compact) {
        if (bytes.empty())
            return false;
        const unsigned first = std::to_integer<unsigned>(p[0]) & ((1u << LTT_COMPACT_ID_BITS) - 1);
        if (first == LTT_COMPACT_ESCAPE) {
            if (bytes.size() < LTT_COMPACT_EXT_SIZE)
                return false;
            out = {load_le<std::uint32_t>(p + 1), load_le<std::uint64_t>(p + 5), true,
                   LTT_COMPACT_EXT_SIZE};
        } else {
            if (bytes.size() < LTT_COMPACT_SIZE)
                return false;
            const std::uint32_t w = load_le<std::uint32_t>(p);
            out = {first, w >> LTT_COMPACT_ID_BITS, false, LTT_COMPACT_SIZE};
        }
        return true;
    }
    if (bytes.size() < 2)
        return false;
    const std::uint16_t first = load_le<std::uint16_t>(p);
    if (first == LTT_LARGE_ESCAPE) {
        if (bytes.size() < LTT_LARGE_EXT_SIZE)
            return false;
        out = {load_le<std::uint32_t>(p + 2), load_le<std::uint64_t>(p + 6), true,
               LTT_LARGE_EXT_SIZE};
    } else {
        if (bytes.size() < LTT_LARGE_SIZE)
            return false;
        out = {first, load_le<std::uint32_t>(p + 2), false, LTT_LARGE_SIZE};
    }
    return true;
}

} // namespace ltt
