// report/time_format.hpp - times for people: a duration on the merge's time
// base shown in s/ms/us/ns when the frequency is known, in cycles when not
// (never a guessed frequency).
#pragma once

#include <cstdint>
#include <string>

namespace ltt::viewer {

// "12.3 us", "1.234 s", "850 ns"; "123456 cycles" when freq_hz is 0.
std::string format_duration(double ticks, std::uint64_t freq_hz);

// Seconds since `origin` with nanosecond digits ("12.345678901"); the raw
// tick count when freq_hz is 0.
std::string format_offset(std::uint64_t ts, std::uint64_t origin, std::uint64_t freq_hz);

// Ticks to seconds (0 when freq_hz is 0).
inline double to_seconds(double ticks, std::uint64_t freq_hz) {
    return freq_hz == 0 ? 0.0 : ticks / static_cast<double>(freq_hz);
}

} // namespace ltt::viewer
