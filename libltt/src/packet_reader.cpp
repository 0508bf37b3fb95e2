#include <ltt/errors.hpp>
#include <ltt/packet_reader.hpp>

#include <fmt/format.h>

#include <stdexcept>

namespace ltt {

packet_reader::packet_reader(std::span<const std::byte> data, std::string name,
                             reader_options options)
    : data_(data), name_(std::move(name)), options_(std::move(options)) {
    if (!options_.payload_size)
        throw std::invalid_argument("packet_reader needs a payload size function");
    sizes_ = options_.payload_size.target<payload_sizes>();
}

void packet_reader::fail(std::uint64_t offset, const std::string& problem) const {
    throw format_error(name_, offset, problem);
}

const packet_info* packet_reader::next_packet() {
    if (in_packet_) {
        previous_ = current_.header;
        have_previous_ = true;
        in_packet_ = false;
    }
    pos_ = next_packet_;
    const std::uint64_t at = pos_;
    const std::uint64_t left = data_.size() - at;
    if (left == 0)
        return nullptr;
    if (left < packet_header_size)
        fail(at, fmt::format("truncated packet: {} bytes left, a packet header needs {}", left,
                             packet_header_size));

    const packet_header h = decode_packet_header(
        std::span<const std::byte, packet_header_size>(data_.data() + at, packet_header_size));
    if (h.magic != ctf_magic)
        fail(at, fmt::format("bad magic 0x{:08x} (expected 0x{:08x}): not an ltt-xen packet",
                             h.magic, ctf_magic));
    const ltt::uuid& want_uuid = options_.expected_uuid
                                     ? *options_.expected_uuid
                                     : (have_previous_ ? previous_.uuid : h.uuid);
    if (h.uuid != want_uuid)
        fail(at + 4, fmt::format("packet uuid {} differs from the trace's {}",
                                 uuid_to_string(h.uuid), uuid_to_string(want_uuid)));
    if (h.stream_id != 0)
        fail(at + 20, fmt::format("stream_id {} (ltt-xen traces have stream 0 only)", h.stream_id));
    if (h.packet_size % 8 != 0 || h.content_size % 8 != 0)
        fail(at + 48, fmt::format("content_size {} or packet_size {} bits is not whole bytes",
                                  h.content_size, h.packet_size));
    const std::uint64_t packet_bytes = h.packet_size / 8;
    const std::uint64_t content_bytes = h.content_size / 8;
    if (packet_bytes > left)
        fail(at + 56, fmt::format("packet_size {} bits ({} bytes) runs past the end of the file "
                                  "({} bytes left)",
                                  h.packet_size, packet_bytes, left));
    if (content_bytes < packet_header_size)
        fail(at + 48, fmt::format("content_size {} bits is smaller than the packet header ({} "
                                  "bytes)",
                                  h.content_size, packet_header_size));
    if (content_bytes > packet_bytes)
        fail(at + 48, fmt::format("content_size {} bits is larger than packet_size {} bits",
                                  h.content_size, h.packet_size));
    if (h.stream_instance_id != h.cpu_id)
        fail(at + 24, fmt::format("stream_instance_id {} differs from cpu_id {}",
                                  h.stream_instance_id, h.cpu_id));
    if (options_.check_order && h.timestamp_end < h.timestamp_begin)
        fail(at + 40, fmt::format("timestamp_end {} is before timestamp_begin {}", h.timestamp_end,
                                  h.timestamp_begin));

    std::uint64_t lost = 0;
    if (have_previous_) {
        if (h.cpu_id != previous_.cpu_id)
            fail(at + 80,
                 fmt::format("cpu_id {} in a stream of cpu {}", h.cpu_id, previous_.cpu_id));
        if (h.packet_seq_num <= previous_.packet_seq_num)
            fail(at + 64, fmt::format("packet_seq_num {} does not follow the previous packet's {}",
                                      h.packet_seq_num, previous_.packet_seq_num));
        lost = h.packet_seq_num - previous_.packet_seq_num - 1;
        if (h.events_discarded < previous_.events_discarded)
            fail(at + 72, fmt::format("events_discarded {} is below the previous packet's {} (it "
                                      "counts since the trace started)",
                                      h.events_discarded, previous_.events_discarded));
        if (options_.check_order && h.timestamp_begin < previous_.timestamp_end)
            fail(at + 32, fmt::format("timestamp_begin {} is before the previous packet's "
                                      "timestamp_end {}",
                                      h.timestamp_begin, previous_.timestamp_end));
    }
    packets_lost_ += lost;
    current_ = {h, at, at + content_bytes, lost};
    in_packet_ = true;
    pos_ = at + packet_header_size;
    next_packet_ = at + packet_bytes;
    prev_tsc_ = h.timestamp_begin;
    return &current_;
}

void packet_reader::fail_header(std::uint64_t at, std::uint64_t left) const {
    fail(at, fmt::format("truncated {} event header: {} bytes left before the end of the "
                         "packet's content",
                         to_string(options_.header), left));
}

void packet_reader::fail_order(std::uint64_t at, std::uint64_t tsc) const {
    if (tsc < prev_tsc_)
        fail(at, fmt::format("event timestamp {} goes back before {} (the previous event or "
                             "the packet's timestamp_begin)",
                             tsc, prev_tsc_));
    fail(at, fmt::format("event timestamp {} is after the packet's timestamp_end {}", tsc,
                         current_.header.timestamp_end));
}

void packet_reader::fail_payload(std::uint32_t id, std::uint64_t payload_at, std::size_t size,
                                 std::size_t available) const {
    fail(payload_at, fmt::format("event id {}: payload of {} bytes runs past the end of the "
                                 "packet's content ({} bytes left)",
                                 id, size, available));
}

std::size_t packet_reader::payload_size(std::uint32_t id, std::uint64_t payload_at,
                                        std::span<const std::byte> available) const {
    try {
        return options_.payload_size(id, available);
    } catch (const payload_error& e) {
        fail(payload_at, fmt::format("event id {}: {}", id, e.what()));
    }
}

} // namespace ltt
