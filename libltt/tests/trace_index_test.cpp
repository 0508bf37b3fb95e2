#include "temp_dir.hpp"

#include <ltt/trace_index.hpp>

#include <gtest/gtest.h>

#include <fstream>

namespace {

ltt::session_index sample() {
    ltt::session_index s;
    s.name = "s1";
    s.mode = "overwrite";
    s.created = "2026-11-23T20:16:18+00:00";
    s.hostname = "h";
    s.tsc_hz = 2'600'000'000;
    s.clock_uuid = *ltt::parse_uuid("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
    ltt::index_channel xen{"xen", "hypervisor", "overwrite", ltt::event_header_kind::large, 65536,
                           8,     {},           {}};
    xen.facilities = {{"sched", ltt::layer::xen, 0x1234abcd, 0, 15},
                      {"hvm", ltt::layer::xen, 0xffff0000, 15, 20}};
    xen.cpus = {{0, "xen_0", 10, 655360, 5000, 3, 1, 100, 900},
                {1, "xen_1", 4, 262144, 2000, 0, 0, 150, 800}};
    ltt::index_channel kernel{
        "kernel", "dom0/kernel", "discard", ltt::event_header_kind::compact, 0, 0, {}, {}};
    kernel.cpus = {{0, "cpu_0", 2, 8192, 300, 11, 0, 120, 700}};
    s.domains = {{"hypervisor", ltt::layer::xen, 32754, {xen}, {}},
                 {"dom0", ltt::layer::kernel, 0, {kernel}, {}}};
    return s;
}

} // namespace

TEST(TraceIndex, JsonHasDomainsChannelsCpusAndTotals) {
    const auto j = ltt::to_json(sample());
    EXPECT_EQ(j["format"], "ltt-xen-index");
    EXPECT_EQ(j["session"]["mode"], "overwrite");
    EXPECT_EQ(j["session"]["clock_uuid"], "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
    const auto& xen = j["domains"][0]["channels"][0];
    EXPECT_EQ(xen["path"], "hypervisor");
    EXPECT_EQ(xen["event_header"], "large");
    EXPECT_EQ(xen["facilities"][1]["checksum"], "0xffff0000");
    EXPECT_EQ(xen["facilities"][1]["base"], 15);
    EXPECT_EQ(xen["cpus"][0]["events_discarded"], 3);
    EXPECT_EQ(xen["totals"]["records"], 7000);
    EXPECT_EQ(xen["totals"]["packets_lost"], 1);
    EXPECT_EQ(j["domains"][1]["totals"]["events_discarded"], 11);
    EXPECT_EQ(j["totals"]["packets"], 16);
    EXPECT_EQ(j["totals"]["events_discarded"], 14);
}

TEST(TraceIndex, WritesAndReadsBack) {
    ltt_test::temp_dir dir;
    ltt::write_index(dir.path(), sample());
    const auto back = ltt::read_index(dir.path());
    EXPECT_EQ(ltt::to_json(back), ltt::to_json(sample()));
    // no temporary left behind
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path()))
        ++entries;
    EXPECT_EQ(entries, 1u);
}

TEST(TraceIndex, BadIndexIsAClearError) {
    ltt_test::temp_dir dir;
    std::ofstream(dir.path() / "index.json") << R"({"format": "something-else", "version": 1})";
    try {
        ltt::read_index(dir.path());
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("index.json"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("not an ltt-xen index"), std::string::npos);
    }
    std::ofstream(dir.path() / "index.json") << "{";
    EXPECT_THROW(ltt::read_index(dir.path()), std::invalid_argument);
    EXPECT_THROW(ltt::read_index(dir.path() / "missing"), std::system_error);
}
