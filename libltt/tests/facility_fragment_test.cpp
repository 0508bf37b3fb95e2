#include "sample_fragments.hpp"

#include <ltt/errors.hpp>
#include <ltt/facility_fragment.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

using ltt_test::xen_hvm_fragment;
using ltt_test::xen_sched_fragment;

namespace {

// The parse_error a fragment gives, or a failure.
ltt::parse_error parse_failure(const std::string& text) {
    try {
        ltt::parse_fragment(text, "frag.tsdl");
    } catch (const ltt::parse_error& e) {
        return e;
    }
    ADD_FAILURE() << "no parse_error for:\n" << text;
    return ltt::parse_error("", 0, "");
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos)
        s.replace(at, from.size(), to);
    return s;
}

} // namespace

TEST(FacilityFragment, ParsesHeaderAndEvents) {
    const auto f = ltt::parse_fragment(xen_sched_fragment, "sched.tsdl");
    EXPECT_EQ(f.name, "sched");
    EXPECT_EQ(f.layer, ltt::layer::xen);
    EXPECT_EQ(f.checksum, 0x1a2b3c4du);
    ASSERT_EQ(f.events.size(), 3u);
    EXPECT_EQ(f.events[1].name, "switch");
    EXPECT_EQ(f.events[1].local_id, 1u);
    EXPECT_EQ(f.events[1].line, 11u);
}

TEST(FacilityFragment, IdsNeedNotBeInOrder) {
    const auto f = ltt::parse_fragment(xen_hvm_fragment, "hvm.tsdl");
    ASSERT_EQ(f.events.size(), 2u);
    EXPECT_EQ(f.events[0].name, "vmexit");
    EXPECT_EQ(f.events[0].local_id, 1u);
}

TEST(FacilityFragment, RebasesIdsOnly) {
    const auto f = ltt::parse_fragment(xen_sched_fragment, "sched.tsdl");
    const std::string r = f.rebased(40);
    EXPECT_EQ(r.find("/* ltt-facility: name=sched layer=xen checksum=0x1a2b3c4d events=3 "
                     "base=40 */\n"),
              0u);
    EXPECT_NE(r.find("\tid = 40;\n"), std::string::npos);
    EXPECT_NE(r.find("\tid = 41;\n"), std::string::npos);
    EXPECT_NE(r.find("\tid = 42;\n"), std::string::npos);
    EXPECT_EQ(r.find("\tid = 0;"), std::string::npos);
    // everything else unchanged
    EXPECT_EQ(r.substr(r.find('\n') + 1),
              replace(replace(replace(xen_sched_fragment.substr(xen_sched_fragment.find('\n') + 1),
                                      "id = 0;", "id = 40;"),
                              "id = 1;", "id = 41;"),
                      "id = 2;", "id = 42;"));
}

TEST(FacilityFragment, BadHeaderNamesLineOne) {
    const auto e = parse_failure("/* facility sched */\n");
    EXPECT_EQ(e.line(), 1u);
    EXPECT_EQ(e.file(), "frag.tsdl");
    EXPECT_NE(std::string(e.what()).find("frag.tsdl:1: "), std::string::npos);
    EXPECT_EQ(parse_failure(replace(xen_sched_fragment, "layer=xen", "layer=dom0")).line(), 1u);
    EXPECT_EQ(parse_failure(replace(xen_sched_fragment, "0x1a2b3c4d", "0x1a2b3c")).line(), 1u);
    EXPECT_EQ(parse_failure("").line(), 1u);
}

TEST(FacilityFragment, EventCountMustMatchHeader) {
    const auto e = parse_failure(replace(xen_sched_fragment, "events=3", "events=4"));
    EXPECT_EQ(e.line(), 1u);
    EXPECT_NE(e.problem().find("events=4"), std::string::npos);
    EXPECT_NE(e.problem().find("declares 3"), std::string::npos);
}

TEST(FacilityFragment, IdOutOfRangeOrDuplicate) {
    auto e = parse_failure(replace(xen_sched_fragment, "\tid = 2;", "\tid = 3;"));
    EXPECT_EQ(e.line(), 24u);
    EXPECT_NE(e.problem().find("out of range"), std::string::npos);
    e = parse_failure(replace(xen_sched_fragment, "\tid = 2;", "\tid = 1;"));
    EXPECT_EQ(e.line(), 24u);
    EXPECT_NE(e.problem().find("used twice"), std::string::npos);
}

TEST(FacilityFragment, IdLineMustBeExact) {
    for (const char* bad : {"\tid=1;", "\tid = 1 ;", "\tid = 0x1;", "\tid = -1;", "\tid = 1"}) {
        const auto e = parse_failure(replace(xen_sched_fragment, "\tid = 1;", bad));
        EXPECT_EQ(e.line(), 13u) << bad;
        EXPECT_NE(e.problem().find("malformed id line"), std::string::npos) << bad;
    }
}

TEST(FacilityFragment, StructureErrorsNameTheirLine) {
    // missing stream_id: reported at the event's first line
    auto e = parse_failure(replace(xen_sched_fragment,
                                   "\tstream_id = 0;\n\tfields := struct {\n"
                                   "\t\tinteger { size = 64",
                                   "\tfields := struct {\n\t\tinteger { size = 64"));
    EXPECT_EQ(e.line(), 22u);
    e = parse_failure(replace(xen_sched_fragment, "\tstream_id = 0;", "\tstream_id = 1;"));
    EXPECT_EQ(e.line(), 5u);
    // unclosed last event
    std::string unclosed = xen_sched_fragment;
    unclosed.resize(unclosed.rfind("};"));
    e = parse_failure(unclosed);
    EXPECT_EQ(e.line(), 22u);
    EXPECT_NE(e.problem().find("not closed"), std::string::npos);
    // garbage between events
    e = parse_failure(replace(xen_sched_fragment, "\nevent {\n\tname = \"switch\"",
                              "\nbogus\nevent {\n\tname = \"switch\""));
    EXPECT_EQ(e.line(), 11u);
    // duplicate event name
    e = parse_failure(replace(xen_sched_fragment, "\"wake\"", "\"switch\""));
    EXPECT_EQ(e.line(), 23u);
}

TEST(FacilityFragment, CommentsAndBlankLinesBetweenEventsAreAccepted) {
    const auto f = ltt::parse_fragment(
        replace(xen_sched_fragment, "\nevent {\n\tname = \"switch\"",
                "\n/* the scheduler\n * switches */\n// x\n\nevent {\n\tname = \"switch\""),
        "x");
    EXPECT_EQ(f.events.size(), 3u);
}

TEST(FacilityFragment, LoadsFilesAndNamesThemInErrors) {
    const auto dir =
        std::filesystem::temp_directory_path() /
        ("ltt-frag-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
    std::filesystem::create_directories(dir);
    {
        std::ofstream(dir / "sched.tsdl") << xen_sched_fragment;
        std::ofstream(dir / "bad.tsdl") << replace(xen_sched_fragment, "events=3", "events=2");
    }
    EXPECT_EQ(ltt::load_fragment(dir / "sched.tsdl").source, (dir / "sched.tsdl").string());
    try {
        ltt::load_fragment(dir / "bad.tsdl");
        ADD_FAILURE();
    } catch (const ltt::parse_error& e) {
        EXPECT_EQ(e.file(), (dir / "bad.tsdl").string());
    }
    EXPECT_THROW(ltt::load_fragment(dir / "missing.tsdl"), std::system_error);
    std::filesystem::remove_all(dir);
}
