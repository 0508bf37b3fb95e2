#include "sample_fragments.hpp"

#include <ltt/errors.hpp>
#include <ltt/metadata_info.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace {

ltt::metadata_params params() {
    ltt::metadata_params p;
    p.trace_uuid = *ltt::parse_uuid("11111111-2222-4333-8444-555555555555");
    p.clock_uuid = *ltt::parse_uuid("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
    p.domain = ltt::layer::kernel;
    p.xen_domid = 5;
    p.hostname = "guest \"five\"";
    p.tsc_hz = 2'600'000'000;
    p.origin = {1'700'000'000'123'456'789, 77'000'000};
    p.guest_tsc = ltt::guest_tsc_params{1ull << 48, 48, -99};
    return p;
}

} // namespace

TEST(MetadataInfo, ReadsBackWhatTheWriterWrote) {
    const std::vector frags{ltt::parse_fragment(ltt_test::kernel_irq_fragment, "irq.tsdl")};
    const auto p = params();
    const auto info = ltt::parse_metadata_info(ltt::write_metadata(p, frags), "metadata");
    EXPECT_EQ(info.trace_uuid, p.trace_uuid);
    EXPECT_EQ(info.clock_uuid, p.clock_uuid);
    EXPECT_EQ(info.header, ltt::event_header_kind::compact);
    EXPECT_EQ(info.domain, ltt::layer::kernel);
    EXPECT_EQ(info.xen_domid, 5u);
    EXPECT_EQ(info.hostname, "guest \"five\"");
    EXPECT_EQ(info.tsc_hz, 2'600'000'000u);
    const auto want = ltt::compute_clock_offset(p.tsc_hz, p.origin);
    EXPECT_EQ(info.offset.seconds, want.seconds);
    EXPECT_EQ(info.offset.cycles, want.cycles);
    ASSERT_TRUE(info.guest_tsc);
    EXPECT_EQ(info.guest_tsc->ratio, 1ull << 48);
    EXPECT_EQ(info.guest_tsc->offset, -99);
    ASSERT_EQ(info.facilities.size(), 1u);
    EXPECT_EQ(info.facilities[0].name, "irq");
    EXPECT_EQ(info.facilities[0].checksum, 0xdeadbeefu);
    EXPECT_EQ(info.facility_of(0), &info.facilities[0]);
    EXPECT_EQ(info.facility_of(1), nullptr);
}

TEST(MetadataInfo, FacilityBasesAndLargeHeader) {
    auto p = params();
    p.domain = ltt::layer::xen;
    p.guest_tsc.reset();
    std::string big = "/* ltt-facility: name=many layer=xen checksum=0x00000001 events=40 */\n";
    for (int i = 0; i < 40; ++i)
        big += "event {\n\tname = \"e" + std::to_string(i) + "\";\n\tid = " + std::to_string(i) +
               ";\n\tstream_id = 0;\n\tfields := struct {\n\t};\n};\n";
    const std::vector frags{ltt::parse_fragment(ltt_test::xen_sched_fragment, "sched.tsdl"),
                            ltt::parse_fragment(big, "many.tsdl")};
    const auto info = ltt::parse_metadata_info(ltt::write_metadata(p, frags), "metadata");
    EXPECT_EQ(info.header, ltt::event_header_kind::large);
    ASSERT_EQ(info.facilities.size(), 2u);
    EXPECT_EQ(info.facilities[1].base, 3u);
    EXPECT_EQ(info.facility_of(42)->name, "many");
    EXPECT_FALSE(info.guest_tsc);
}

TEST(MetadataInfo, ForeignMetadataIsAClearError) {
    try {
        ltt::parse_metadata_info("/* CTF 1.8 */\nenv {\n\ttracer_name = \"lttng-ust\";\n};\n", "m");
        FAIL();
    } catch (const ltt::parse_error& e) {
        EXPECT_NE(e.problem().find("not an ltt-xen trace"), std::string::npos);
    }
    EXPECT_THROW(ltt::parse_metadata_info("\x57\x1d\xd1\x75 packetized", "m"), ltt::parse_error);
}
