#include "frequency.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace ltt::viewer {

std::optional<std::uint64_t> parse_frequency(std::string_view text) {
    std::string t(text);
    for (char& c : t)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (t.ends_with("hz"))
        t.resize(t.size() - 2);
    double scale = 1;
    if (!t.empty() && (t.back() == 'g' || t.back() == 'm' || t.back() == 'k')) {
        scale = t.back() == 'g' ? 1e9 : t.back() == 'm' ? 1e6 : 1e3;
        t.pop_back();
    }
    double v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || end != t.data() + t.size() || t.empty())
        return std::nullopt;
    const double hz = std::round(v * scale);
    if (!(hz >= 1e6 && hz <= 1e11))
        return std::nullopt;
    return static_cast<std::uint64_t>(hz);
}

} // namespace ltt::viewer
