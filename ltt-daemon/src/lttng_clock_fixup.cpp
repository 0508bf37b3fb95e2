#include "lttng_clock_fixup.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>
#include <stdexcept>
#include <system_error>

namespace lttd {

namespace {

// CTF 1.8, section 7.1: the header of a metadata packet.
constexpr std::uint32_t metadata_magic = 0x75d11d57;
constexpr std::size_t metadata_header_bytes = 4 + 16 + 4 + 4 + 4 + 5;

std::uint32_t le32(std::string_view b, std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i)
        v |= static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + i])) << (8 * i);
    return v;
}

} // namespace

std::string metadata_text(std::string_view bytes, const std::string& label) {
    if (bytes.size() < 4 || le32(bytes, 0) != metadata_magic)
        return std::string(bytes);
    std::string text;
    std::size_t off = 0;
    while (off < bytes.size()) {
        if (bytes.size() - off < metadata_header_bytes)
            throw std::runtime_error(fmt::format("{}: offset {}: {} bytes left, less than a "
                                                 "metadata packet header",
                                                 label, off, bytes.size() - off));
        if (le32(bytes, off) != metadata_magic)
            throw std::runtime_error(
                fmt::format("{}: offset {}: no metadata packet magic", label, off));
        const std::uint32_t content_bits = le32(bytes, off + 24);
        const std::uint32_t packet_bits = le32(bytes, off + 28);
        const std::size_t content = content_bits / 8;
        const std::size_t packet = packet_bits / 8;
        if (content_bits % 8 || packet_bits % 8 || content < metadata_header_bytes ||
            packet < content || packet > bytes.size() - off)
            throw std::runtime_error(fmt::format("{}: offset {}: metadata packet of content_size "
                                                 "{} / packet_size {} bits in a file of {} bytes",
                                                 label, off, content_bits, packet_bits,
                                                 bytes.size()));
        if (bytes[off + 32] != 0 || bytes[off + 33] != 0)
            throw std::runtime_error(
                fmt::format("{}: offset {}: compressed or encrypted metadata", label, off));
        text.append(bytes.substr(off + metadata_header_bytes, content - metadata_header_bytes));
        off += packet;
    }
    return text;
}

std::optional<std::string> with_absolute_clock(std::string_view text, const ltt::uuid& clock_uuid,
                                               lttng_clock_fix& why) {
    // The clock block: `clock {` at the start of a line up to the first
    // `};` (its fields hold no nested braces).
    static const std::regex block_re(R"re((^|\n)clock\s*\{([^}]*)\};)re");
    static const std::regex name_re(R"re(\bname\s*=\s*"?tsc"?\s*;)re");
    static const std::regex uuid_re(R"re(\buuid\s*=\s*"([0-9a-fA-F-]+)"\s*;)re");
    static const std::regex absolute_re(R"re(\babsolute\s*=)re");
    const std::string s(text);
    std::smatch block;
    if (!std::regex_search(s, block, block_re)) {
        why = lttng_clock_fix::other_clock;
        return std::nullopt;
    }
    const std::string body = block[2].str();
    std::smatch u;
    if (!std::regex_search(body, name_re) || !std::regex_search(body, u, uuid_re) ||
        ltt::parse_uuid(u[1].str()) != clock_uuid) {
        why = lttng_clock_fix::other_clock;
        return std::nullopt;
    }
    if (std::regex_search(body, absolute_re)) {
        why = lttng_clock_fix::already_absolute;
        return std::nullopt;
    }
    why = lttng_clock_fix::marked;
    const auto close = static_cast<std::size_t>(block.position(2) + block.length(2));
    std::string out = s.substr(0, close);
    if (!out.empty() && out.back() != '\n')
        out += '\n';
    out += "\t/* marked by lttd: ltt-xen's TSC clock, offset from the Unix epoch */\n"
           "\tabsolute = true;\n";
    out += s.substr(close);
    return out;
}

lttng_clock_fix mark_lttng_clock_absolute(const std::filesystem::path& metadata,
                                          const ltt::uuid& clock_uuid) {
    std::ifstream in(metadata, std::ios::binary);
    if (!in)
        throw std::runtime_error(fmt::format("{}: {}", metadata.string(), std::strerror(errno)));
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad())
        throw std::runtime_error(fmt::format("{}: read error", metadata.string()));
    lttng_clock_fix why = lttng_clock_fix::other_clock;
    const auto text = with_absolute_clock(metadata_text(bytes, metadata.string()), clock_uuid, why);
    if (!text)
        return why;
    auto tmp = metadata;
    tmp += ".lttd-tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(text->data(), static_cast<std::streamsize>(text->size()));
        out.close();
        if (!out)
            throw std::runtime_error(fmt::format("{}: write error", tmp.string()));
    }
    std::error_code ec;
    std::filesystem::rename(tmp, metadata, ec);
    if (ec) {
        const std::string what = ec.message();
        std::filesystem::remove(tmp, ec);
        throw std::runtime_error(fmt::format("{}: {}", metadata.string(), what));
    }
    return why;
}

} // namespace lttd
