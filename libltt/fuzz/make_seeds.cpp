// Writes the packet reader fuzzer's seed corpus: small valid stream files
// (compact and large headers, extended escapes, strings, several packets,
// a sequence gap) made with packet_builder, into the directory given.
#include <ltt/packet_builder.hpp>
#include <ltt/payload_writer.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

void write(const std::filesystem::path& path, const std::vector<std::byte>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
}

std::vector<std::byte> stream(ltt::event_header_kind kind, int packets, std::uint64_t gap) {
    std::vector<std::byte> out;
    ltt::packet_header h;
    h.uuid = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    h.cpu_id = 3;
    h.stream_instance_id = 3;
    std::uint64_t tsc = 0x7ff'ffff0;
    for (int p = 0; p < packets; ++p) {
        h.timestamp_begin = tsc;
        h.packet_seq_num = static_cast<std::uint64_t>(p) * (1 + gap);
        h.events_discarded = static_cast<std::uint64_t>(p) * 2;
        ltt::packet_builder b(kind, h);
        b.add_event(0, tsc, {});
        b.add_event(1, tsc += 3, ltt::payload_writer{}.put(std::uint32_t{0xabcdef}).bytes());
        b.add_event(2, tsc += 0x10, // crosses 2^27: extended in compact
                    ltt::payload_writer{}.put(std::int64_t{-1}).put_string("dom0").bytes());
        b.add_event(
            3, tsc += 0x100000000, // extended in both
            ltt::payload_writer{}.put_string("").put(std::uint16_t{7}).put_string("x").bytes());
        b.add_event(4, tsc += 1, std::vector<std::byte>(16, std::byte{0x5a}));
        if (kind == ltt::event_header_kind::large)
            b.add_event(40, tsc += 2, ltt::payload_writer{}.put(std::uint8_t{9}).bytes());
        const auto packet = b.finish(tsc += 5);
        out.insert(out.end(), packet.begin(), packet.end());
        tsc += 7;
    }
    return out;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s SEED_DIR\n", argv[0]);
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    std::filesystem::create_directories(dir);
    write(dir / "compact-1", stream(ltt::event_header_kind::compact, 1, 0));
    write(dir / "compact-3", stream(ltt::event_header_kind::compact, 3, 0));
    write(dir / "large-2-gap", stream(ltt::event_header_kind::large, 2, 4));
    ltt::packet_header empty;
    empty.timestamp_begin = 5;
    write(dir / "empty-packet",
          ltt::packet_builder(ltt::event_header_kind::compact, empty).finish(5));
    return 0;
}
