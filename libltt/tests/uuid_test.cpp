#include <ltt/uuid.hpp>

#include <gtest/gtest.h>

TEST(Uuid, RoundTripsCanonicalForm) {
    const ltt::uuid u{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
                      0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
    EXPECT_EQ(ltt::uuid_to_string(u), "12345678-9abc-def0-0123-456789abcdef");
    EXPECT_EQ(ltt::parse_uuid("12345678-9ABC-def0-0123-456789abcdef"), u);
}

TEST(Uuid, RejectsMalformed) {
    EXPECT_FALSE(ltt::parse_uuid(""));
    EXPECT_FALSE(ltt::parse_uuid("12345678-9abc-def0-0123-456789abcde"));
    EXPECT_FALSE(ltt::parse_uuid("12345678-9abc-def0-0123_456789abcdef"));
    EXPECT_FALSE(ltt::parse_uuid("1234567g-9abc-def0-0123-456789abcdef"));
}

TEST(Uuid, RandomIsVersion4AndDiffers) {
    const auto a = ltt::random_uuid();
    const auto b = ltt::random_uuid();
    EXPECT_NE(a, b);
    EXPECT_EQ(a[6] >> 4, 4);
    EXPECT_EQ(a[8] & 0xc0, 0x80);
    EXPECT_EQ(ltt::parse_uuid(ltt::uuid_to_string(a)), a);
}
