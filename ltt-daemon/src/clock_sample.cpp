#include "clock_sample.hpp"

#include <fmt/format.h>

#include <ctime>
#include <x86intrin.h>

namespace lttd {

ltt::clock_origin sample_clock_origin() {
    // The TSC halfway between two reads around the clock: the error is half
    // the time clock_gettime() takes (tens of nanoseconds).
    timespec ts{};
    const std::uint64_t before = __rdtsc();
    ::clock_gettime(CLOCK_REALTIME, &ts);
    const std::uint64_t after = __rdtsc();
    ltt::clock_origin o;
    o.unix_ns = static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
    o.tsc = before + (after - before) / 2;
    return o;
}

std::string iso8601_now() {
    const std::time_t now = std::time(nullptr);
    tm t{};
    ::gmtime_r(&now, &t);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.tm_year + 1900, t.tm_mon + 1,
                       t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec);
}

} // namespace lttd
