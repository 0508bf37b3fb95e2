#include <ltt/event_header.hpp>
#include <ltt/le_bytes.hpp>

#include <ltt/packet.h>

namespace ltt {

std::string_view to_string(event_header_kind kind) noexcept {
    return kind == event_header_kind::compact ? "compact" : "large";
}

event_header_kind header_kind_for(std::uint64_t event_count) noexcept {
    return event_count < LTT_COMPACT_MAX_EVENTS ? event_header_kind::compact
                                                : event_header_kind::large;
}

std::size_t header_size(event_header_kind kind, bool extended) noexcept {
    if (kind == event_header_kind::compact)
        return extended ? LTT_COMPACT_EXT_SIZE : LTT_COMPACT_SIZE;
    return extended ? LTT_LARGE_EXT_SIZE : LTT_LARGE_SIZE;
}

unsigned timestamp_bits(event_header_kind kind) noexcept {
    return kind == event_header_kind::compact ? LTT_COMPACT_TS_BITS : LTT_LARGE_TS_BITS;
}

bool needs_extended(event_header_kind kind, std::uint32_t id, std::uint64_t tsc,
                    std::uint64_t prev_tsc) noexcept {
    const std::uint32_t escape =
        kind == event_header_kind::compact ? LTT_COMPACT_ESCAPE : LTT_LARGE_ESCAPE;
    const unsigned bits = timestamp_bits(kind);
    return id >= escape || (tsc >> bits) != (prev_tsc >> bits);
}

bool append_event_header(std::vector<std::byte>& out, event_header_kind kind, std::uint32_t id,
                         std::uint64_t tsc, std::uint64_t prev_tsc) {
    const bool extended = needs_extended(kind, id, tsc, prev_tsc);
    const std::size_t at = out.size();
    out.resize(at + header_size(kind, extended));
    std::byte* p = out.data() + at;
    if (kind == event_header_kind::compact) {
        if (extended) {
            p[0] = static_cast<std::byte>(LTT_COMPACT_ESCAPE);
            store_le<std::uint32_t>(p + 1, id);
            store_le<std::uint64_t>(p + 5, tsc);
        } else {
            const auto low = static_cast<std::uint32_t>(tsc & ((1u << LTT_COMPACT_TS_BITS) - 1));
            store_le<std::uint32_t>(p, id | low << LTT_COMPACT_ID_BITS);
        }
    } else {
        if (extended) {
            store_le<std::uint16_t>(p, static_cast<std::uint16_t>(LTT_LARGE_ESCAPE));
            store_le<std::uint32_t>(p + 2, id);
            store_le<std::uint64_t>(p + 6, tsc);
        } else {
            store_le<std::uint16_t>(p, static_cast<std::uint16_t>(id));
            store_le<std::uint32_t>(p + 2, static_cast<std::uint32_t>(tsc));
        }
    }
    return extended;
}

std::uint64_t rebuild_tsc(std::uint64_t prev_tsc, std::uint64_t truncated, unsigned bits) noexcept {
    const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
    std::uint64_t tsc = (prev_tsc & ~mask) | (truncated & mask);
    if ((truncated & mask) < (prev_tsc & mask))
        tsc += mask + 1;
    return tsc;
}

bool decode_event_header(std::span<const std::byte> bytes, event_header_kind kind,
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
