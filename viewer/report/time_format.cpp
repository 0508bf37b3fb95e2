#include "time_format.hpp"

#include <fmt/format.h>

#include <cmath>

namespace ltt::viewer {

std::string format_duration(double ticks, std::uint64_t freq_hz) {
    if (freq_hz == 0)
        return fmt::format("{:.0f} cycles", ticks);
    const double s = ticks / static_cast<double>(freq_hz);
    const double a = std::fabs(s);
    if (a >= 1.0)
        return fmt::format("{:.3f} s", s);
    if (a >= 1e-3)
        return fmt::format("{:.3f} ms", s * 1e3);
    if (a >= 1e-6)
        return fmt::format("{:.3f} us", s * 1e6);
    return fmt::format("{:.0f} ns", s * 1e9);
}

std::string format_offset(std::uint64_t ts, std::uint64_t origin, std::uint64_t freq_hz) {
    if (freq_hz == 0)
        return fmt::format("{}", ts);
    const bool negative = ts < origin;
    const std::uint64_t d = negative ? origin - ts : ts - origin;
    const std::uint64_t whole = d / freq_hz;
    const std::uint64_t frac = d % freq_hz;
    // frac * 1e9 fits in 64 bits for any frequency below 18 GHz.
    const std::uint64_t ns = frac * 1'000'000'000u / freq_hz;
    return fmt::format("{}{}.{:09}", negative ? "-" : "", whole, ns);
}

} // namespace ltt::viewer
