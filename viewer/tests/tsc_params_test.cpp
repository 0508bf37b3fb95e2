// Guest TSC -> host TSC (viewer/time/tsc_params.hpp) on hand-built
// parameters. Every expected value is worked out by hand in the comment
// beside it from guest = ((host * ratio) >> frac_bits) + offset.
#include "time/tsc_params.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace ltt::viewer {
namespace {

tsc_record params(std::uint64_t at, std::uint64_t ratio, std::uint32_t frac, std::int64_t offset,
                  bool emulated = false) {
    return {at, ratio, frac, offset, emulated};
}

TEST(TscParams, IdentityForPv) {
    const tsc_record pv = params(0, 1, 0, 0);
    EXPECT_EQ(guest_to_host(pv, 0), 0u);
    EXPECT_EQ(guest_to_host(pv, 12345), 12345u);
    EXPECT_EQ(guest_to_host(pv, UINT64_MAX), UINT64_MAX);
}

TEST(TscParams, NegativeOffsetGuestStartsNearZero) {
    // Domain built at host 1'000'000'000: offset -1e9, so guest 0 is host
    // 1e9 and guest 500 is host 1'000'000'500.
    const tsc_record pvh = params(1'000'000'000, 1, 0, -1'000'000'000);
    EXPECT_EQ(guest_to_host(pvh, 0), 1'000'000'000u);
    EXPECT_EQ(guest_to_host(pvh, 500), 1'000'000'500u);
}

TEST(TscParams, ScaledRatio) {
    // SVM: 32 fractional bits; 3 << 31 is 1.5: guest runs 1.5x the host.
    const tsc_record svm = params(0, std::uint64_t{3} << 31, 32, 0);
    // host 2000 -> guest 3000; guest 3001 -> 6002 / 3 = 2000 (rounded down).
    EXPECT_EQ(guest_to_host(svm, 3000), 2000u);
    EXPECT_EQ(guest_to_host(svm, 3001), 2000u);
    // host 1e12 -> guest 1.5e12: 1.5e12 << 32 does not fit 64 bits.
    EXPECT_EQ(guest_to_host(svm, 1'500'000'000'000), 1'000'000'000'000u);
    // With offset -100: guest 2900 is 3000 scaled, host 2000.
    EXPECT_EQ(guest_to_host(params(0, std::uint64_t{3} << 31, 32, -100), 2900), 2000u);
    // VMX: 48 fractional bits; 1 << 47 is 0.5: guest 500 is host 1000.
    EXPECT_EQ(guest_to_host(params(0, std::uint64_t{1} << 47, 48, 0), 500), 1000u);
}

TEST(TscParams, EmulatedIsRefused) {
    const tsc_record vtsc = params(0, 1, 0, 0, true);
    EXPECT_FALSE(guest_to_host(vtsc, 100).has_value());
    EXPECT_FALSE(vcpu_tsc_map::convertible({params(0, 1, 0, -5), vtsc}));
    EXPECT_FALSE(vcpu_tsc_map::convertible({params(0, 0, 0, 0)})); // ratio 0
    EXPECT_FALSE(vcpu_tsc_map::convertible({}));
    EXPECT_TRUE(vcpu_tsc_map::convertible({params(0, 1, 0, -5)}));
}

TEST(TscParams, AnEmulatedStartBeforeNativeRecordsIsSkipped) {
    // A PVH domain is built with Xen's default (emulated here) and switched
    // to native at once: the emulated record claims nothing.
    const std::vector<tsc_record> records = {params(100, 1, 0, 0, true), params(2000, 1, 0, -1000),
                                             params(5000, 1, 0, 2000)};
    ASSERT_TRUE(vcpu_tsc_map::convertible(records));
    const vcpu_tsc_map m(records);
    EXPECT_EQ(m.to_host(50), 1050u);   // before the first native record: its formula
    EXPECT_EQ(m.to_host(3000), 4000u); // the native segments as without the emulated one
    EXPECT_EQ(m.to_host(8000), 6000u);
}

TEST(TscParams, ChangeMidTraceSplitsSegments) {
    // At host 2000 the guest reads host - 1000; at host 5000 its TSC jumps
    // forward: it reads host + 2000 (guest 3999 at host 4999, then 7000).
    const vcpu_tsc_map m({params(2000, 1, 0, -1000), params(5000, 1, 0, 2000)});
    EXPECT_EQ(m.to_host(500), 1500u);  // before the first record: the first's
    EXPECT_EQ(m.to_host(3000), 4000u); // second segment would say 1000 < 5000
    EXPECT_EQ(m.to_host(3999), 4999u);
    EXPECT_EQ(m.to_host(7000), 5000u); // the record's own time is its segment
    EXPECT_EQ(m.to_host(8000), 6000u);
}

TEST(TscParams, TableSortsByHostTime) {
    tsc_params_table t;
    t.add(3, 1, params(900, 1, 0, -7));
    t.add(3, 1, params(100, 1, 0, -5));
    t.add(3, 0, params(100, 1, 0, -5));
    t.finish();
    ASSERT_NE(t.of(3, 1), nullptr);
    EXPECT_EQ(t.of(3, 1)->size(), 2u);
    EXPECT_EQ(t.of(3, 1)->front().host_ts, 100u);
    EXPECT_EQ(t.of(3, 1)->back().offset, -7);
    EXPECT_EQ(t.of(4, 0), nullptr);
    EXPECT_TRUE(t.has_domain(3));
    EXPECT_FALSE(t.has_domain(2));
}

} // namespace
} // namespace ltt::viewer
