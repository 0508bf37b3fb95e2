#include <ltt/le_bytes.hpp>
#include <ltt/packet_header.hpp>

#include <ltt/packet.h>

#include <algorithm>

namespace ltt {

static_assert(packet_header_size == LTT_PKT_HEADER_SIZE);
static_assert(ctf_magic == LTT_CTF_MAGIC);

packet_header decode_packet_header(std::span<const std::byte, packet_header_size> b) noexcept {
    const std::byte* p = b.data();
    packet_header h;
    h.magic = load_le<std::uint32_t>(p + LTT_PKT_OFF_MAGIC);
    std::transform(p + LTT_PKT_OFF_UUID, p + LTT_PKT_OFF_UUID + LTT_UUID_LEN, h.uuid.begin(),
                   [](std::byte x) { return std::to_integer<std::uint8_t>(x); });
    h.stream_id = load_le<std::uint32_t>(p + LTT_PKT_OFF_STREAM_ID);
    h.stream_instance_id = load_le<std::uint64_t>(p + LTT_PKT_OFF_STREAM_INSTANCE_ID);
    h.timestamp_begin = load_le<std::uint64_t>(p + LTT_PKT_OFF_TIMESTAMP_BEGIN);
    h.timestamp_end = load_le<std::uint64_t>(p + LTT_PKT_OFF_TIMESTAMP_END);
    h.content_size = load_le<std::uint64_t>(p + LTT_PKT_OFF_CONTENT_SIZE);
    h.packet_size = load_le<std::uint64_t>(p + LTT_PKT_OFF_PACKET_SIZE);
    h.packet_seq_num = load_le<std::uint64_t>(p + LTT_PKT_OFF_PACKET_SEQ_NUM);
    h.events_discarded = load_le<std::uint64_t>(p + LTT_PKT_OFF_EVENTS_DISCARDED);
    h.cpu_id = load_le<std::uint32_t>(p + LTT_PKT_OFF_CPU_ID);
    return h;
}

void encode_packet_header(const packet_header& h,
                          std::span<std::byte, packet_header_size> b) noexcept {
    std::byte* p = b.data();
    store_le<std::uint32_t>(p + LTT_PKT_OFF_MAGIC, h.magic);
    std::transform(h.uuid.begin(), h.uuid.end(), p + LTT_PKT_OFF_UUID,
                   [](std::uint8_t x) { return static_cast<std::byte>(x); });
    store_le<std::uint32_t>(p + LTT_PKT_OFF_STREAM_ID, h.stream_id);
    store_le<std::uint64_t>(p + LTT_PKT_OFF_STREAM_INSTANCE_ID, h.stream_instance_id);
    store_le<std::uint64_t>(p + LTT_PKT_OFF_TIMESTAMP_BEGIN, h.timestamp_begin);
    store_le<std::uint64_t>(p + LTT_PKT_OFF_TIMESTAMP_END, h.timestamp_end);
    store_le<std::uint64_t>(p + LTT_PKT_OFF_CONTENT_SIZE, h.content_size);
    store_le<std::uint64_t>(p + LTT_PKT_OFF_PACKET_SIZE, h.packet_size);
    store_le<std::uint64_t>(p + LTT_PKT_OFF_PACKET_SEQ_NUM, h.packet_seq_num);
    store_le<std::uint64_t>(p + LTT_PKT_OFF_EVENTS_DISCARDED, h.events_discarded);
    store_le<std::uint32_t>(p + LTT_PKT_OFF_CPU_ID, h.cpu_id);
}

} // namespace ltt
