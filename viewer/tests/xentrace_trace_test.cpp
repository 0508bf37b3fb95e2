// The xentrace reader: hand-built files with known answers (every mapped
// event's fields, losses, records without a TSC, unknown ids, names from the
// formats file, the running vCPU filled into HVM records, VMX or SVM), the
// real files of ../shared/testdata against the record reader's counts, and
// truncated and corrupted copies of them (one format_error naming the file
// and the offset, at open, never a crash).
#include "core/event_class.hpp"
#include "core/loss.hpp"
#include "merge/merger.hpp"
#include "readers/open.hpp"
#include "readers/xentrace/xentrace_formats.hpp"
#include "readers/xentrace/xentrace_reader.hpp"
#include "readers/xentrace/xentrace_trace.hpp"
#include "report/event_text.hpp"
#include "xentrace_file_builder.hpp"

#include <ltt/errors.hpp>
#include <ltt/mapped_file.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

namespace ltt::viewer {
namespace {

namespace fs = std::filesystem;
using testing::dom_vcpu;
using testing::runstate_change;
using testing::xentrace_file_builder;

fs::path testdata() {
    const char* dir = std::getenv("LTT_TESTDATA_DIR");
    return dir ? dir : "../shared/testdata";
}

std::string formats_file() {
    return LTT_SOURCE_DIR "/viewer/readers/xentrace/xen-4.17-formats";
}

// A file in a directory of this process (test processes run in parallel),
// removed when the process ends.
fs::path scratch(const std::string& name) {
    struct directory {
        fs::path path =
            fs::temp_directory_path() / fmt::format("ltt-view-xentrace-test-{}", ::getpid());
        directory() { fs::create_directories(path); }
        ~directory() {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    };
    static const directory dir;
    return dir.path / name;
}

// Every event of a file, merged, one line each (raw timestamps).
std::vector<std::string> read_lines(const fs::path& file, std::string formats = formats_file()) {
    class_registry classes;
    read_options options;
    options.xentrace_formats = std::move(formats);
    auto reader = open_xentrace_file(file, classes, options);
    std::vector<event_stream*> streams(reader->streams().begin(), reader->streams().end());
    for (std::size_t i = 0; i < streams.size(); ++i)
        streams[i]->set_index(static_cast<std::uint32_t>(i));
    merger merge(streams);
    event_text_style style;
    style.absolute = true;
    std::vector<std::string> lines;
    event e;
    while (merge.next(e)) {
        fmt::memory_buffer out;
        append_event_line(out, e, style);
        std::string line(out.data(), out.size());
        line.pop_back(); // the newline
        // Drop the timestamp's padding.
        line.erase(0, line.find_first_not_of(' '));
        lines.push_back(std::move(line));
    }
    return lines;
}

TEST(XentraceFormats, NamesEventsAndWords) {
    const auto f = ltt::xentrace::formats::load(formats_file());
    const auto* wake = f.find(0x28004);
    ASSERT_NE(wake, nullptr);
    EXPECT_EQ(wake->name, "domain_wake");
    EXPECT_EQ(wake->words_shown, 2u);
    EXPECT_EQ(ltt::xentrace::word_name(wake, 0), "dom");
    EXPECT_EQ(ltt::xentrace::word_name(wake, 1), "vcpu");
    EXPECT_EQ(ltt::xentrace::word_name(wake, 2), "w3");
    const auto* npf = f.find(0x82021);
    ASSERT_NE(npf, nullptr);
    EXPECT_EQ(npf->words[0], "gpa_lo");
    EXPECT_EQ(npf->words[1], "gpa_hi");
    EXPECT_EQ(npf->words[5], "p2mt");
    EXPECT_TRUE(npf->hex[0]);
    const auto* burn = f.find(0x22203);
    ASSERT_NE(burn, nullptr);
    EXPECT_EQ(burn->name, "csched2:credit_burn");
    EXPECT_TRUE(burn->is_signed[1]);
    // Shared names: the 64-bit variant gets "64".
    EXPECT_EQ(f.find(0x82001)->name, "PF_XEN");
    EXPECT_EQ(f.find(0x82101)->name, "PF_XEN64");
    EXPECT_EQ(f.find(0x0), nullptr); // the template line for unlisted ids
    EXPECT_EQ(f.find(0x22217), nullptr);
}

TEST(XentraceFormats, BadLinesAreErrors) {
    EXPECT_THROW(ltt::xentrace::formats::parse("0x00028004 ok\nnot a line\n", "f"),
                 ltt::parse_error);
    try {
        ltt::xentrace::formats::parse("# comment\n\n0x2800g  bad [ x = %(1)d ]\n", "f");
        FAIL();
    } catch (const ltt::parse_error& e) {
        EXPECT_EQ(e.line(), 3u);
        EXPECT_EQ(e.file(), "f");
    }
    EXPECT_THROW(ltt::xentrace::formats::parse("0x100000000 big\n", "f"), ltt::parse_error);
    EXPECT_THROW(ltt::xentrace::formats::load("/nonexistent/formats"), std::system_error);
}

TEST(XentraceTrace, DetectsXentraceFiles) {
    EXPECT_TRUE(is_xentrace_file(testdata() / "xentrace/hvm-credit2-8cpu.bin"));
    EXPECT_TRUE(is_xentrace_file(testdata() / "xen-4.17-qemu/xentrace.bin"));
    EXPECT_FALSE(is_xentrace_file(testdata() / "xentrace/xen-4.17-formats"));
    EXPECT_FALSE(is_xentrace_file(testdata() / "xen-4.17-qemu/dom0-ftrace-x86tsc.txt.gz"));
}

// Each mapped record, its builtin event and field values.
TEST(XentraceTrace, MapsRecordsOntoBuiltinEvents) {
    xentrace_file_builder b;
    b.window(1)
        .rec(runstate_change(1, 0), 100, {dom_vcpu(3, 1)})
        .rec(0x28004, 101, {3, 1})                   // TRC_SCHED_WAKE
        .rec(0x2800a, 102, {0, 2, 32767, 0})         // TRC_SCHED_SWITCH
        .rec(0x2800f, 103, {3, 1, 500, 0xffffffffu}) // INFNEXT, r_time -1
        .rec(0x81102, 104, {30, 0x1234, 0xffff8000}) // VMEXIT64, IO_INSTRUCTION
        .rec(0x82004, {243, 0})                      // INJ_VIRQ, no TSC
        .rec(0x82102, {6, 0xdead0000, 0x1})          // PF_INJECT64
        .rec(0x82012, {24})                          // VMMCALL: vcpu_op
        .rec(0x8200f, {250})                         // INTR (VMX)
        .rec(0x81001, 110, {})                       // VMENTRY
        .rec(0x10f001, 111, {5})                     // grant map of domain 5
        .rec(0x41001, 112, {9})                      // domain created
        .rec(0x20100d, 113, {0x00300001u, 7, 8})     // PV hypercall v2 mmu_update
        .rec(0x20200e, 114, {400})                   // subcall out of range
        .rec(runstate_change(0, 2), 120, {dom_vcpu(3, 1)})
        .rec(0x81002, 121, {1, 0x10}); // VMEXIT with no vCPU running
    const auto lines = read_lines(b.write(scratch("mapped.bin")));
    const std::vector<std::string> expected = {
        "100 hypervisor/cpu1 runstate_change: domid=3 vcpu=1 old_state=runnable "
        "new_state=running",
        "101 hypervisor/cpu1 sched_wake: dom_id=3 cpu_id=1",
        "102 hypervisor/cpu1 sched_switch: prev_dom_id=0 prev_cpu_id=2 next_dom_id=32767 "
        "next_cpu_id=0",
        "103 hypervisor/cpu1 sched_switch_infnext: next_dom_id=3 next_state_entry_time=500 "
        "r_time=-1",
        "104 hypervisor/cpu1 hvm_vmexit: dom_id=3 vcpu=1 exit_reason=io_instruction "
        "rip=0xffff800000001234",
        "104 hypervisor/cpu1 hvm_intr_inject: dom_id=3 vcpu=1 vector=243 source=255 "
        "delivery=255",
        "104 hypervisor/cpu1 hvm_exc_inject: dom_id=3 vcpu=1 vector=14 event_type=hw_exception "
        "error_code=0x6 fault_addr=0x1dead0000",
        "104 hypervisor/cpu1 hypercall_entry: number=vcpu_op",
        "104 hypervisor/cpu1 irq_entry: vector=250 irq=-2147483648",
        "110 hypervisor/cpu1 hvm_vmentry:",
        "111 hypervisor/cpu1 memory_grant_map: dom_id=5 ref=4294967295 map_dom_id=3",
        "112 hypervisor/cpu1 domain_create: dom_id=9 guest_type=255 max_vcpus=4294967295 "
        "privileged=255",
        "113 hypervisor/cpu1 hypercall_entry: number=mmu_update",
        "114 hypervisor/cpu1 hypercall_entry: number=out_of_range",
        "120 hypervisor/cpu1 runstate_change: domid=3 vcpu=1 old_state=running "
        "new_state=blocked",
        "121 hypervisor/cpu1 hvm_vmexit: dom_id=65535 vcpu=65535 exit_reason=external_interrupt "
        "rip=0x10",
    };
    EXPECT_EQ(lines, expected);
}

// Lost records become lost_events over [first lost TSC, report]; wrap
// records are kept; an id nobody names is `unknown` with its words; a
// record the formats file names gets its names; a CPU's first records
// without a TSC take its first TSC.
TEST(XentraceTrace, BookkeepingUnknownAndNamedRecords) {
    xentrace_file_builder b;
    b.window(0)
        .rec(0x28004, {7, 0}) // no TSC before the first TSC of CPU 0
        .rec(0x22202, 200, {dom_vcpu(7, 0), 3})
        .rec(0x1f001, 300, {12, 7 | (0u << 16), 250, 0})
        .rec(0x1f002, {0, 0, 0})
        .rec(0x0fedcba, 310, {1, 2});
    b.window(2).rec(0x22203, 205, {dom_vcpu(1, 1), 0xfffffffeu, 0, 5});
    const auto lines = read_lines(b.write(scratch("bookkeeping.bin")));
    const std::vector<std::string> expected = {
        "200 hypervisor/cpu0 sched_wake: dom_id=7 cpu_id=0",
        "200 hypervisor/cpu0 csched2:runq_pos: dom_vcpu=0x70000 pos=3",
        "205 hypervisor/cpu2 csched2:credit_burn: dom_vcpu=0x10001 credit=-2 budget=0 delta=5",
        "300 hypervisor/cpu0 lost_events: count=12 reason=records_lost begin_ts=250 end_ts=300",
        "300 hypervisor/cpu0 wrap_buffer: padding=16",
        "310 hypervisor/cpu0 unknown: event=0xfedcba words=2 w1=0x1 w2=0x2 w3=0x0 w4=0x0 w5=0x0 "
        "w6=0x0 w7=0x0",
    };
    EXPECT_EQ(lines, expected);

    // Without a formats file the scheduler's records are `unknown` too.
    const auto bare = read_lines(scratch("bookkeeping.bin"), "");
    EXPECT_EQ(bare[1].substr(0, 29), "200 hypervisor/cpu0 unknown: ");
}

// Exit codes only SVM has make every exit an hvm_svm_vmexit.
TEST(XentraceTrace, SvmExitCodesAreDetected) {
    xentrace_file_builder b;
    b.window(0)
        .rec(runstate_change(1, 0), 100, {dom_vcpu(2, 0)})
        .rec(0x81102, 101, {0x60, 1, 0})  // VMEXIT_INTR
        .rec(0x81102, 102, {0x400, 2, 0}) // VMEXIT_NPF
        .rec(0x81102, 103, {0x12, 3, 0}); // a CR write in SVM, VMCALL in VMX
    const auto lines = read_lines(b.write(scratch("svm.bin")));
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[1],
              "101 hypervisor/cpu0 hvm_svm_vmexit: dom_id=2 vcpu=0 exit_reason=intr rip=0x1");
    EXPECT_EQ(lines[2],
              "102 hypervisor/cpu0 hvm_svm_vmexit: dom_id=2 vcpu=0 exit_reason=npf rip=0x2");
    EXPECT_EQ(lines[3],
              "103 hypervisor/cpu0 hvm_svm_vmexit: dom_id=2 vcpu=0 exit_reason=cr2_write rip=0x3");
}

// A mapped record too short for its event is a record of its own, not a
// wrong decode.
TEST(XentraceTrace, ShortMappedRecordIsNotDecoded) {
    xentrace_file_builder b;
    b.window(0).rec(0x2800a, 100, {1, 2}); // TRC_SCHED_SWITCH needs 4 words
    const auto lines = read_lines(b.write(scratch("short.bin")));
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "100 hypervisor/cpu0 __enter_scheduler_2w: prev_dom=0x1 prev_vcpu=0x2");
}

// A formats file naming an event like one of the reader's own classes, with
// other fields: the record gets a name of its own, not an error.
TEST(XentraceTrace, FormatsNameClashIsRenamed) {
    const fs::path formats = scratch("clash-formats");
    std::ofstream(formats)
        << "0x00012345  CPU%(cpu)d  %(tsc)d (+%(reltsc)8d)  unknown [ a = %(1)d ]\n"
           "0x00012346  CPU%(cpu)d  %(tsc)d (+%(reltsc)8d)  fine [ b = %(1)d ]\n";
    xentrace_file_builder b;
    b.window(0).rec(0x12345, 100, {7}).rec(0x12346, 101, {8});
    const auto lines = read_lines(b.write(scratch("clash.bin")), formats.string());
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], "100 hypervisor/cpu0 unknown_0x0012345: a=7");
    EXPECT_EQ(lines[1], "101 hypervisor/cpu0 fine: b=8");
}

struct file_counts {
    std::uint64_t events = 0;
    std::map<std::uint32_t, std::uint64_t> per_cpu;
    std::map<std::string, std::uint64_t> per_class;
};

file_counts count_events(const fs::path& file) {
    class_registry classes;
    read_options options;
    options.xentrace_formats = formats_file();
    auto reader = open_xentrace_file(file, classes, options);
    file_counts c;
    event e;
    for (event_stream* s : reader->streams()) {
        std::uint64_t last = 0;
        while (s->next(e)) {
            EXPECT_GE(e.ts, last) << "stream " << s->info().name;
            last = e.ts;
            c.events++;
            c.per_cpu[e.cpu]++;
            c.per_class[std::string(e.cls->name)]++;
        }
    }
    return c;
}

// Every record of a real file is one event of its CPU's stream: the counts
// the whole-file record reader finds.
TEST(XentraceTrace, RealFilesEveryRecordOnce) {
    for (const char* name : {"xentrace/hvm-credit2-8cpu.bin", "xen-4.17-qemu/xentrace.bin"}) {
        const fs::path file = testdata() / name;
        const ltt::mapped_file map(file);
        ltt::xentrace::reader r(map.bytes(), file.string());
        std::map<std::uint32_t, std::uint64_t> runstates;
        while (const auto rec = r.next())
            if ((rec->event & 0xffff00fu) == 0x21001u)
                runstates[rec->cpu]++;
        const auto& s = r.stats();
        file_counts c = count_events(file);
        EXPECT_EQ(c.events, s.records - s.cpu_changes) << name;
        for (std::uint32_t cpu = 0; cpu < s.per_cpu.size(); ++cpu)
            EXPECT_EQ(c.per_cpu[cpu], s.per_cpu[cpu]) << name << " cpu " << cpu;
        std::uint64_t all_runstates = 0;
        for (const auto& [cpu, n] : runstates)
            all_runstates += n;
        EXPECT_EQ(c.per_class["runstate_change"], all_runstates) << name;
        EXPECT_EQ(c.per_class["wrap_buffer"], s.wraps) << name;
    }
    // SOURCES.md: one id the formats file does not know in the HVM file.
    file_counts hvm = count_events(testdata() / "xentrace/hvm-credit2-8cpu.bin");
    EXPECT_GT(hvm.per_class["unknown"], 0u);
    EXPECT_EQ(hvm.per_class["hvm_vmexit"], hvm.per_class["hvm_vmentry"]);
}

// Reads a file through open_inputs (as ltt-view does); returns the error
// message, or "" when it read.
std::string read_error(const fs::path& file) {
    try {
        class_registry classes;
        read_options options;
        options.xentrace_formats = formats_file();
        auto reader = open_xentrace_file(file, classes, options);
        event e;
        for (event_stream* s : reader->streams())
            while (s->next(e)) {
            }
        return "";
    } catch (const ltt::format_error& e) {
        EXPECT_EQ(e.file(), file.string());
        EXPECT_LE(e.offset(), fs::file_size(file));
        return e.what();
    }
}

// Truncated copies of both real files: one error naming the file and an
// offset inside it, found when the file is opened (nothing is shown of a
// file that will turn out bad); a cut at a window boundary is a complete
// shorter file.
TEST(XentraceTrace, TruncatedRealFilesAreErrors) {
    for (const char* name : {"xentrace/hvm-credit2-8cpu.bin", "xen-4.17-qemu/xentrace.bin"}) {
        const ltt::mapped_file map(testdata() / name);
        const auto bytes = map.bytes();
        std::mt19937_64 rng(11);
        int errors = 0;
        for (int round = 0; round < 40; ++round) {
            const std::size_t cut = 1 + rng() % (bytes.size() - 1);
            const fs::path file = scratch("truncated.bin");
            std::ofstream(file, std::ios::binary | std::ios::trunc)
                .write(reinterpret_cast<const char*>(bytes.data()),
                       static_cast<std::streamsize>(cut));
            const std::string error = read_error(file);
            if (!error.empty()) {
                ++errors;
                EXPECT_NE(error.find(file.string()), std::string::npos) << error;
                EXPECT_NE(error.find("offset"), std::string::npos) << error;
            }
        }
        EXPECT_GE(errors, 35) << name; // cuts almost never fall on a window boundary
    }
}

// Corrupted copies: flipped bytes either still read (data words) or give a
// format_error; never anything else.
TEST(XentraceTrace, CorruptedRealFilesNeverCrash) {
    for (const char* name : {"xentrace/hvm-credit2-8cpu.bin", "xen-4.17-qemu/xentrace.bin"}) {
        const ltt::mapped_file map(testdata() / name);
        const auto bytes = map.bytes();
        std::mt19937_64 rng(5);
        for (int round = 0; round < 25; ++round) {
            std::vector<std::byte> data(bytes.begin(), bytes.end());
            for (int k = 0; k < 1 + round % 8; ++k)
                data[rng() % data.size()] = static_cast<std::byte>(rng());
            const fs::path file = scratch("corrupt.bin");
            std::ofstream(file, std::ios::binary | std::ios::trunc)
                .write(reinterpret_cast<const char*>(data.data()),
                       static_cast<std::streamsize>(data.size()));
            (void)read_error(file);
        }
    }
}

} // namespace
} // namespace ltt::viewer
