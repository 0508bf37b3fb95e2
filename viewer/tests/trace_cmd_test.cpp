// The trace-cmd .dat reader on a file with known contents, written by
// make_trace_dat.py from the file format's description (every value
// checked here is listed in that script), and on damaged copies of it.
#include "ftrace_test_support.hpp"

#include "core/event_class.hpp"
#include "readers/ftrace/ftrace_trace.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace ltt::viewer {
namespace {

namespace fs = std::filesystem;
using test::read_event;

fs::path make_dat(const test::temp_dir& dir, const std::string& clock = "x86-tsc") {
    const fs::path file = dir / fmt::format("{}.dat", clock);
    const std::string command =
        fmt::format("python3 '{}' '{}' {}", LTT_MAKE_TRACE_DAT_SCRIPT, file.string(), clock);
    if (std::system(command.c_str()) != 0)
        throw std::runtime_error(command + " failed");
    return file;
}

struct opened {
    source_info source;
    std::vector<std::string> streams;
    std::vector<read_event> events;
};

opened read(const fs::path& file) {
    class_registry classes;
    const auto reader = open_trace_cmd(file, classes, {});
    opened o;
    o.source = reader->source();
    for (event_stream* s : reader->streams())
        o.streams.push_back(s->info().name);
    o.events = test::read_streams(*reader);
    return o;
}

constexpr std::uint64_t base = 1'000'000'000;

TEST(TraceCmdReader, KnownFileGivesItsEvents) {
    test::temp_dir dir;
    const fs::path file = make_dat(dir);
    EXPECT_TRUE(is_trace_cmd_file(file));
    EXPECT_FALSE(is_ftrace_text(file));
    const opened o = read(file);
    EXPECT_EQ(o.source.format, "trace-cmd");
    EXPECT_EQ(o.source.clock.unit, time_unit::tsc);
    EXPECT_EQ(o.source.clock.name, "x86-tsc");
    // One stream: libtracecmd's merge of every CPU, in time order.
    EXPECT_EQ(o.streams, (std::vector<std::string>{"all_cpus"}));
    const auto& ev = o.events;
    ASSERT_EQ(ev.size(), 11u);
    for (std::size_t i = 1; i < ev.size(); ++i)
        EXPECT_LE(ev[i - 1].ts, ev[i].ts) << i;

    // CPU 1's first page: 42 lost before it.
    EXPECT_EQ(ev[0].name, "lost_events");
    EXPECT_EQ(ev[0].cpu, 1u);
    EXPECT_EQ(ev[0].at("count"), "42");
    EXPECT_EQ(ev[0].ts, base + 50);
    EXPECT_EQ(ev[1].name, "sched_waking");
    EXPECT_EQ(ev[1].cpu, 1u);
    EXPECT_EQ(ev[1].fields,
              (std::map<std::string, std::string>{
                  {"comm", "kworker/1:0"}, {"tid", "9"}, {"prio", "0"}, {"target_cpu", "1"}}));
    EXPECT_EQ(ev[2].ts, base + 60);
    EXPECT_EQ(ev[2].at("prev_state"), "1");
    EXPECT_EQ(ev[2].at("next_comm"), "swapper/1");

    // CPU 0.
    EXPECT_EQ(ev[3].name, "sched_switch");
    EXPECT_EQ(ev[3].facility, "sched");
    EXPECT_EQ(ev[3].cpu, 0u);
    EXPECT_EQ(ev[3].ts, base + 100);
    EXPECT_EQ(ev[3].fields, (std::map<std::string, std::string>{{"prev_comm", "bash"},
                                                                {"prev_tid", "77"},
                                                                {"prev_prio", "20"},
                                                                {"prev_state", "256"},
                                                                {"next_comm", "Web Content"},
                                                                {"next_tid", "5"},
                                                                {"next_prio", "-2"}}));
    EXPECT_EQ(ev[4].name, "irq_handler_entry");
    EXPECT_EQ(ev[4].ts, base + 250);
    EXPECT_EQ(ev[4].at("irq"), "26");
    EXPECT_EQ(ev[4].at("name"), "resched0");
    EXPECT_EQ(ev[5].at("ret"), "2"); // IRQ_WAKE_THREAD, which text cannot tell
    EXPECT_EQ(ev[6].name, "softirq_entry");
    EXPECT_EQ(ev[6].at("vec"), "9");

    // CPU 1's second page: lost, how many unknown.
    EXPECT_EQ(ev[7].name, "lost_events");
    EXPECT_EQ(ev[7].cpu, 1u);
    EXPECT_EQ(ev[7].at("count"), "0");
    EXPECT_EQ(ev[7].at("begin_ts"), std::to_string(base + 60));
    EXPECT_EQ(ev[8].name, "softirq_raise");
    EXPECT_EQ(ev[8].ts, base + 500);
    EXPECT_EQ(ev[8].at("vec"), "1");

    // CPU 0 after a time extend: T + 300 + 2^27 + 5.
    EXPECT_EQ(ev[9].name, "xen_mc_flush");
    EXPECT_EQ(ev[9].facility, "xen");
    EXPECT_EQ(ev[9].cpu, 0u);
    EXPECT_EQ(ev[9].ts, base + 300 + (1u << 27) + 5);
    EXPECT_EQ(ev[9].fields, (std::map<std::string, std::string>{{"common_comm", "bash"},
                                                                {"common_pid", "77"},
                                                                {"mcidx", "3"},
                                                                {"argidx", "112"},
                                                                {"cbidx", "1"}}));
    EXPECT_EQ(ev[10].name, "print");
    EXPECT_EQ(ev[10].facility, "ftrace");
    EXPECT_EQ(ev[10].at("buf"), "MARK tsc=123\n");
    EXPECT_EQ(ev[10].at("ip"), std::to_string(0xffffffff81000000u));
    EXPECT_EQ(ev[10].at("text"), "0xffffffff81000000: MARK tsc=123\n");
}

// The same file read by trace-cmd report: the counts agree, which also
// proves the generated file is a valid .dat.
TEST(TraceCmdReader, CountsAreTraceCmdReports) {
    test::temp_dir dir;
    const fs::path file = make_dat(dir);
    const auto report = test::text_facts(file, "--trace-cmd");
    std::map<std::string, std::uint64_t> want;
    for (const auto& [name, n] : report["events"].items())
        want[name] = n.get<std::uint64_t>();
    std::map<std::string, std::uint64_t> got;
    for (const read_event& e : read(file).events) {
        if (e.name != "lost_events")
            ++got[e.name];
    }
    EXPECT_EQ(got, want);
    EXPECT_EQ(report["dropped"]["1"].get<std::uint64_t>(), 42u);
}

TEST(TraceCmdReader, ClocksAndTheirUnits) {
    test::temp_dir dir;
    const opened mono = read(make_dat(dir, "mono"));
    EXPECT_EQ(mono.source.clock.unit, time_unit::ns);
    EXPECT_NE(mono.source.clock.name.find("since boot"), std::string::npos);
    ASSERT_FALSE(mono.source.notices.empty());
    EXPECT_NE(mono.source.notices[0].find("cannot be merged with TSC sources"), std::string::npos);
    for (const char* clock : {"counter", "uptime", "no_such_clock"}) {
        const fs::path file = make_dat(dir, clock);
        try {
            read(file);
            ADD_FAILURE() << clock << ": no error";
        } catch (const std::exception& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find(file.string()), std::string::npos) << what;
            EXPECT_NE(what.find(fmt::format("trace clock `{}`", clock)), std::string::npos) << what;
        }
    }
}

// Damaged copies: an error naming the file, or events (a .dat file has no
// checksum: a changed field value reads as that value); never a crash
// (this test also runs under ASan).
TEST(TraceCmdReader, DamagedCopiesAreErrorsNeverCrashes) {
    test::temp_dir dir;
    const fs::path good = make_dat(dir);
    const std::string bytes = test::read_file(good);
    const fs::path file = dir / "damaged.dat";
    const auto check = [&](const std::string& damaged, const std::string& what) {
        test::write_file(file, damaged);
        try {
            read(file);
        } catch (const std::exception& e) {
            EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos)
                << what << ": " << e.what();
        }
    };
    // Cut in the header: libtracecmd refuses it.
    for (std::size_t cut : {10u, 100u, 1000u, 2000u}) {
        test::write_file(file, bytes.substr(0, cut));
        EXPECT_THROW(read(file), std::exception) << "cut at " << cut;
    }
    // Cut in the CPU data: libtracecmd checks each CPU's data is in the file.
    test::write_file(file, bytes.substr(0, bytes.size() - 100));
    EXPECT_THROW(read(file), std::exception) << "cut in the data";
    for (std::size_t at = 0; at < bytes.size(); at += 53) {
        std::string damaged = bytes;
        damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
        check(damaged, fmt::format("byte {}", at));
    }
}

} // namespace
} // namespace ltt::viewer
