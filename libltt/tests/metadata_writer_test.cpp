#include "sample_fragments.hpp"

#include <ltt/errors.hpp>
#include <ltt/metadata_writer.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

ltt::metadata_params params() {
    ltt::metadata_params p;
    p.trace_uuid = *ltt::parse_uuid("11111111-2222-4333-8444-555555555555");
    p.clock_uuid = *ltt::parse_uuid("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
    p.domain = ltt::layer::xen;
    p.xen_domid = 32754;
    p.hostname = "host\"1";
    p.tsc_hz = 1'000'000'000;
    p.origin = {1'700'000'000'250'000'000, 5'000'000'000};
    p.creation_datetime = "2026-11-23T20:16:18+00:00";
    return p;
}

std::vector<ltt::facility_fragment> xen_fragments() {
    return {ltt::parse_fragment(ltt_test::xen_sched_fragment, "sched.tsdl"),
            ltt::parse_fragment(ltt_test::xen_hvm_fragment, "hvm.tsdl")};
}

bool contains(const std::string& s, const std::string& what) {
    return s.find(what) != std::string::npos;
}

} // namespace

TEST(MetadataWriter, HasTraceEnvClockAndStream) {
    const std::string m = ltt::write_metadata(params(), xen_fragments());
    EXPECT_EQ(m.rfind("/* CTF 1.8 */\n", 0), 0u);
    EXPECT_TRUE(contains(m, "\tuuid = \"11111111-2222-4333-8444-555555555555\";\n"));
    EXPECT_TRUE(contains(m, "\tbyte_order = le;\n"));
    EXPECT_TRUE(contains(m, "\t\tuint32_t magic;\n\t\tuint8_t uuid[16];\n\t\tuint32_t "
                            "stream_id;\n\t\tuint64_t stream_instance_id;\n"));
    EXPECT_TRUE(contains(m, "\ttracer_name = \"ltt-xen\";\n"));
    EXPECT_TRUE(contains(m, "\tdomain = \"hypervisor\";\n"));
    EXPECT_TRUE(contains(m, "\txen_domid = 32754;\n"));
    EXPECT_TRUE(contains(m, "\thostname = \"host\\\"1\";\n"));
    EXPECT_TRUE(contains(m, "\ttsc_hz = 1000000000;\n"));
    EXPECT_TRUE(contains(m, "\ttrace_creation_datetime = \"2026-11-23T20:16:18+00:00\";\n"));
    EXPECT_FALSE(contains(m, "guest_tsc"));
    EXPECT_TRUE(
        contains(m, "\tname = \"tsc\";\n\tuuid = \"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\""));
    EXPECT_TRUE(contains(m, "\tfreq = 1000000000;\n"));
    // 1.70000000025e9 s at TSC 5e9 (5 s at 1 GHz): offset 1699999995.25 s
    EXPECT_TRUE(contains(m, "\toffset_s = 1699999995;\n\toffset = 250000000;\n"));
    EXPECT_TRUE(contains(m, "\tabsolute = true;\n"));
    EXPECT_TRUE(contains(m, "map = clock.tsc.value;"));
    EXPECT_TRUE(contains(m, "\tuint64_tsc_t timestamp_begin;\n"));
    EXPECT_TRUE(contains(m, "\tuint64_t events_discarded;\n\tuint32_t cpu_id;\n"));
}

TEST(MetadataWriter, RebasesIdsInChannelOrder) {
    const std::string m = ltt::write_metadata(params(), xen_fragments());
    // sched: 0..2, hvm: base 3 (vmexit local 1 -> 4, vmentry local 0 -> 3)
    const auto sched = m.find("name=sched layer=xen checksum=0x1a2b3c4d events=3 base=0");
    const auto hvm = m.find("name=hvm layer=xen checksum=0x00c0ffee events=2 base=3");
    ASSERT_NE(sched, std::string::npos);
    ASSERT_NE(hvm, std::string::npos);
    EXPECT_LT(sched, hvm);
    EXPECT_TRUE(contains(m, "\tname = \"vmexit\";\n\tid = 4;\n"));
    EXPECT_TRUE(contains(m, "\tname = \"vmentry\";\n\tid = 3;\n"));
    EXPECT_TRUE(contains(m, "\tname = \"wake\";\n\tid = 2;\n"));

    const auto layout = ltt::layout_channel(xen_fragments());
    ASSERT_EQ(layout.facilities.size(), 2u);
    EXPECT_EQ(layout.facilities[1].name, "hvm");
    EXPECT_EQ(layout.facilities[1].base, 3u);
    EXPECT_EQ(layout.event_count, 5u);
}

TEST(MetadataWriter, CompactHeaderBelow31EventsLargeFrom31) {
    std::string m = ltt::write_metadata(params(), xen_fragments());
    EXPECT_TRUE(contains(m, "event.header := struct event_header_compact;"));
    EXPECT_TRUE(contains(m, "enum : uint5_t { compact = 0 ... 30, extended = 31 } id;"));
    EXPECT_TRUE(contains(m, "uint27_tsc_t timestamp;"));
    EXPECT_FALSE(contains(m, "event_header_large"));

    // 31 events: large
    std::string big = "/* ltt-facility: name=many layer=xen checksum=0x00000001 events=31 */\n";
    for (int i = 0; i < 31; ++i)
        big += "event {\n\tname = \"e" + std::to_string(i) + "\";\n\tid = " + std::to_string(i) +
               ";\n\tstream_id = 0;\n\tfields := struct {\n\t};\n};\n";
    m = ltt::write_metadata(params(), std::vector{ltt::parse_fragment(big, "many.tsdl")});
    EXPECT_TRUE(contains(m, "event.header := struct event_header_large;"));
    EXPECT_TRUE(contains(m, "enum : uint16_t { compact = 0 ... 65534, extended = 65535 } id;"));
    EXPECT_TRUE(contains(m, "uint32_tsc_t timestamp;"));
    EXPECT_EQ(ltt::header_kind_for(30), ltt::event_header_kind::compact);
    EXPECT_EQ(ltt::header_kind_for(31), ltt::event_header_kind::large);
}

TEST(MetadataWriter, Deterministic) {
    EXPECT_EQ(ltt::write_metadata(params(), xen_fragments()),
              ltt::write_metadata(params(), xen_fragments()));
}

TEST(MetadataWriter, GuestTscParamsAndExtraEnv) {
    auto p = params();
    p.domain = ltt::layer::kernel;
    p.xen_domid = 3;
    p.guest_tsc = ltt::guest_tsc_params{0x1'0000'0000'0000, 48, -123456};
    p.extra_env = {{"vcpus", std::int64_t{4}}, {"kernel_release", std::string("6.1.0")}};
    const std::string m = ltt::write_metadata(
        p, std::vector{ltt::parse_fragment(ltt_test::kernel_irq_fragment, "irq.tsdl")});
    EXPECT_TRUE(contains(m, "\tdomain = \"kernel\";\n"));
    EXPECT_TRUE(contains(m, "\tguest_tsc_ratio = 281474976710656;\n"));
    EXPECT_TRUE(contains(m, "\tguest_tsc_frac_bits = 48;\n"));
    EXPECT_TRUE(contains(m, "\tguest_tsc_offset = -123456;\n"));
    EXPECT_TRUE(contains(m, "\tvcpus = 4;\n\tkernel_release = \"6.1.0\";\n"));

    p.extra_env = {{"hostname", std::string("x")}};
    EXPECT_THROW(ltt::write_metadata(p, std::vector{ltt::parse_fragment(
                                            ltt_test::kernel_irq_fragment, "irq.tsdl")}),
                 std::invalid_argument);
}

TEST(MetadataWriter, ChecksumMismatchNamesFacilityAndBothChecksums) {
    try {
        ltt::write_metadata(params(), xen_fragments(),
                            {{"hvm", 0x00c0ffee}, {"sched", 0x12345678}});
        FAIL() << "no error";
    } catch (const ltt::mismatch_error& e) {
        const std::string what = e.what();
        EXPECT_TRUE(contains(what, "`sched`")) << what;
        EXPECT_TRUE(contains(what, "0x12345678")) << what;
        EXPECT_TRUE(contains(what, "0x1a2b3c4d")) << what;
        EXPECT_TRUE(contains(what, "sched.tsdl")) << what;
    }
    // matching (and unlisted) facilities pass
    EXPECT_NO_THROW(ltt::write_metadata(params(), xen_fragments(), {{"sched", 0x1a2b3c4d}}));
}

TEST(MetadataWriter, RejectsWrongLayerDuplicatesAndNothing) {
    auto frags = xen_fragments();
    frags.push_back(ltt::parse_fragment(ltt_test::kernel_irq_fragment, "irq.tsdl"));
    EXPECT_THROW(ltt::write_metadata(params(), frags), ltt::mismatch_error);
    frags.pop_back();
    frags.push_back(frags.front());
    EXPECT_THROW(ltt::write_metadata(params(), frags), ltt::mismatch_error);
    EXPECT_THROW(ltt::write_metadata(params(), std::vector<ltt::facility_fragment>{}),
                 ltt::mismatch_error);
    auto p = params();
    p.tsc_hz = 0;
    EXPECT_THROW(ltt::write_metadata(p, xen_fragments()), std::invalid_argument);
}
