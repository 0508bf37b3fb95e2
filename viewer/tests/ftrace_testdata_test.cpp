// The ftrace text reader on the real dom0 trace of the test data
// (xen-4.17-qemu/dom0-ftrace-x86tsc.txt.gz, recorded with the x86-tsc clock
// while xentrace recorded xentrace.bin): what it reads must equal what
// ftrace_text_facts.py computes from the same file with a regular
// expression, and its TSC must be xentrace's.
#include "ftrace_test_support.hpp"

#include "core/event_class.hpp"
#include "readers/ftrace/ftrace_trace.hpp"
#include "readers/open.hpp"

#include <gtest/gtest.h>

#include <map>

namespace ltt::viewer {
namespace {

namespace fs = std::filesystem;
using test::read_event;

fs::path dom0_ftrace() {
    return test::testdata() / "xen-4.17-qemu" / "dom0-ftrace-x86tsc.txt.gz";
}

class Dom0Ftrace : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        facts_ = new nlohmann::json(test::text_facts(dom0_ftrace()));
        class_registry classes;
        const auto reader = open_ftrace_text(dom0_ftrace(), classes, {});
        source_ = new source_info(reader->source());
        events_ = new std::vector<read_event>(test::read_streams(*reader));
    }
    static void TearDownTestSuite() {
        delete facts_;
        delete source_;
        delete events_;
    }
    static nlohmann::json* facts_;
    static source_info* source_;
    static std::vector<read_event>* events_;
};

nlohmann::json* Dom0Ftrace::facts_ = nullptr;
source_info* Dom0Ftrace::source_ = nullptr;
std::vector<read_event>* Dom0Ftrace::events_ = nullptr;

TEST_F(Dom0Ftrace, IsRecognisedAsFtraceOnTheTsc) {
    EXPECT_TRUE(is_ftrace_text(dom0_ftrace()));
    EXPECT_FALSE(is_trace_cmd_file(dom0_ftrace()));
    EXPECT_EQ(source_->clock.unit, time_unit::tsc);
    EXPECT_EQ(source_->clock.name, "x86-tsc");
    EXPECT_EQ(source_->format, "ftrace");
}

TEST_F(Dom0Ftrace, CountsPerEventAndCpuAreTheScriptsOnes) {
    std::map<std::string, std::uint64_t> names;
    std::map<std::string, std::uint64_t> cpus;
    for (const read_event& e : *events_) {
        ++names[e.name];
        ++cpus[std::to_string(e.cpu)];
    }
    std::map<std::string, std::uint64_t> want_names;
    for (const auto& [name, n] : (*facts_)["events"].items())
        want_names[name] = n.get<std::uint64_t>();
    std::map<std::string, std::uint64_t> want_cpus;
    for (const auto& [cpu, n] : (*facts_)["cpus"].items())
        want_cpus[cpu] = n.get<std::uint64_t>();
    EXPECT_EQ(names, want_names);
    EXPECT_EQ(cpus, want_cpus);
    EXPECT_EQ(names.count("lost_events"), 0u); // none lost, none invented
}

TEST_F(Dom0Ftrace, TimestampsInOrderFirstAndLast) {
    ASSERT_FALSE(events_->empty());
    EXPECT_EQ(facts_->at("backwards"), 0);
    for (std::size_t i = 1; i < events_->size(); ++i)
        ASSERT_LE((*events_)[i - 1].ts, (*events_)[i].ts) << "event " << i;
    EXPECT_EQ(events_->front().ts, facts_->at("first_ts").get<std::uint64_t>());
    EXPECT_EQ(events_->back().ts, facts_->at("last_ts").get<std::uint64_t>());
}

TEST_F(Dom0Ftrace, BuiltinFieldsAreTheScriptsConversions) {
    std::int64_t prev_tid = 0, next_prio = 0, state = 0, irq = 0;
    for (const read_event& e : *events_) {
        if (e.name == "sched_switch") {
            EXPECT_EQ(e.facility, "sched");
            prev_tid += std::stoll(e.at("prev_tid"));
            next_prio += std::stoll(e.at("next_prio"));
            state += std::stoll(e.at("prev_state"));
        } else if (e.name == "irq_handler_entry") {
            EXPECT_EQ(e.facility, "irq");
            irq += std::stoll(e.at("irq"));
        } else {
            EXPECT_EQ(e.facility, "ftrace_text_line") << e.name;
            EXPECT_TRUE(e.fields.count("common_comm") && e.fields.count("common_pid"));
        }
    }
    EXPECT_EQ(prev_tid, facts_->at("switch_prev_tid_sum").get<std::int64_t>());
    EXPECT_EQ(next_prio, facts_->at("switch_next_prio_sum").get<std::int64_t>());
    EXPECT_EQ(state, facts_->at("switch_state_sum").get<std::int64_t>());
    EXPECT_EQ(irq, facts_->at("irq_sum").get<std::int64_t>());
}

// The markers the recording wrote carry the TSC user space read just before
// writing them (rdtsc, not the kernel's clock): each event's timestamp is
// that value plus the write's latency (under QEMU TCG, milliseconds).
TEST_F(Dom0Ftrace, MarkersCarryTheirOwnTsc) {
    const auto& marks = facts_->at("marks");
    ASSERT_GE(marks.size(), 2u);
    std::size_t seen = 0;
    for (const read_event& e : *events_) {
        if (e.name != "tracing_mark_write")
            continue;
        const auto tsc_at = e.at("text").find("tsc=");
        ASSERT_NE(tsc_at, std::string::npos);
        const std::uint64_t written = std::stoull(e.at("text").substr(tsc_at + 4));
        EXPECT_EQ(written, marks[seen][1].get<std::uint64_t>());
        EXPECT_GE(e.ts, written);
        EXPECT_LT(e.ts - written, 260'000'000u) << "more than 0.1 s at 2.6 GHz";
        ++seen;
    }
    EXPECT_EQ(seen, marks.size());
}

// Both traces were recorded at the same time on one TSC: their spans must
// nearly coincide (ftrace was started a little before xentrace and stopped
// a little after it; the spans differ by milliseconds, a different clock
// or unit would put them seconds or orders of magnitude apart).
TEST_F(Dom0Ftrace, SpanIsXentracesOnTheSameTsc) {
    const auto xen =
        test::text_facts(test::testdata() / "xen-4.17-qemu" / "xentrace.bin", "--xentrace");
    const std::uint64_t x_first = xen.at("first_tsc"), x_last = xen.at("last_tsc");
    const std::uint64_t f_first = events_->front().ts, f_last = events_->back().ts;
    const std::uint64_t tolerance = 2'600'000'000 / 4; // 0.25 s at Xen's 2.6 GHz
    EXPECT_LT(f_first > x_first ? f_first - x_first : x_first - f_first, tolerance);
    EXPECT_LT(f_last > x_last ? f_last - x_last : x_last - f_last, tolerance);
    const std::uint64_t overlap = std::min(f_last, x_last) - std::max(f_first, x_first);
    EXPECT_GT(static_cast<double>(overlap), 0.95 * static_cast<double>(x_last - x_first));
}

// Damaged copies of the real file: one clear error naming the file, never a
// shorter trace.
TEST_F(Dom0Ftrace, DamagedCopiesAreErrors) {
    test::temp_dir dir;
    const std::string z = test::read_file(dom0_ftrace());
    const auto file = dir / "damaged.txt.gz";
    for (const std::size_t cut : {z.size() / 4, z.size() / 2, z.size() - 9, z.size() - 1}) {
        test::write_file(file, z.substr(0, cut));
        try {
            class_registry classes;
            const auto reader = open_ftrace_text(file, classes, {});
            test::read_streams(*reader);
            ADD_FAILURE() << "cut at " << cut << ": no error";
        } catch (const std::exception& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find(file.string() + ": offset"), std::string::npos) << what;
        }
    }
    // A bit changed mid-stream: zlib's check of the data, or the damaged
    // line the reader meets first, stops it.
    std::string flipped = z;
    flipped[z.size() / 2] = static_cast<char>(flipped[z.size() / 2] ^ 0x01);
    test::write_file(file, flipped);
    try {
        class_registry classes;
        const auto reader = open_ftrace_text(file, classes, {});
        test::read_streams(*reader);
        ADD_FAILURE() << "bit flip: no error";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find(file.string() + ":"), std::string::npos) << e.what();
    }
}

// The same through readers/open.cpp, as `ltt-view` opens it.
TEST_F(Dom0Ftrace, OpensThroughOpenInputs) {
    class_registry classes;
    const opened_inputs in = open_inputs({dom0_ftrace().string()}, classes, {});
    ASSERT_EQ(in.readers.size(), 1u);
    EXPECT_EQ(in.unit, time_unit::tsc);
    ASSERT_EQ(in.streams.size(), 1u);
}

} // namespace
} // namespace ltt::viewer
