#include <lttd/channel_file.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using lttd::channel_error;
using lttd::channel_file;
using lttd::channel_from_json;
using nlohmann::json;

namespace {

json valid() {
    return json::parse(R"({
      "format": "ltt-xen-channel", "version": 1, "name": "ltt-stress", "domain": "ust",
      "pid": 1234, "tsc_hz": 2400000000, "uuid": "01234567-89ab-cdef-0123-456789abcdef",
      "mode": "discard", "header": "compact", "subbuf_order": 12, "subbuf_count": 4,
      "facilities": [
        {"name": "ltt_stress", "layer": "ust", "checksum": "0x1234abcd", "base": 0, "events": 3},
        {"name": "other", "layer": "ust", "checksum": "0x00000001", "base": 3, "events": 2}
      ]})");
}

// The message a mutation of the valid document is refused with.
std::string error_of(const std::function<void(json&)>& mutate) {
    json j = valid();
    mutate(j);
    try {
        channel_from_json(j);
    } catch (const channel_error& e) {
        return e.what();
    }
    return "(accepted)";
}

} // namespace

TEST(ChannelFile, ValidParsesAndRoundTrips) {
    const channel_file c = channel_from_json(valid());
    EXPECT_EQ(c.name, "ltt-stress");
    EXPECT_EQ(c.domain, ltt::layer::ust);
    EXPECT_EQ(c.pid, 1234);
    EXPECT_EQ(c.subbuf_size(), 4096u);
    EXPECT_EQ(c.nr_subbufs_order(), 2u);
    EXPECT_EQ(c.event_count(), 5u);
    ASSERT_EQ(c.facilities.size(), 2u);
    EXPECT_EQ(c.facilities[0].checksum, 0x1234abcdu);
    EXPECT_EQ(c.facilities[1].base, 3u);
    const channel_file again = channel_from_json(to_json(c));
    EXPECT_EQ(to_json(again), to_json(c));
}

TEST(ChannelFile, EachFieldIsChecked) {
    const std::vector<std::pair<std::function<void(json&)>, std::string>> cases = {
        {[](json& j) { j["format"] = "nope"; }, "format"},
        {[](json& j) { j["version"] = 2; }, "version"},
        {[](json& j) { j.erase("name"); }, "name: missing"},
        {[](json& j) { j["name"] = "Bad Name"; }, "name:"},
        {[](json& j) { j["name"] = 7; }, "name: must be a string"},
        {[](json& j) { j["domain"] = "hypervisor"; }, "domain"},
        {[](json& j) { j["xen_domid"] = 3; }, "xen_domid"},
        {[](json& j) { j["pid"] = 0; }, "pid"},
        {[](json& j) { j["pid"] = -5; }, "pid"},
        {[](json& j) { j["pid"] = 1.5; }, "pid"},
        {[](json& j) { j["tsc_hz"] = 0; }, "tsc_hz"},
        {[](json& j) { j["uuid"] = "not-a-uuid"; }, "uuid"},
        {[](json& j) { j["mode"] = "ring"; }, "mode"},
        {[](json& j) { j["header"] = "large"; }, "header"},
        {[](json& j) { j["subbuf_order"] = 30; }, "subbuf_order: 30 is outside"},
        {[](json& j) { j["subbuf_order"] = 8; }, "subbuf_order"},
        {[](json& j) { j["subbuf_count"] = 3; }, "subbuf_count: 3 is not a power of two"},
        {[](json& j) { j["subbuf_count"] = 1; }, "subbuf_count"},
        {[](json& j) { j["subbuf_count"] = 8192; }, "subbuf_count"},
        {[](json& j) { j["facilities"] = json::array(); }, "facilities"},
        {[](json& j) { j["facilities"][0]["checksum"] = "1234abcd"; }, "facilities[0].checksum"},
        {[](json& j) { j["facilities"][0]["checksum"] = "0x1234abcg"; }, "checksum"},
        {[](json& j) { j["facilities"][0]["layer"] = "xen"; }, "facilities[0].layer"},
        {[](json& j) { j["facilities"][1]["base"] = 4; }, "facilities[1].base"},
        {[](json& j) { j["facilities"][1]["name"] = "ltt_stress"; }, "listed twice"},
        {[](json& j) { j["facilities"][0]["events"] = 0; }, "facilities[0].events"},
        {[](json& j) { j["facilities"][0]["extra"] = 1; }, "unknown key `extra`"},
        {[](json& j) { j["surprise"] = true; }, "surprise: unknown key"},
        {[](json& j) { j["facilities"][1]["events"] = 40; }, "header"}, // 43 events: large
    };
    for (const auto& [mutate, expected] : cases) {
        const std::string msg = error_of(mutate);
        EXPECT_NE(msg.find(expected), std::string::npos)
            << "expected `" << expected << "` in: " << msg;
    }
}

TEST(ChannelFile, KernelChannelMayNameADomain) {
    json j = valid();
    j["domain"] = "kernel";
    j["xen_domid"] = 3;
    j["facilities"][0]["layer"] = "kernel";
    j["facilities"][1]["layer"] = "kernel";
    EXPECT_EQ(channel_from_json(j).xen_domid, 3u);
}

TEST(ChannelFile, TextErrorsNameTheSource) {
    try {
        lttd::parse_channel_text("{ not json", "dir/channel.json");
        FAIL();
    } catch (const channel_error& e) {
        EXPECT_NE(std::string(e.what()).find("dir/channel.json: not valid JSON"),
                  std::string::npos);
    }
    try {
        lttd::parse_channel_text("[1, 2]", "x.json");
        FAIL();
    } catch (const channel_error& e) {
        EXPECT_NE(std::string(e.what()).find("x.json: not a JSON object"), std::string::npos);
    }
}

TEST(ChannelFile, FilesAreReadSafely) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("lttd-channel-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    EXPECT_THROW(lttd::read_channel_file(dir / "missing.json"), channel_error);
    EXPECT_THROW(lttd::read_channel_file(dir), channel_error); // a directory
    {
        std::ofstream big(dir / "big.json");
        big << std::string(lttd::channel_file_max_bytes + 1, ' ');
    }
    EXPECT_THROW(lttd::read_channel_file(dir / "big.json"), channel_error);
    const channel_file c = channel_from_json(valid());
    lttd::write_channel_file(dir / "channel.json", c);
    EXPECT_EQ(to_json(lttd::read_channel_file(dir / "channel.json")), to_json(c));
    std::filesystem::remove_all(dir);
}
