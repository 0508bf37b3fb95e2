// libFuzzer target: any bytes given to the packet reader as a stream file
// must either decode or give an ltt::format_error - never crash, hang, read
// out of bounds or throw anything else. Run bounded by `make check`
// (libltt.packet_reader_fuzz); run longer by hand with
//   build/libltt/fuzz/packet_reader_fuzz -max_total_time=600 CORPUS_DIR
#include <ltt/errors.hpp>
#include <ltt/packet_reader.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

namespace {

// Payload layouts of a made-up channel: empty, fixed, strings, and one id
// whose size function claims an absurd size.
std::size_t payload_size(std::uint32_t id, std::span<const std::byte> available) {
    static const ltt::payload_sizes sizes = [] {
        ltt::payload_sizes s;
        s.set(0, ltt::payload_layout{});
        s.set(1, ltt::payload_layout{}.fixed(4));
        s.set(2, ltt::payload_layout{}.fixed(8).string());
        s.set(3, ltt::payload_layout{}.string().fixed(2).string());
        s.set(4, ltt::payload_layout{}.fixed(16));
        s.set(40, ltt::payload_layout{}.fixed(1));
        return s;
    }();
    if (id == 5)
        return std::numeric_limits<std::size_t>::max() - 3;
    return sizes(id, available);
}

void read_all(std::span<const std::byte> bytes, ltt::event_header_kind kind, bool check_order) {
    ltt::reader_options options;
    options.header = kind;
    options.payload_size = payload_size;
    options.check_order = check_order;
    ltt::packet_reader reader(bytes, "fuzz-input", options);
    try {
        while (const auto* p = reader.next_packet()) {
            (void)p;
            while (const auto e = reader.next_event()) {
                // Touch every payload byte so ASan checks the span.
                unsigned sum = 0;
                for (std::byte b : e->payload)
                    sum += std::to_integer<unsigned>(b);
                (void)sum;
            }
        }
    } catch (const ltt::format_error&) {
        // expected for bad input
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
    for (auto kind : {ltt::event_header_kind::compact, ltt::event_header_kind::large})
        for (bool check_order : {true, false})
            read_all(bytes, kind, check_order);
    return 0;
}
