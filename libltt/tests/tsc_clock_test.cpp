#include <ltt/tsc_clock.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

// The Unix time in ns a clock value maps to, per CTF's definition.
long double unix_ns_of(std::uint64_t hz, ltt::clock_offset o, std::uint64_t tsc) {
    return (static_cast<long double>(o.seconds) +
            (static_cast<long double>(o.cycles) + static_cast<long double>(tsc)) /
                static_cast<long double>(hz)) *
           1e9L;
}

} // namespace

TEST(TscClock, OriginMapsToItsUnixTime) {
    const std::uint64_t hz = 2'600'000'000;
    const ltt::clock_origin origin{1'763'928'978'123'456'789, 987'654'321'000};
    const auto o = ltt::compute_clock_offset(hz, origin);
    EXPECT_LT(o.cycles, hz);
    EXPECT_NEAR(static_cast<double>(unix_ns_of(hz, o, origin.tsc) -
                                    static_cast<long double>(origin.unix_ns)),
                0.0, 1.0);
    // one second of TSC later is one second later
    EXPECT_NEAR(static_cast<double>(unix_ns_of(hz, o, origin.tsc + hz) -
                                    static_cast<long double>(origin.unix_ns)),
                1e9, 1.0);
}

TEST(TscClock, ExactForWholeValues) {
    // 1 GHz: cycles are ns.
    const auto o = ltt::compute_clock_offset(1'000'000'000, {10'500'000'000, 2'000'000'000});
    EXPECT_EQ(o.seconds, 8);
    EXPECT_EQ(o.cycles, 500'000'000u);
}

TEST(TscClock, TscBeyondEpochGivesNegativeSeconds) {
    const auto o = ltt::compute_clock_offset(1000, {0, 2500});
    EXPECT_EQ(o.seconds, -3);
    EXPECT_EQ(o.cycles, 500u);
}

TEST(TscClock, ZeroFrequencyIsAnError) {
    EXPECT_THROW(ltt::compute_clock_offset(0, {}), std::invalid_argument);
}
