// The bytes/event comparison over a real xentrace file (every record
// counted once, on both sides) and a hand-built one (extended headers where
// the TSC's upper bits change).
#include "encoding_compare.hpp"

#include <ltt/mapped_file.hpp>
#include <xen/facilities.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

std::filesystem::path testdata() {
    const char* dir = std::getenv("LTT_TESTDATA_DIR");
    return dir ? dir : "../shared/testdata";
}

struct builder {
    std::vector<std::byte> bytes;

    builder& word(std::uint32_t v) {
        for (int i = 0; i < 4; i++)
            bytes.push_back(static_cast<std::byte>(v >> (8 * i)));
        return *this;
    }
    builder& window(std::uint32_t cpu, std::uint32_t size) {
        return word(0x2001f003u).word(cpu).word(size);
    }
    // A record with a TSC and n data words.
    builder& rec(std::uint32_t event, std::uint64_t tsc, unsigned n) {
        word(event | (n << 28) | 0x80000000u);
        word(static_cast<std::uint32_t>(tsc)).word(static_cast<std::uint32_t>(tsc >> 32));
        for (unsigned i = 0; i < n; i++)
            word(i + 1);
        return *this;
    }
    std::span<const std::byte> span() const { return bytes; }
};

// The comparison over a real file: every record is counted once, on both
// sides, and the event classes the files are made of have an equivalent.
TEST(EncodingCompare, RealFileTotals) {
    const ltt::mapped_file f(testdata() / "xentrace/hvm-credit2-8cpu.bin");
    const ltt::bench::channel_encoding channel(ltt::facility_sets::xen);
    EXPECT_EQ(channel.header(), ltt::event_header_kind::large);
    const auto c = ltt::bench::compare(f.bytes(), "hvm-credit2-8cpu.bin", channel);
    EXPECT_EQ(c.events + c.excluded, c.stats.records);
    EXPECT_EQ(c.excluded, c.stats.cpu_changes + c.stats.wraps + c.stats.lost_reports);
    EXPECT_EQ(c.equivalent + c.conservative, c.events);
    std::uint64_t n = 0, xb = 0, ob = 0;
    for (const auto& [name, t] : c.classes) {
        n += t.count;
        xb += t.xentrace_bytes;
        ob += t.our_bytes;
    }
    EXPECT_EQ(n, c.events);
    EXPECT_EQ(xb, c.xentrace_bytes);
    EXPECT_EQ(ob, c.our_bytes);
    ASSERT_TRUE(c.classes.count("TRC_SCHED_SWITCH"));
    const auto& sw = c.classes.at("TRC_SCHED_SWITCH");
    EXPECT_EQ(sw.ours, "sched_switch");
    // sched_switch: 4 data words + TSC in xentrace (28 bytes); 6-byte header
    // + four u16 in ltt-xen (14), or 22 with an extended header.
    EXPECT_EQ(sw.xentrace_bytes, 28u * sw.count);
    EXPECT_GE(sw.our_bytes, 14u * sw.count);
    EXPECT_LE(sw.our_bytes, 14u * sw.count + 8u * c.extended_headers);
}

TEST(EncodingCompare, ExtendedHeaderWhenUpperTscBitsChange) {
    builder b;
    b.window(0, 3 * 28).rec(0x2800a, 0xfffffff0ull, 4).rec(0x2800a, 0x100000010ull, 4);
    b.rec(0x2800a, 0x100000020ull, 4);
    const ltt::bench::channel_encoding channel(ltt::facility_sets::xen);
    const auto c = ltt::bench::compare(b.span(), "test.bin", channel);
    EXPECT_EQ(c.events, 3u);
    EXPECT_EQ(c.extended_headers, 1u);
    EXPECT_EQ(c.our_bytes, 14u + 22u + 14u);
    EXPECT_EQ(c.xentrace_bytes, 3u * 28u);
}

} // namespace
