// ltt/packet_builder.hpp - assembles a packet in memory exactly as a
// sub-buffer carries it (packet.h): header and context, event records with
// compact or large headers (extended whenever packet.h requires it), sizes
// filled in at the end. Used by tests, fuzz seeds and hand-assembled traces;
// the real writers are include/ltt/ring.h's.
#pragma once

#include <ltt/event_header.hpp>
#include <ltt/packet_header.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ltt {

class packet_builder {
public:
    // `header` gives uuid, stream_instance_id, cpu_id, packet_seq_num,
    // events_discarded and timestamp_begin; the sizes and timestamp_end are
    // set by finish().
    packet_builder(event_header_kind kind, const packet_header& header);

    // Appends a record. Returns true when it needed the extended header.
    bool add_event(std::uint32_t id, std::uint64_t tsc, std::span<const std::byte> payload);

    // Closes the packet: content_size = the bytes so far, packet_size =
    // content_size rounded up to 64 bits (zero padding). Returns the packet.
    std::vector<std::byte> finish(std::uint64_t timestamp_end);

    std::size_t records() const noexcept { return records_; }
    std::uint64_t last_tsc() const noexcept { return prev_tsc_; }

private:
    event_header_kind kind_;
    packet_header header_;
    std::vector<std::byte> bytes_;
    std::uint64_t prev_tsc_;
    std::size_t records_ = 0;
};

} // namespace ltt
