#include <lttd/size_parse.hpp>

#include <gtest/gtest.h>

using lttd::format_size;
using lttd::log2_exact;
using lttd::parse_size;

TEST(SizeParse, PlainAndSuffixed) {
    EXPECT_EQ(parse_size("4096"), 4096u);
    EXPECT_EQ(parse_size("4k"), 4096u);
    EXPECT_EQ(parse_size("4K"), 4096u);
    EXPECT_EQ(parse_size("4KiB"), 4096u);
    EXPECT_EQ(parse_size("1M"), 1u << 20);
    EXPECT_EQ(parse_size("2MiB"), 2u << 20);
    EXPECT_EQ(parse_size("1g"), 1ull << 30);
    EXPECT_EQ(parse_size("512B"), 512u);
    EXPECT_EQ(parse_size("0"), 0u);
}

TEST(SizeParse, RejectsJunk) {
    for (const char* bad : {"", "k", "-1", "4x", "4 k", "4kk", "4KiBs", " 4", "0x10", "1.5M",
                            "99999999999999999999", "17179869184G"})
        EXPECT_FALSE(parse_size(bad)) << bad;
}

TEST(SizeParse, Log2Exact) {
    EXPECT_EQ(log2_exact(1), 0u);
    EXPECT_EQ(log2_exact(4096), 12u);
    EXPECT_FALSE(log2_exact(0));
    EXPECT_FALSE(log2_exact(3000));
}

TEST(SizeParse, Format) {
    EXPECT_EQ(format_size(300), "300 B");
    EXPECT_EQ(format_size(4096), "4 KiB");
    EXPECT_EQ(format_size(1 << 20), "1 MiB");
    EXPECT_EQ(format_size(1536 * 1024 + 1), "1.5 MiB");
}
