#include <ltt/event_header.hpp>
#include <ltt/le_bytes.hpp>

// The encoding itself is include/ltt/event_header.h, the code every writer
// (Xen, the guest module, user space) runs: libltt's test packets and
// fuzz seeds use the same definition, so they cannot drift from it.
#include <ltt/event_header.h>
#include <ltt/packet.h>

namespace ltt {

std::string_view to_string(event_header_kind kind) noexcept {
    return kind == event_header_kind::compact ? "compact" : "large";
}

event_header_kind header_kind_for(std::uint64_t event_count) noexcept {
    return event_count < LTT_COMPACT_MAX_EVENTS ? event_header_kind::compact
                                                : event_header_kind::large;
}

namespace {

std::uint32_t c_kind(event_header_kind kind) noexcept {
    return kind == event_header_kind::compact ? LTT_HDR_COMPACT : LTT_HDR_LARGE;
}

} // namespace

std::size_t header_size(event_header_kind kind, bool extended) noexcept {
    return ltt_hdr_size(c_kind(kind), extended ? 1 : 0);
}

unsigned timestamp_bits(event_header_kind kind) noexcept {
    return kind == event_header_kind::compact ? LTT_COMPACT_TS_BITS : LTT_LARGE_TS_BITS;
}

bool needs_extended(event_header_kind kind, std::uint32_t id, std::uint64_t tsc,
                    std::uint64_t prev_tsc) noexcept {
    return ltt_hdr_needs_extended(c_kind(kind), id, tsc, prev_tsc) != 0;
}

bool append_event_header(std::vector<std::byte>& out, event_header_kind kind, std::uint32_t id,
                         std::uint64_t tsc, std::uint64_t prev_tsc) {
    const bool extended = needs_extended(kind, id, tsc, prev_tsc);
    const std::size_t at = out.size();
    out.resize(at + header_size(kind, extended));
    ltt_hdr_write(reinterpret_cast<std::uint8_t*>(out.data() + at), c_kind(kind), extended ? 1 : 0,
                  id, tsc);
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
