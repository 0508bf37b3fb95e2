// ltt/event_header.hpp - LTTng's compact and large event headers with the
// extended escape, as include/ltt/packet.h lays them out, and the rebuilding
// of full TSC values from their truncated form.
#pragma once

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
unsigned timestamp_bits(event_header_kind kind) noexcept;

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
std::uint64_t rebuild_tsc(std::uint64_t prev_tsc, std::uint64_t truncated, unsigned bits) noexcept;

// A decoded event header.
struct event_header {
    std::uint32_t id = 0;
    std::uint64_t timestamp = 0; // truncated unless extended
    bool extended = false;
    std::size_t size = 0; // bytes of the header
};

// Decodes the header at the start of `bytes`; false when `bytes` is too
// short for it (nothing is read beyond bytes.size()).
bool decode_event_header(std::span<const std::byte> bytes, event_header_kind kind,
                         event_header& out) noexcept;

} // namespace ltt
