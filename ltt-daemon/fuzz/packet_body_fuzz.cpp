// libFuzzer target of the body check of guest packets: a domU writes every
// byte of its packets. Input: timestamp_begin (8 bytes LE), timestamp_end
// (8 bytes LE), then the events, wrapped in a packet header that is right
// (trace_output checks headers before the body check runs), for a channel of
// the kernel facilities in genevent's order, as a guest describes it. Any
// input is accepted or refused with "byte N: problem", N within the
// packet's content (its end included: a record cut there), never a crash
// or a read outside the packet (ASan).
#include "../tests/kernel_guest_channel.hpp"
#include "packet_body_check.hpp"

#include <ltt/packet_header.hpp>

#include <kernel/facilities.hpp>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const lttd::channel_info channel = lttd::testing::kernel_guest_channel();
    static lttd::packet_body_check check(channel);
    if (size < 16)
        return 0;
    ltt::packet_header h;
    h.uuid = channel.uuid;
    h.packet_seq_num = 1;
    std::memcpy(&h.timestamp_begin, data, 8);
    std::memcpy(&h.timestamp_end, data + 8, 8);
    const std::size_t body = size - 16;
    const std::size_t content = ltt::packet_header_size + body;
    const std::size_t padded = (content + 7) / 8 * 8;
    h.content_size = content * 8;
    h.packet_size = padded * 8;
    // Exactly the packet's bytes on the heap: ASan sees a read past it.
    std::vector<std::byte> packet(padded);
    ltt::encode_packet_header(
        h, std::span<std::byte, ltt::packet_header_size>(packet.data(), ltt::packet_header_size));
    std::memcpy(packet.data() + ltt::packet_header_size, data + 16, body);
    const auto why = check.check(packet);
    if (why) {
        std::uint64_t byte = 0;
        const char* first = why->data() + 5;
        const auto [end, ec] = std::from_chars(first, why->data() + why->size(), byte);
        if (!why->starts_with("byte ") || ec != std::errc{} || byte > content ||
            std::string_view(end).substr(0, 2) != ": ") {
            std::fprintf(stderr, "refused without a byte in the packet: %s\n", why->c_str());
            std::abort();
        }
    }
    return 0;
}
