#include <ltt/uuid.hpp>

#include <random>

namespace ltt {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// Bytes before which the canonical form has a dash.
constexpr bool dash_before(std::size_t byte) {
    return byte == 4 || byte == 6 || byte == 8 || byte == 10;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

std::string uuid_to_string(const uuid& u) {
    std::string s;
    s.reserve(36);
    for (std::size_t i = 0; i < u.size(); ++i) {
        if (dash_before(i))
            s += '-';
        s += hex_digits[u[i] >> 4];
        s += hex_digits[u[i] & 0xf];
    }
    return s;
}

std::optional<uuid> parse_uuid(std::string_view text) {
    if (text.size() != 36)
        return std::nullopt;
    uuid u{};
    std::size_t pos = 0;
    for (std::size_t i = 0; i < u.size(); ++i) {
        if (dash_before(i)) {
            if (text[pos] != '-')
                return std::nullopt;
            ++pos;
        }
        const int hi = hex_value(text[pos]);
        const int lo = hex_value(text[pos + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        u[i] = static_cast<std::uint8_t>(hi << 4 | lo);
        pos += 2;
    }
    return u;
}

uuid random_uuid() {
    std::random_device rd;
    uuid u{};
    for (std::size_t i = 0; i < u.size(); i += 4) {
        const std::uint32_t r = rd();
        for (std::size_t j = 0; j < 4; ++j)
            u[i + j] = static_cast<std::uint8_t>(r >> (8 * j));
    }
    u[6] = static_cast<std::uint8_t>((u[6] & 0x0f) | 0x40); // version 4
    u[8] = static_cast<std::uint8_t>((u[8] & 0x3f) | 0x80); // RFC 4122 variant
    return u;
}

} // namespace ltt
