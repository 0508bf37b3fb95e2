// ltt/packet_reader.hpp - the native reader of ltt-xen stream files: walks
// the packets of one per-CPU stream (packet.h), validates every header
// against the file and the stream's history, and decodes event headers into
// (event id, full 64-bit TSC, payload).
//
// Every bad input is an ltt::format_error naming the file, the byte offset
// and the problem; nothing is read outside the given bytes.
#pragma once

#include <ltt/event_header.hpp>
#include <ltt/packet_header.hpp>
#include <ltt/payload_layout.hpp>
#include <ltt/uuid.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace ltt {

struct reader_options {
    // The trace's event header (metadata: compact when the channel has fewer
    // than 31 events, see header_kind_for()).
    event_header_kind header = event_header_kind::compact;
    // Payload sizes by event id (e.g. a payload_sizes). Required.
    payload_size_fn payload_size;
    // When set, every packet must carry this trace uuid; otherwise every
    // packet must carry the first packet's.
    std::optional<ltt::uuid> expected_uuid;
    // Time must not go backwards: within a packet events lie between
    // timestamp_begin and timestamp_end in order, and a packet does not
    // begin before the previous one ended.
    bool check_order = true;
};

struct packet_info {
    packet_header header;
    std::uint64_t offset = 0;       // of the packet in the file
    std::uint64_t content_end = 0;  // offset of the end of its content
    std::uint64_t packets_lost = 0; // packet_seq_num gap before this packet
};

struct event_record {
    std::uint32_t id = 0;
    std::uint64_t tsc = 0;            // full 64-bit TSC
    bool extended = false;            // written with the extended header
    std::uint64_t offset = 0;         // of the event header in the file
    std::uint64_t payload_offset = 0; // of the payload in the file
    std::span<const std::byte> payload;
};

class packet_reader {
public:
    // `data` is the whole stream file (it must outlive the reader), `name`
    // names it in errors. Throws std::invalid_argument without payload_size.
    packet_reader(std::span<const std::byte> data, std::string name, reader_options options);

    // Moves to the next packet, skipping what is left of the current one, and
    // validates its header. nullptr after the last packet.
    const packet_info* next_packet();

    // The next record of the current packet; nullopt after its last one (or
    // before the first next_packet()).
    // (Inline, with its errors out of line: the readers' per-event hot path.)
    std::optional<event_record> next_event() {
        if (!in_packet_ || pos_ >= current_.content_end)
            return std::nullopt;
        const std::uint64_t at = pos_;
        const std::uint64_t left = current_.content_end - at;
        event_header eh;
        if (!decode_event_header(data_.subspan(at, left), options_.header, eh))
            fail_header(at, left);
        const std::uint64_t tsc =
            eh.extended ? eh.timestamp
                        : rebuild_tsc(prev_tsc_, eh.timestamp, timestamp_bits(options_.header));
        if (options_.check_order && (tsc < prev_tsc_ || tsc > current_.header.timestamp_end))
            fail_order(at, tsc);
        const std::uint64_t payload_at = at + eh.size;
        const auto available = data_.subspan(payload_at, current_.content_end - payload_at);
        std::size_t size = 0;
        if (sizes_ == nullptr || !sizes_->fixed(eh.id, size))
            size = payload_size(eh.id, payload_at, available);
        if (size > available.size())
            fail_payload(eh.id, payload_at, size, available.size());
        pos_ = payload_at + size;
        prev_tsc_ = tsc;
        return event_record{eh.id, tsc, eh.extended, at, payload_at, available.first(size)};
    }

    // Packets missing according to packet_seq_num, so far.
    std::uint64_t packets_lost() const noexcept { return packets_lost_; }
    const std::string& name() const noexcept { return name_; }

private:
    [[noreturn]] void fail(std::uint64_t offset, const std::string& problem) const;
    [[noreturn]] void fail_header(std::uint64_t at, std::uint64_t left) const;
    [[noreturn]] void fail_order(std::uint64_t at, std::uint64_t tsc) const;
    [[noreturn]] void fail_payload(std::uint32_t id, std::uint64_t payload_at, std::size_t size,
                                   std::size_t available) const;
    // The payload's size through options_.payload_size (its errors as
    // format errors at payload_at).
    std::size_t payload_size(std::uint32_t id, std::uint64_t payload_at,
                             std::span<const std::byte> available) const;

    std::span<const std::byte> data_;
    std::string name_;
    reader_options options_;
    // options_.payload_size's payload_sizes, when it is one: the fixed sizes
    // are read from it directly, not through the std::function, per event.
    const payload_sizes* sizes_ = nullptr;

    std::uint64_t pos_ = 0;         // next byte to decode
    std::uint64_t next_packet_ = 0; // offset of the next packet
    bool in_packet_ = false;
    packet_info current_{};
    std::uint64_t prev_tsc_ = 0;

    bool have_previous_ = false; // a packet was read before the current one
    packet_header previous_{};
    std::uint64_t packets_lost_ = 0;
};

} // namespace ltt
