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

} // namespace ltt
