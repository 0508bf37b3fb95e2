// The generic CTF reader on every LTTng trace of the shared testdata
// (../shared/testdata/lttng-ctf, SOURCES.md): event and loss counts equal
// to what babeltrace2 itself reports (its CLI, run by the test), and
// `ltt-view summary` reading each, the vm-scp pair merged.
#include "../core/event_class.hpp"
#include "../readers/bt2/ctf_reader.hpp"
#include "babeltrace2_reference.hpp"
#include "child_process.hpp"
#include "scratch_dir.hpp"
#include "trace_totals.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace fs = std::filesystem;
using namespace ltt::viewer;

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    if (v == nullptr)
        throw std::runtime_error(fmt::format("{} is not set (run the test through ctest)", name));
    return v;
}

fs::path lttng_ctf() {
    return fs::path(env("LTT_TESTDATA_DIR")) / "lttng-ctf";
}

struct summary_result {
    std::uint64_t events = 0;      // the sources table's events (lost_events not counted)
    std::uint64_t lost_events = 0; // and its losses
    std::uint64_t out_of_order = 0;
    std::string err;
};

// `ltt-view summary --json PATHS...`, which must succeed.
summary_result ltt_view_summary(const std::vector<fs::path>& paths, const fs::path& work) {
    std::vector<std::string> argv{env("LTT_VIEW"), "summary", "--json"};
    for (const fs::path& p : paths)
        argv.push_back(p.string());
    const test::child_result r = test::run_child(argv, work);
    if (r.exit_status != 0)
        throw std::runtime_error(
            fmt::format("ltt-view summary failed ({}): {}", r.exit_status, r.err));
    const nlohmann::json doc = nlohmann::json::parse(r.out);
    summary_result s;
    s.out_of_order = doc.at("out_of_order").get<std::uint64_t>();
    s.err = r.err;
    for (const nlohmann::json& result : doc.at("results")) {
        for (const nlohmann::json& table : result.at("tables")) {
            if (table.at("name") != "sources")
                continue;
            for (const nlohmann::json& row : table.at("rows")) {
                s.events += row.at("events").get<std::uint64_t>();
                s.lost_events += row.at("lost_events").get<std::uint64_t>();
            }
        }
    }
    return s;
}

struct testdata_trace {
    const char* path;         // under lttng-ctf/
    std::uint64_t sources_md; // SOURCES.md's event count (babeltrace2 2.0.4)
};

std::ostream& operator<<(std::ostream& out, const testdata_trace& t) {
    return out << t.path;
}

class ctf_testdata : public testing::TestWithParam<testdata_trace> {};

} // namespace

TEST_P(ctf_testdata, counts_equal_babeltrace2s_and_summary_reads_it) {
    const fs::path trace = lttng_ctf() / GetParam().path;
    test::scratch_dir work;
    const test::babeltrace2_figures ref =
        test::babeltrace2_reference(env("BABELTRACE2"), trace, work.path() / "bt2");
    // babeltrace2's own figure is the one SOURCES.md gives (the reference
    // computation itself is sound).
    EXPECT_EQ(ref.events, GetParam().sources_md);

    class_registry classes;
    const auto reader = open_ctf_trace(trace, classes, {});
    EXPECT_EQ(reader->streams().size(), ref.ports.size());
    const source_info& s = reader->source();
    EXPECT_EQ(s.clock.unit, time_unit::ns);
    EXPECT_EQ(s.clock.name, "monotonic");
    const test::trace_totals got = test::read_totals(*reader);
    EXPECT_EQ(got.events, ref.events);
    EXPECT_EQ(got.lost_events, ref.discarded_events);
    EXPECT_EQ(got.lost_packets, ref.discarded_packets);
    EXPECT_EQ(got.unknown_losses, ref.unknown_discards);
    EXPECT_EQ(got.backwards, ref.events_backwards);
    // Nanoseconds from the Unix epoch, as babeltrace2 prints them.
    EXPECT_EQ(got.first_times, ref.first_times);

    const summary_result summary = ltt_view_summary({trace}, work.path() / "summary");
    EXPECT_EQ(summary.events, ref.events);
    EXPECT_EQ(summary.out_of_order, ref.events_backwards);
}

INSTANTIATE_TEST_SUITE_P(lttng, ctf_testdata,
                         testing::Values(testdata_trace{"bug446190", 31'556},
                                         testdata_trace{"flipping-endianness", 14'310},
                                         testdata_trace{"many-threads", 240'644},
                                         testdata_trace{"tracefile-rotation/trace/kernel", 12'305},
                                         testdata_trace{"ust-qemu-guest", 3'934},
                                         testdata_trace{"vm-scp/scp_src", 110'771},
                                         testdata_trace{"vm-scp/scp_dest", 85'729}),
                         [](const testing::TestParamInfo<testdata_trace>& param) {
                             std::string name = param.param.path;
                             for (char& c : name) {
                                 if (!std::isalnum(static_cast<unsigned char>(c)))
                                     c = '_';
                             }
                             return name;
                         });

TEST(ctf_testdata_pair, vm_scp_two_hosts_merge_on_one_ns_timeline) {
    // The two guests' traces: babeltrace2's muxer stops on them (their
    // packets overlap, SOURCES.md); ltt-view reads and merges both whole.
    test::scratch_dir work;
    const std::string bt = env("BABELTRACE2");
    const test::babeltrace2_figures src =
        test::babeltrace2_reference(bt, lttng_ctf() / "vm-scp/scp_src", work.path() / "src");
    const test::babeltrace2_figures dest =
        test::babeltrace2_reference(bt, lttng_ctf() / "vm-scp/scp_dest", work.path() / "dest");
    const summary_result summary =
        ltt_view_summary({lttng_ctf() / "vm-scp"}, work.path() / "summary");
    EXPECT_EQ(summary.events, src.events + dest.events);
    EXPECT_EQ(summary.events, 110'771u + 85'729u);
    // Events of one stream never go back in time: the overlap is between
    // packet boundaries, which babeltrace2's muxer orders and the merge
    // does not see.
    EXPECT_EQ(summary.out_of_order, src.events_backwards + dest.events_backwards);
}

namespace {

// Little-endian u64 in a file.
std::uint64_t get_u64(std::fstream& f, std::uint64_t at) {
    std::uint64_t v = 0;
    f.seekg(static_cast<std::streamoff>(at));
    f.read(reinterpret_cast<char*>(&v), sizeof v);
    return v;
}

void set_u64(std::fstream& f, std::uint64_t at, std::uint64_t v) {
    f.seekp(static_cast<std::streamoff>(at));
    f.write(reinterpret_cast<const char*>(&v), sizeof v);
}

} // namespace

TEST(ctf_testdata_losses, patched_rotation_trace_counts_equal_babeltrace2s) {
    // tracefile-rotation (LTTng 2.10) lost nothing; a copy of it does. Its
    // packet layout (metadata): header magic, uuid[16], stream_id,
    // stream_instance_id (32 bytes), then context timestamp_begin,
    // timestamp_end, content_size, packet_size (bits, at 56),
    // packet_seq_num (64), events_discarded (72), cpu_id.
    test::scratch_dir work;
    const fs::path trace = work.path() / "kernel";
    fs::create_directories(trace);
    const fs::path original = lttng_ctf() / "tracefile-rotation/trace/kernel";
    std::map<int, std::vector<fs::path>> files_of_cpu; // mychan_<cpu>_<n>, in rotation order
    for (const fs::directory_entry& e : fs::directory_iterator(original)) {
        if (!e.is_regular_file())
            continue;
        fs::copy_file(e.path(), trace / e.path().filename());
        fs::permissions(trace / e.path().filename(), fs::perms::owner_write, fs::perm_options::add);
        int cpu = 0, n = 0;
        if (std::sscanf(e.path().filename().c_str(), "mychan_%d_%d", &cpu, &n) == 2)
            files_of_cpu[cpu].push_back(trace / e.path().filename());
    }
    ASSERT_EQ(files_of_cpu.size(), 4u);
    // The tracer's counters per packet of each stream: events discarded
    // (cumulative) and sequence number offsets.
    const std::map<int, std::vector<std::uint64_t>> discarded = {
        {0, {0, 5, 12}}, // 5 then 7 lost
        {1, {3, 3, 10}}, // 3 before the first packet (count unknown), then 7
    };
    const std::map<int, std::vector<std::uint64_t>> seq_skip = {
        {2, {0, 0, 2}}, // 2 packets lost before the third
    };
    for (auto& [cpu, files] : files_of_cpu) {
        std::sort(files.begin(), files.end());
        std::size_t index = 0;
        std::uint64_t skipped = 0;
        for (const fs::path& file : files) {
            std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
            const std::uint64_t size = fs::file_size(file);
            for (std::uint64_t at = 0; at < size; ++index) {
                ASSERT_EQ(get_u64(f, at) & 0xffffffffu, 0xc1fc1fc1u) << file << " at " << at;
                if (const auto it = discarded.find(cpu);
                    it != discarded.end() && index < it->second.size())
                    set_u64(f, at + 72, it->second[index]);
                if (const auto it = seq_skip.find(cpu);
                    it != seq_skip.end() && index < it->second.size())
                    skipped += it->second[index];
                set_u64(f, at + 64, get_u64(f, at + 64) + skipped);
                const std::uint64_t packet = get_u64(f, at + 56) / 8;
                ASSERT_GT(packet, 0u);
                at += packet;
            }
        }
        if (discarded.contains(cpu) || seq_skip.contains(cpu)) {
            ASSERT_GE(index, 3u) << "stream " << cpu << " has fewer packets than patched";
        }
    }

    const test::babeltrace2_figures ref =
        test::babeltrace2_reference(env("BABELTRACE2"), trace, work.path() / "bt2");
    // What was written into the packets.
    EXPECT_EQ(ref.discarded_events, 5u + 7u + 7u);
    EXPECT_EQ(ref.unknown_discards, 1u);
    EXPECT_EQ(ref.discarded_packets, 2u);
    EXPECT_EQ(ref.events, 12'305u);

    class_registry classes;
    const auto reader = open_ctf_trace(trace, classes, {});
    const test::trace_totals got = test::read_totals(*reader);
    EXPECT_EQ(got.events, ref.events);
    EXPECT_EQ(got.lost_events, ref.discarded_events);
    EXPECT_EQ(got.unknown_losses, ref.unknown_discards);
    EXPECT_EQ(got.lost_packets, ref.discarded_packets);
}

TEST(ctf_ltt_xen_fallback, tsc_trace_of_an_unknown_facility_keeps_raw_cycles) {
    // ltt-ring-stress records with a facility of its own (ring_stress),
    // which this ltt-view was not built with: the native reader declines
    // it and the generic reader reads it, on the TSC, losses included
    // (discard mode with a slow reader).
    test::scratch_dir work;
    const test::child_result stress =
        test::run_child({env("LTT_RING_STRESS"), "--mode", "discard", "--seconds", "0.2",
                         "--reader-pause-us", "1000", "--out", (work.path() / "session").string(),
                         "--json", (work.path() / "stress.json").string()},
                        work.path() / "stress");
    ASSERT_EQ(stress.exit_status, 0) << stress.err;
    fs::path trace;
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(work.path() / "session")) {
        if (e.path().filename() == "metadata")
            trace = e.path().parent_path();
    }
    ASSERT_FALSE(trace.empty());
    std::ifstream metadata_file(trace / "metadata");
    std::stringstream metadata;
    metadata << metadata_file.rdbuf();
    std::smatch freq;
    const std::string text = metadata.str();
    ASSERT_TRUE(std::regex_search(text, freq, std::regex(R"(\bfreq = (\d+);)")));
    std::ifstream json_file(work.path() / "stress.json");
    const nlohmann::json stress_summary = nlohmann::json::parse(json_file);

    const test::babeltrace2_figures ref = test::babeltrace2_reference(
        env("BABELTRACE2"), trace, work.path() / "bt2", /*cycles=*/true);
    EXPECT_EQ(ref.events, stress_summary.at("read").get<std::uint64_t>());
    EXPECT_GT(ref.discarded_events, 0u) << "the stress run lost nothing: no loss to count";

    class_registry classes;
    const auto reader = open_ctf_trace(trace, classes, {});
    const source_info& s = reader->source();
    EXPECT_EQ(s.clock.unit, time_unit::tsc);
    EXPECT_EQ(s.clock.name, "tsc");
    EXPECT_EQ(s.clock.freq_hz, std::stoull(freq[1].str()));
    EXPECT_TRUE(s.clock.epoch.has_value());
    EXPECT_EQ(s.layer, ltt::layer::ust);
    const test::trace_totals got = test::read_totals(*reader);
    EXPECT_EQ(got.events, ref.events);
    EXPECT_EQ(got.lost_events, ref.discarded_events);
    EXPECT_EQ(got.lost_packets, ref.discarded_packets);
    EXPECT_EQ(got.unknown_losses, ref.unknown_discards);
    EXPECT_EQ(got.first_times, ref.first_times); // raw cycles

    // Through ltt-view: the native reader declines, says so, the generic one reads.
    const summary_result summary =
        ltt_view_summary({work.path() / "session"}, work.path() / "view");
    EXPECT_EQ(summary.events, ref.events);
    EXPECT_EQ(summary.lost_events, ref.discarded_events);
    EXPECT_NE(summary.err.find("reading it with libbabeltrace2 instead"), std::string::npos)
        << summary.err;
}
