#include <lttd/protocol.hpp>

#include <gtest/gtest.h>

using namespace lttd;

namespace {

std::string error_of(const std::string& line) {
    try {
        parse_request(line);
    } catch (const protocol_error& e) {
        return e.what();
    }
    return "(accepted)";
}

} // namespace

TEST(Protocol, CreateWithEverything) {
    const auto r =
        parse_request(R"({"cmd":"create","name":"s1","output":"/tmp/out","source":"dir:/tmp/src",)"
                      R"("mode":"overwrite","subbuf_size":8192,"subbufs":8,"facilities":["/f"],)"
                      R"("flush_interval_ms":250,"snapshot_keep":3,"snapshot_max_bytes":1048576,)"
                      R"("guest_max_bytes":65536})");
    const auto& c = std::get<create_request>(r);
    EXPECT_EQ(c.name, "s1");
    EXPECT_EQ(c.output, "/tmp/out");
    EXPECT_EQ(c.sources, std::vector<std::string>{"dir:/tmp/src"});
    EXPECT_EQ(c.mode, ltt::ring_mode::overwrite);
    EXPECT_EQ(c.subbuf_size, 8192u);
    EXPECT_EQ(c.subbufs, 8u);
    EXPECT_EQ(c.facilities, std::vector<std::string>{"/f"});
    EXPECT_EQ(c.flush_interval_ms, 250u);
    EXPECT_EQ(c.snapshot_keep, 3u);
    EXPECT_EQ(c.snapshot_max_bytes, 1048576u);
    EXPECT_EQ(c.guest_max_bytes, 65536u);
    // What the client sends is what the daemon reads.
    const auto again = parse_request(to_json(r).dump());
    EXPECT_EQ(to_json(again), to_json(r));
}

TEST(Protocol, EveryCommandRoundTrips) {
    for (const char* line :
         {R"({"cmd":"create","name":"a","output":"/o","source":"xen"})",
          R"({"cmd":"enable","name":"a","events":["ltt_stress","x:y"]})",
          R"({"cmd":"disable","name":"a","events":["*"]})", R"({"cmd":"start","name":"a"})",
          R"({"cmd":"stop","name":"a"})", R"({"cmd":"destroy","name":"a"})",
          R"({"cmd":"status","name":"a"})", R"({"cmd":"snapshot","name":"a"})",
          R"({"cmd":"snapshot","name":"a","output":"/s"})", R"({"cmd":"list"})"}) {
        const auto r = parse_request(line);
        EXPECT_EQ(to_json(parse_request(to_json(r).dump())), to_json(r)) << line;
        EXPECT_EQ(to_json(r)["cmd"], nlohmann::json::parse(line)["cmd"]);
    }
}

TEST(Protocol, BadRequestsSayWhy) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "not valid JSON"},
        {"{", "not valid JSON"},
        {"[]", "not a JSON object"},
        {R"({"name":"a"})", "cmd: missing"},
        {R"({"cmd":7})", "cmd: missing or not a string"},
        {R"({"cmd":"explode"})", "unknown command `explode`"},
        {R"({"cmd":"start"})", "name: missing"},
        {R"({"cmd":"start","name":""})", "not a session name"},
        {R"({"cmd":"start","name":"../x"})", "not a session name"},
        {R"({"cmd":"start","name":"-x"})", "not a session name"},
        {R"({"cmd":"start","name":"a b"})", "not a session name"},
        {R"({"cmd":"start","name":"a","extra":1})", "extra: unknown field"},
        {R"({"cmd":"create","name":"a","output":"rel","source":"xen"})",
         "output: `rel` is not an absolute path"},
        {R"({"cmd":"create","name":"a","output":"/o","source":"dir:rel"})", "source"},
        {R"({"cmd":"create","name":"a","output":"/o","source":"tcp:1"})", "source"},
        {R"({"cmd":"create","name":"a","output":"/o"})", "source: missing"},
        {R"({"cmd":"create","name":"a","output":"/o","source":"xen","mode":"x"})", "mode"},
        {R"({"cmd":"create","name":"a","output":"/o","source":"xen","subbuf_size":3000})",
         "subbuf_size: 3000 is not a power of two"},
        {R"({"cmd":"create","name":"a","output":"/o","source":"xen","subbuf_size":256})",
         "subbuf_size"},
        {R"({"cmd":"create","name":"a","output":"/o","source":"xen","subbuf_size":-1})",
         "subbuf_size: must be a non-negative integer"},
        {R"({"cmd":"create","name":"a","output":"/o","source":"xen","subbufs":1})", "subbufs"},
        {R"({"cmd":"create","name":"a","output":"/o","source":"xen","subbufs":"4"})",
         "subbufs: must be a non-negative integer"},
        {R"({"cmd":"create","name":"a","output":"/o","source":"xen","flush_interval_ms":0})",
         "flush_interval_ms"},
        {R"({"cmd":"create","name":"a","output":"/o","source":"xen","snapshot_keep":0})",
         "snapshot_keep: 0 is outside"},
        {R"({"cmd":"create","name":"a","output":"/o","source":"xen","snapshot_max_bytes":0})",
         "snapshot_max_bytes: 0 would remove"},
        {R"({"cmd":"create","name":"a","output":"/o","source":"xen","guest_max_bytes":0})",
         "guest_max_bytes: 0 would stop"},
        {R"({"cmd":"create","name":"a","output":"/o","source":"xen","snapshot_keep":-1})",
         "snapshot_keep: must be a non-negative integer"},
        {R"({"cmd":"create","name":"a","output":"/o","source":"xen","facilities":"/f"})",
         "facilities: must be an array"},
        {R"({"cmd":"enable","name":"a"})", "events: missing"},
        {R"({"cmd":"enable","name":"a","events":[]})", "events: name at least one"},
        {R"({"cmd":"enable","name":"a","events":[1]})", "events: must be a string"},
        {R"({"cmd":"enable","name":"a","events":[""]})", "empty event name"},
        {R"({"cmd":"snapshot","name":"a","output":"x"})", "output"},
    };
    for (const auto& [line, expected] : cases) {
        const std::string msg = error_of(line);
        EXPECT_NE(msg.find(expected), std::string::npos)
            << line << "\n  expected `" << expected << "` in: " << msg;
    }
}

TEST(Protocol, OversizedAndHostileInput) {
    EXPECT_NE(error_of(std::string(max_line_bytes + 1, 'x')).find("longer than"),
              std::string::npos);
    const std::string long_name = R"({"cmd":"start","name":")" + std::string(5000, 'a') + "\"}";
    EXPECT_NE(error_of(long_name).find("longer than"), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"start","name":"a\u0000b"})").find("NUL"), std::string::npos);
    std::string many = R"({"cmd":"enable","name":"a","events":[)";
    for (std::size_t i = 0; i <= max_events_per_request; i++)
        many += (i ? ",\"e\"" : "\"e\"");
    many += "]}";
    EXPECT_NE(error_of(many).find("items"), std::string::npos);
}

TEST(Protocol, Responses) {
    auto ok = parse_response(make_ok_line({{"x", 1}}));
    EXPECT_TRUE(ok.ok);
    EXPECT_EQ(ok.result["x"], 1);
    auto err = parse_response(make_error_line("no session named `a`"));
    EXPECT_FALSE(err.ok);
    EXPECT_EQ(err.error, "no session named `a`");
    EXPECT_THROW(parse_response("garbage"), protocol_error);
    EXPECT_THROW(parse_response(R"({"ok":false})"), protocol_error);
    EXPECT_THROW(parse_response(R"({"ok":"yes"})"), protocol_error);
    // Invalid UTF-8 in a message is replaced, never thrown.
    EXPECT_NO_THROW(parse_response(make_error_line("bad \xff byte")));
}

TEST(Protocol, SessionNames) {
    EXPECT_TRUE(valid_session_name("flight-recorder.1_A"));
    EXPECT_FALSE(valid_session_name(std::string(65, 'a')));
    EXPECT_FALSE(valid_session_name(".hidden"));
    EXPECT_FALSE(valid_session_name("a/b"));
}
