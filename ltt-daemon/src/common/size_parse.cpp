#include <lttd/size_parse.hpp>

#include <fmt/format.h>

#include <bit>
#include <cctype>
#include <limits>

namespace lttd {

std::optional<std::uint64_t> parse_size(std::string_view text) {
    std::size_t i = 0;
    std::uint64_t value = 0;
    if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0])))
        return std::nullopt;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); i++) {
        const auto digit = static_cast<std::uint64_t>(text[i] - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
    }
    std::string_view suffix = text.substr(i);
    unsigned shift = 0;
    if (!suffix.empty()) {
        switch (std::tolower(static_cast<unsigned char>(suffix[0]))) {
        case 'k':
            shift = 10;
            break;
        case 'm':
            shift = 20;
            break;
        case 'g':
            shift = 30;
            break;
        case 'b':
            break;
        default:
            return std::nullopt;
        }
        if (shift)
            suffix.remove_prefix(1);
        if (suffix == "iB" || suffix == "ib" || suffix == "B" || suffix == "b")
            suffix = {};
        if (!suffix.empty())
            return std::nullopt;
    }
    if (shift && value > (std::numeric_limits<std::uint64_t>::max() >> shift))
        return std::nullopt;
    return value << shift;
}

std::optional<std::uint32_t> log2_exact(std::uint64_t value) {
    if (!std::has_single_bit(value))
        return std::nullopt;
    return static_cast<std::uint32_t>(std::countr_zero(value));
}

std::string format_size(std::uint64_t bytes) {
    static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    unsigned u = 0;
    std::uint64_t v = bytes;
    // Exact multiples print without a fraction; others with one decimal.
    while (u + 1 < std::size(units) && v >= 1024 && v % 1024 == 0) {
        v /= 1024;
        u++;
    }
    if (v < 10240 || u + 1 == std::size(units))
        return fmt::format("{} {}", v, units[u]);
    double d = static_cast<double>(v);
    while (u + 1 < std::size(units) && d >= 1024) {
        d /= 1024;
        u++;
    }
    return fmt::format("{:.1f} {}", d, units[u]);
}

} // namespace lttd
