#include <ltt/event_header.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace {

std::vector<std::uint8_t> header_bytes(ltt::event_header_kind kind, std::uint32_t id,
                                       std::uint64_t tsc, std::uint64_t prev) {
    std::vector<std::byte> out;
    ltt::append_event_header(out, kind, id, tsc, prev);
    std::vector<std::uint8_t> b;
    for (auto x : out)
        b.push_back(std::to_integer<std::uint8_t>(x));
    return b;
}

} // namespace

using ltt::event_header_kind;

TEST(EventHeader, CompactLayout) {
    // id 3, TSC low 27 bits 0x1234567: word = 3 | 0x1234567 << 5
    const std::uint64_t tsc = 0x5'01234567;
    EXPECT_EQ(header_bytes(event_header_kind::compact, 3, tsc, 0x5'00000000),
              (std::vector<std::uint8_t>{0xe3, 0xac, 0x68, 0x24}));
}

TEST(EventHeader, CompactExtendedIs13Bytes) {
    // TSC crosses a 2^27 boundary: extended, byte 0 = 31, then u32 id, u64 TSC
    const auto b = header_bytes(event_header_kind::compact, 7, 0x08000000, 0x07ffffff);
    ASSERT_EQ(b.size(), 13u);
    EXPECT_EQ(b, (std::vector<std::uint8_t>{31, 7, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0}));
    // an id that does not fit 5 bits is extended too
    EXPECT_EQ(header_bytes(event_header_kind::compact, 31, 5, 5).size(), 13u);
}

TEST(EventHeader, LargeLayoutAndExtended) {
    EXPECT_EQ(header_bytes(event_header_kind::large, 0x1234, 0x7'89abcdef, 0x7'00000000),
              (std::vector<std::uint8_t>{0x34, 0x12, 0xef, 0xcd, 0xab, 0x89}));
    const auto b = header_bytes(event_header_kind::large, 70000, 0x8'00000001, 0x7'ffffffff);
    ASSERT_EQ(b.size(), 14u);
    EXPECT_EQ(b,
              (std::vector<std::uint8_t>{0xff, 0xff, 0x70, 0x11, 0x01, 0, 1, 0, 0, 0, 8, 0, 0, 0}));
    EXPECT_EQ(header_bytes(event_header_kind::large, 65535, 1, 1).size(), 14u);
}

TEST(EventHeader, DecodeRoundTripsAndRebuildsTsc) {
    for (auto kind : {event_header_kind::compact, event_header_kind::large}) {
        std::uint64_t prev = 0xabc'0000'0000;
        for (std::uint64_t tsc : {prev, prev + 1, prev + 0x7ffffff, prev + 0x8000000,
                                  prev + 0x123456789, prev + 0x123456790}) {
            std::vector<std::byte> out;
            const bool ext = ltt::append_event_header(out, kind, 9, tsc, prev);
            ltt::event_header h;
            ASSERT_TRUE(ltt::decode_event_header(out, kind, h));
            EXPECT_EQ(h.extended, ext);
            EXPECT_EQ(h.id, 9u);
            EXPECT_EQ(h.size, out.size());
            const std::uint64_t full =
                h.extended ? h.timestamp
                           : ltt::rebuild_tsc(prev, h.timestamp, ltt::timestamp_bits(kind));
            EXPECT_EQ(full, tsc);
            // every shorter prefix is refused, never over-read
            for (std::size_t n = 0; n < out.size(); ++n)
                EXPECT_FALSE(ltt::decode_event_header(std::span(out).first(n), kind, h));
            prev = tsc;
        }
    }
}

TEST(EventHeader, RebuildWrapsOnce) {
    EXPECT_EQ(ltt::rebuild_tsc(0x10, 0x05, 8), 0x105u);
    EXPECT_EQ(ltt::rebuild_tsc(0x110, 0x20, 8), 0x120u);
}
