#include "metadata_check.hpp"

#include <ltt/errors.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <vector>

namespace ltt::viewer::bt2 {

namespace {

constexpr std::uint32_t metadata_magic = 0x75d11d57;
constexpr std::size_t header_size =
    37; // magic, uuid[16], checksum, content_size, packet_size, 5 u8
constexpr std::size_t content_size_at = 24;
constexpr std::size_t packet_size_at = 28;

std::uint32_t load_u32(const std::vector<char>& bytes, std::size_t at, bool swap) {
    std::uint32_t v;
    std::memcpy(&v, bytes.data() + at, sizeof v);
    return swap ? __builtin_bswap32(v) : v;
}

} // namespace

void check_metadata_framing(const std::filesystem::path& trace_dir) {
    const std::filesystem::path file = trace_dir / "metadata";
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return;
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    if (bytes.size() < 4)
        return;
    const std::uint32_t first = load_u32(bytes, 0, false);
    if (first != metadata_magic && first != __builtin_bswap32(metadata_magic))
        return; // text
    const bool swap = first != metadata_magic;
    const std::string name = file.string();
    std::size_t at = 0;
    while (at < bytes.size()) {
        const std::size_t left = bytes.size() - at;
        if (left < header_size)
            throw ltt::format_error(name, at,
                                    fmt::format("metadata packet header cut short ({} of {} "
                                                "bytes): the file is truncated",
                                                left, header_size));
        if (load_u32(bytes, at, swap) != metadata_magic)
            throw ltt::format_error(name, at,
                                    fmt::format("metadata packet magic {:#010x}, expected {:#010x}",
                                                load_u32(bytes, at, swap), metadata_magic));
        const std::uint64_t content = load_u32(bytes, at + content_size_at, swap) / 8u;
        const std::uint64_t packet = load_u32(bytes, at + packet_size_at, swap) / 8u;
        if (content < header_size || packet < content)
            throw ltt::format_error(
                name, at,
                fmt::format("metadata packet content size {} bytes, packet size {} bytes: "
                            "impossible (header {} bytes)",
                            content, packet, header_size));
        if (content > left)
            throw ltt::format_error(name, at,
                                    fmt::format("metadata packet of {} content bytes, but only {} "
                                                "bytes are left in the file: it is truncated",
                                                content, left));
        at += static_cast<std::size_t>(std::min<std::uint64_t>(packet, left));
    }
}

} // namespace ltt::viewer::bt2
