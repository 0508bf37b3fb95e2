#include "lttng_clock_fixup.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <unistd.h>

using lttd::lttng_clock_fix;

namespace {

const ltt::uuid clock_uuid = *ltt::parse_uuid("0b9c4a5e-1d2f-4a3b-8c7d-6e5f4a3b2c1d");

// What lttng-sessiond 2.13 writes with the clock plugin (abridged).
const std::string lttng_text = "/* CTF 1.8 */\n\n"
                               "trace {\n\tmajor = 1;\n\tminor = 8;\n};\n\n"
                               "clock {\n"
                               "\tname = \"tsc\";\n"
                               "\tuuid = \"0b9c4a5e-1d2f-4a3b-8c7d-6e5f4a3b2c1d\";\n"
                               "\tdescription = \"Raw TSC\";\n"
                               "\tfreq = 2095995000; /* Frequency, in Hz */\n"
                               "\toffset = 3764931953095447803;\n"
                               "};\n\n"
                               "typealias integer { size = 27; map = clock.tsc.value; } := t;\n";

void put32(std::string& b, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
        b += static_cast<char>((v >> (8 * i)) & 0xff);
}

// CTF metadata packets of `chunk` text bytes each, padded to 64 bytes.
std::string packetize(const std::string& text, std::size_t chunk) {
    std::string out;
    for (std::size_t at = 0; at < text.size(); at += chunk) {
        const std::string part = text.substr(at, chunk);
        const std::size_t content = 37 + part.size();
        const std::size_t packet = (content + 63) / 64 * 64;
        put32(out, 0x75d11d57);
        out += std::string(16, '\x11');
        put32(out, 0);
        put32(out, static_cast<std::uint32_t>(content * 8));
        put32(out, static_cast<std::uint32_t>(packet * 8));
        out += std::string("\0\0\0\1\x08", 5);
        out += part;
        out += std::string(packet - content, '\0');
    }
    return out;
}

} // namespace

TEST(LttngClockFixup, MarksTheSessionsTscClock) {
    lttng_clock_fix why{};
    const auto out = lttd::with_absolute_clock(lttng_text, clock_uuid, why);
    ASSERT_TRUE(out);
    EXPECT_EQ(why, lttng_clock_fix::marked);
    const auto clock_at = out->find("clock {");
    const auto absolute_at = out->find("\tabsolute = true;\n");
    const auto close_at = out->find("};", clock_at);
    ASSERT_NE(absolute_at, std::string::npos);
    EXPECT_LT(clock_at, absolute_at);
    EXPECT_LT(absolute_at, close_at);
    // Everything else unchanged.
    EXPECT_EQ(out->substr(0, clock_at), lttng_text.substr(0, clock_at));
    EXPECT_EQ(out->substr(close_at), lttng_text.substr(lttng_text.find("};", clock_at)));
}

TEST(LttngClockFixup, LeavesOtherClocksAlone) {
    lttng_clock_fix why{};
    const auto other = *ltt::parse_uuid("11111111-2222-3333-4444-555555555555");
    EXPECT_FALSE(lttd::with_absolute_clock(lttng_text, other, why));
    EXPECT_EQ(why, lttng_clock_fix::other_clock);
    std::string monotonic = lttng_text;
    monotonic.replace(monotonic.find("\"tsc\""), 5, "\"monotonic\"");
    EXPECT_FALSE(lttd::with_absolute_clock(monotonic, clock_uuid, why));
    EXPECT_EQ(why, lttng_clock_fix::other_clock);
    EXPECT_FALSE(lttd::with_absolute_clock("/* CTF 1.8 */\n", clock_uuid, why));
    EXPECT_EQ(why, lttng_clock_fix::other_clock);
    const auto marked = lttd::with_absolute_clock(lttng_text, clock_uuid, why);
    ASSERT_TRUE(marked);
    EXPECT_FALSE(lttd::with_absolute_clock(*marked, clock_uuid, why));
    EXPECT_EQ(why, lttng_clock_fix::already_absolute);
}

TEST(LttngClockFixup, DecodesMetadataPackets) {
    // Packets that split the clock block, as lttng's 4 KiB ones may.
    EXPECT_EQ(lttd::metadata_text(packetize(lttng_text, 50), "m"), lttng_text);
    EXPECT_EQ(lttd::metadata_text(lttng_text, "m"), lttng_text); // plain text as is
    std::string cut = packetize(lttng_text, 50);
    cut.resize(cut.size() - 10);
    try {
        lttd::metadata_text(cut, "dir/metadata");
        FAIL() << "a truncated packet was accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("dir/metadata: offset "), std::string::npos)
            << e.what();
    }
    std::string bad = packetize(lttng_text, 50);
    bad[128] = 'x'; // the second packet's magic (packets of 128 bytes)
    EXPECT_THROW(lttd::metadata_text(bad, "m"), std::runtime_error);
}

TEST(LttngClockFixup, RewritesTheFileOnce) {
    char tmpl[] = "/tmp/ltt-clock-fixup-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    const std::filesystem::path dir(tmpl);
    const auto file = dir / "metadata";
    {
        std::ofstream f(file, std::ios::binary);
        f << packetize(lttng_text, 100);
    }
    EXPECT_EQ(lttd::mark_lttng_clock_absolute(file, clock_uuid), lttng_clock_fix::marked);
    std::ifstream f(file, std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
    EXPECT_EQ(text.rfind("/* CTF 1.8 */", 0), 0U);
    EXPECT_NE(text.find("absolute = true;"), std::string::npos);
    EXPECT_EQ(lttd::mark_lttng_clock_absolute(file, clock_uuid), lttng_clock_fix::already_absolute);
    EXPECT_THROW(lttd::mark_lttng_clock_absolute(dir / "missing", clock_uuid), std::runtime_error);
    std::filesystem::remove_all(dir);
}
