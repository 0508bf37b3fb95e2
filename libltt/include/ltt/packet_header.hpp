// ltt/packet_header.hpp - the packet header and context every sub-buffer
// carries in place (include/ltt/packet.h), as a C++ value.
#pragma once

#include <ltt/uuid.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace ltt {

// Bytes of header + context before the first event record.
inline constexpr std::size_t packet_header_size = 84;
inline constexpr std::uint32_t ctf_magic = 0xC1FC1FC1u;

struct packet_header {
    std::uint32_t magic = ctf_magic;
    ltt::uuid uuid{};
    std::uint32_t stream_id = 0;
    std::uint64_t stream_instance_id = 0;
    std::uint64_t timestamp_begin = 0;
    std::uint64_t timestamp_end = 0;
    std::uint64_t content_size = 0; // bits
    std::uint64_t packet_size = 0;  // bits
    std::uint64_t packet_seq_num = 0;
    std::uint64_t events_discarded = 0; // cumulative since the trace started
    std::uint32_t cpu_id = 0;
};

// Field by field, no validation.
packet_header decode_packet_header(std::span<const std::byte, packet_header_size> bytes) noexcept;
void encode_packet_header(const packet_header& h,
                          std::span<std::byte, packet_header_size> bytes) noexcept;

} // namespace ltt
