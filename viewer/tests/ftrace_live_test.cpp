// The ftrace readers on traces recorded here and now by this machine's
// kernel (ftrace_record.sh: a tracefs instance of its own, a fork loop),
// against what the kernel and trace-cmd say about the same recording:
//   - the text file and the trace-cmd .dat file of one buffer must give the
//     same events, field by field (text: letters and printed numbers; .dat:
//     the binary records), and the counts `trace-cmd report` prints;
//   - a nanosecond clock's events must fall inside CLOCK_MONOTONIC's
//     window around the recording;
//   - an overwritten buffer's losses must be the kernel's overrun counts
//     (per_cpu/cpuN/stats), from the text header, from trace_pipe's "LOST"
//     lines and from the .dat's missed events.
// Skipped (with the reason) where the machine cannot record: not root, no
// tracefs, no x86-tsc clock, no trace-cmd.
#include "ftrace_test_support.hpp"

#include "core/event_class.hpp"
#include "readers/ftrace/ftrace_trace.hpp"
#include "readers/ftrace/kernel_classes.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <ctime>
#include <map>
#include <optional>
#include <regex>
#include <sys/wait.h>

namespace ltt::viewer {
namespace {

namespace fs = std::filesystem;
using test::read_event;

struct recording {
    std::unique_ptr<test::temp_dir> dir;
    std::string skip; // why there is none
    fs::path operator/(const std::string& name) const { return *dir / name; }
};

recording record(const std::string& clock, int buffer_kb, const std::string& mode) {
    recording r;
    r.dir = std::make_unique<test::temp_dir>();
    const std::string command =
        fmt::format("'{}' '{}' {} {} {} 2>'{}'", LTT_FTRACE_RECORD_SCRIPT, r.dir->path().string(),
                    clock, buffer_kb, mode, (*r.dir / "record.err").string());
    const int status = std::system(command.c_str());
    const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (rc == 77) {
        r.skip = test::read_file(*r.dir / "record.err");
    } else if (rc != 0) {
        throw std::runtime_error(
            fmt::format("{} failed ({}): {}", command, rc, test::read_file(*r.dir / "record.err")));
    }
    return r;
}

struct opened {
    source_info source;
    std::vector<read_event> events;
};

opened read(const fs::path& file) {
    class_registry classes;
    const auto reader = is_trace_cmd_file(file) ? open_trace_cmd(file, classes, {})
                                                : open_ftrace_text(file, classes, {});
    opened o;
    o.source = reader->source();
    o.events = test::read_streams(*reader);
    return o;
}

std::map<std::string, std::uint64_t> counts_by_name(const std::vector<read_event>& events) {
    std::map<std::string, std::uint64_t> n;
    for (const read_event& e : events)
        ++n[e.name];
    return n;
}

std::map<std::string, std::uint64_t> json_counts(const nlohmann::json& j) {
    std::map<std::string, std::uint64_t> n;
    for (const auto& [k, v] : j.items())
        n[k] = v.get<std::uint64_t>();
    return n;
}

// per_cpu/cpuN/stats "overrun:" by CPU (CPUs that lost nothing left out).
std::map<std::uint32_t, std::uint64_t> overruns(const fs::path& stats) {
    std::map<std::uint32_t, std::uint64_t> out;
    const std::string text = test::read_file(stats);
    const std::regex cpu_re(R"(/cpu(\d+)\n(?:[^\n]*\n)*?overrun: (\d+))");
    for (std::sregex_iterator it(text.begin(), text.end(), cpu_re), end; it != end; ++it) {
        if (const std::uint64_t n = std::stoull((*it)[2]); n != 0)
            out[static_cast<std::uint32_t>(std::stoul((*it)[1]))] = n;
    }
    return out;
}

std::map<std::uint32_t, std::uint64_t> losses_by_cpu(const std::vector<read_event>& events) {
    std::map<std::uint32_t, std::uint64_t> out;
    for (const read_event& e : events) {
        if (e.name == "lost_events")
            out[e.cpu] += std::stoull(e.at("count"));
    }
    return out;
}

// The fields both readers give the same way: the builtin classes' all
// (irq_handler_exit's ret as handled or not: the text keeps no more).
std::map<std::string, std::string> comparable(const read_event& e) {
    if (kernel_event_named(e.name)) {
        auto f = e.fields;
        if (e.name == "irq_handler_exit")
            f["ret"] = f["ret"] == "0" ? "0" : "1";
        return f;
    }
    return {{"common_pid", e.fields.count("common_pid") ? e.at("common_pid") : "?"}};
}

std::string comparable_name(const read_event& e) {
    // What trace_marker writes is `print` (system ftrace) in a .dat file,
    // printed as tracing_mark_write in text.
    return e.name == "print" ? "tracing_mark_write" : e.name;
}

TEST(LiveFtrace, TextAndDatOfOneBufferAgreeEventByEvent) {
    const recording r = record("x86-tsc", 1024, "dat");
    if (!r.skip.empty())
        GTEST_SKIP() << r.skip;
    const opened text = read(r / "trace.txt");
    const opened dat = read(r / "trace.dat");
    EXPECT_EQ(text.source.clock.unit, time_unit::tsc);
    EXPECT_EQ(dat.source.clock.unit, time_unit::tsc);
    EXPECT_EQ(dat.source.clock.name, "x86-tsc");
    EXPECT_EQ(dat.source.format, "trace-cmd");

    // Each against its independent count.
    const auto facts = test::text_facts(r / "trace.txt");
    EXPECT_EQ(counts_by_name(text.events), json_counts(facts["events"]));
    const auto report = test::text_facts(r / "trace.dat", "--trace-cmd");
    EXPECT_EQ(counts_by_name(dat.events), json_counts(report["events"]));
    ASSERT_GT(text.events.size(), 100u) << "the recording caught too little to compare";

    // Event by event, per CPU (the text is all CPUs in time order, the .dat
    // one stream per CPU).
    std::map<std::uint32_t, std::vector<const read_event*>> by_cpu;
    for (const read_event& e : text.events)
        by_cpu[e.cpu].push_back(&e);
    std::map<std::uint32_t, std::size_t> at;
    for (const read_event& d : dat.events) {
        auto& list = by_cpu[d.cpu];
        std::size_t& i = at[d.cpu];
        ASSERT_LT(i, list.size()) << "the .dat has more events on CPU " << d.cpu;
        const read_event& t = *list[i++];
        ASSERT_EQ(t.ts, d.ts) << "CPU " << d.cpu << " event " << i;
        ASSERT_EQ(comparable_name(t), comparable_name(d)) << "ts " << d.ts;
        EXPECT_EQ(comparable(t), comparable(d)) << d.name << " at " << d.ts;
    }
    for (const auto& [cpu, list] : by_cpu)
        EXPECT_EQ(at[cpu], list.size()) << "the text has more events on CPU " << cpu;
}

std::uint64_t monotonic_ns() {
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000'000u +
           static_cast<std::uint64_t>(t.tv_nsec);
}

TEST(LiveFtrace, MonoClockIsNanosecondsSinceBoot) {
    const std::uint64_t before = monotonic_ns();
    const recording r = record("mono", 1024, "dat");
    const std::uint64_t after = monotonic_ns();
    if (!r.skip.empty())
        GTEST_SKIP() << r.skip;
    for (const char* file : {"trace.txt", "trace.dat"}) {
        const opened o = read(r / file);
        EXPECT_EQ(o.source.clock.unit, time_unit::ns) << file;
        EXPECT_NE(o.source.clock.name.find("since boot"), std::string::npos) << file;
        ASSERT_FALSE(o.source.notices.empty()) << file;
        ASSERT_FALSE(o.events.empty()) << file;
        for (const read_event& e : o.events) {
            // The text prints microseconds: its values are up to 1 us low.
            ASSERT_GE(e.ts + 1000, before) << file << " " << e.name;
            ASSERT_LE(e.ts, after) << file << " " << e.name;
        }
    }
}

TEST(LiveFtrace, OverwrittenBufferLossesAreTheKernels) {
    const recording r = record("x86-tsc", 4, "pipe");
    if (!r.skip.empty())
        GTEST_SKIP() << r.skip;
    const auto kernel = overruns(r / "stats.txt");
    std::uint64_t total = 0;
    for (const auto& [cpu, n] : kernel)
        total += n;
    ASSERT_GT(total, 0u) << "a 4 KiB buffer should have been overwritten";

    // `trace`: the header's entries-written - entries-in-buffer, once.
    const opened text = read(r / "trace.txt");
    EXPECT_EQ(test::text_facts(r / "trace.txt")["overwritten"].get<std::uint64_t>(), total);
    std::uint64_t text_lost = 0;
    for (const auto& [cpu, n] : losses_by_cpu(text.events))
        text_lost += n;
    EXPECT_EQ(text_lost, total);

    // `trace_pipe`: "CPU:n [LOST m EVENTS]" per CPU.
    const opened pipe = read(r / "pipe.txt");
    EXPECT_EQ(losses_by_cpu(pipe.events), kernel);
    EXPECT_EQ(test::text_facts(r / "pipe.txt")["lost"].get<std::uint64_t>(), total);
}

TEST(LiveFtrace, DatMissedEventsAreTheKernelsOverruns) {
    // Record until trace-cmd's own report says a page carried missed events
    // (see below: now and then no page read is flagged, and with 2 CPUs both
    // can be unflagged in one run); a recording without any says nothing
    // about how the reader reads them.
    std::optional<recording> r;
    std::map<std::uint32_t, std::uint64_t> dropped;
    for (int attempt = 0; attempt < 5 && dropped.empty(); ++attempt) {
        r = record("x86-tsc", 4, "dat");
        if (!r->skip.empty())
            GTEST_SKIP() << r->skip;
        const auto report = test::text_facts(*r / "trace.dat", "--trace-cmd");
        for (const auto& [cpu, n] : report["dropped"].items())
            dropped[static_cast<std::uint32_t>(std::stoul(cpu))] = n.get<std::uint64_t>();
    }
    ASSERT_FALSE(dropped.empty()) << "5 recordings with a 4 KiB buffer and no page flagged";
    const auto kernel = overruns(*r / "stats.txt");
    const opened dat = read(*r / "trace.dat");
    // The .dat file holds what trace-cmd's own report says was dropped
    // (the reference). It can say less than the kernel's overrun counter:
    // missed events reach the file only through the headers of the pages
    // extract reads, and now and then (about one run in ten here) a CPU's
    // overruns are counted in stats but flagged on no page read. So: equal
    // to trace-cmd's report, never more than the kernel's, and the loss of
    // at least one CPU seen.
    auto seen = losses_by_cpu(dat.events);
    std::erase_if(seen, [](const auto& cpu_count) { return cpu_count.second == 0; });
    EXPECT_EQ(seen, dropped);
    std::uint64_t seen_total = 0;
    for (const auto& [cpu, n] : seen) {
        EXPECT_LE(n, kernel.contains(cpu) ? kernel.at(cpu) : 0) << "CPU " << cpu;
        seen_total += n;
    }
    EXPECT_GT(seen_total, 0u);
}

} // namespace
} // namespace ltt::viewer
