#include <ltt/packet_builder.hpp>

namespace ltt {

packet_builder::packet_builder(event_header_kind kind, const packet_header& header)
    : kind_(kind), header_(header), bytes_(packet_header_size), prev_tsc_(header.timestamp_begin) {}

bool packet_builder::add_event(std::uint32_t id, std::uint64_t tsc,
                               std::span<const std::byte> payload) {
    const bool extended = append_event_header(bytes_, kind_, id, tsc, prev_tsc_);
    bytes_.insert(bytes_.end(), payload.begin(), payload.end());
    prev_tsc_ = tsc;
    ++records_;
    return extended;
}

std::vector<std::byte> packet_builder::finish(std::uint64_t timestamp_end) {
    const std::uint64_t content_bytes = bytes_.size();
    bytes_.resize((content_bytes + 7) / 8 * 8, std::byte{0});
    header_.timestamp_end = timestamp_end;
    header_.content_size = content_bytes * 8;
    header_.packet_size = bytes_.size() * 8;
    encode_packet_header(
        header_, std::span<std::byte, packet_header_size>(bytes_.data(), packet_header_size));
    std::vector<std::byte> out = std::move(bytes_);
    bytes_.assign(packet_header_size, std::byte{0});
    prev_tsc_ = header_.timestamp_begin;
    records_ = 0;
    return out;
}

} // namespace ltt
