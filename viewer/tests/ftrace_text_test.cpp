// The ftrace text reader on hand-written lines and files whose every
// expected value is written here: the columns of trace_print_context() in
// their variants, sched_switch's prev_state letters (the print format of
// Linux 6.x's sched_switch, events/sched/sched_switch/format), losses,
// clocks, gzip, and input that must be refused with its file and place.
#include "ftrace_test_support.hpp"

#include "core/event_class.hpp"
#include "readers/ftrace/ftrace_trace.hpp"
#include "readers/ftrace/kernel_classes.hpp"
#include "readers/ftrace/text_events.hpp"
#include "readers/ftrace/text_line.hpp"

#include <ltt/errors.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

namespace ltt::viewer {
namespace {

using test::read_event;
using test::temp_dir;
using test::write_file;

event_line parse(std::string_view line) {
    event_line e;
    parse_event_line(line, e);
    return e;
}

TEST(FtraceTextLine, IrqInfoColumns) {
    const event_line e = parse("            init-1       [001] d..3.  12839773168: xen_mc_flush: "
                               "flushing 1 hypercalls, 112 arg bytes, 0 callbacks");
    EXPECT_EQ(e.comm, "init");
    EXPECT_EQ(e.pid, 1);
    EXPECT_FALSE(e.tgid.has_value());
    EXPECT_EQ(e.cpu, 1u);
    EXPECT_EQ(e.flags, "d..3.");
    EXPECT_EQ(e.ts, 12839773168u);
    EXPECT_EQ(e.form, timestamp_form::counter);
    const event_text t = split_event(e.rest);
    EXPECT_EQ(t.name, "xen_mc_flush");
    EXPECT_EQ(t.text, "flushing 1 hypercalls, 112 arg bytes, 0 callbacks");
}

TEST(FtraceTextLine, CommWithDashDigitsAndSpaces) {
    // A comm may end in "-digits" itself; comm is right-aligned in 16 columns.
    const event_line a = parse(" memfd:sealed-91-15707   [001] d..2. 706546629963720: "
                               "sched_switch: prev_comm=memfd:sealed-91 prev_pid=15707");
    EXPECT_EQ(a.comm, "memfd:sealed-91");
    EXPECT_EQ(a.pid, 15707);
    EXPECT_EQ(a.ts, 706546629963720u);
    const event_line b = parse("     Web Content-4242    [000] .....          123: x: y");
    EXPECT_EQ(b.comm, "Web Content");
    EXPECT_EQ(b.pid, 4242);
    // Not the 16-column layout (trace-cmd report's): found from `[cpu]`.
    const event_line c = parse("kworker/u4:1-ev-27390 [001] 706546.629766: sched_switch: x");
    EXPECT_EQ(c.comm, "kworker/u4:1-ev");
    EXPECT_EQ(c.pid, 27390);
    EXPECT_EQ(c.form, timestamp_form::sec_usec);
    EXPECT_EQ(c.ts, 706546629766000u);
}

TEST(FtraceTextLine, WithoutIrqInfoAndWithTgid) {
    const event_line a = parse("          <idle>-0       [001]  1234.567890: sched_switch: a=b");
    EXPECT_EQ(a.comm, "<idle>");
    EXPECT_EQ(a.flags, "");
    EXPECT_EQ(a.ts, 1234567890000u);
    EXPECT_EQ(a.form, timestamp_form::sec_usec);
    const event_line b = parse("            bash-1234    (   1230) [000] .....     99: foo: bar");
    ASSERT_TRUE(b.tgid.has_value());
    EXPECT_EQ(*b.tgid, 1230);
    EXPECT_EQ(b.cpu, 0u);
    EXPECT_EQ(b.ts, 99u);
    const event_line c = parse("           <...>-77      (-------) [003] d.h1.     42: foo: bar");
    EXPECT_FALSE(c.tgid.has_value());
    EXPECT_EQ(c.cpu, 3u);
}

TEST(FtraceTextLine, MalformedLinesSayWhat) {
    for (const char* bad : {
             "garbage",
             "            init-1       [001] d..3.  abc: x: y",
             "            init-1       [001] d..3.  123:",
             "            init-1       [00x] d..3.  123: x: y",
             "            init-1       [001] d..3.  1.5: x: y",
             "            init-x       [001] d..3.  1: x: y",
             "            init-1       [001] d..3.  99999999999999999999999: x: y",
         }) {
        event_line e;
        EXPECT_THROW(parse_event_line(bad, e), line_error) << bad;
    }
}

TEST(FtraceTextLine, OtherLines) {
    EXPECT_EQ(classify(""), line_kind::blank);
    EXPECT_EQ(classify("# tracer: nop"), line_kind::comment);
    EXPECT_EQ(classify("##### CPU 1 buffer started ####"), line_kind::buffer_started);
    EXPECT_EQ(parse_buffer_started("##### CPU 12 buffer started ####"), 12u);
    EXPECT_THROW(parse_buffer_started("##### CPU x buffer started ####"), line_error);
    const lost_line l = parse_lost("CPU:1 [LOST 4778 EVENTS]");
    EXPECT_EQ(l.cpu, 1u);
    EXPECT_EQ(l.count, 4778u);
    EXPECT_FALSE(parse_lost("CPU:0 [LOST EVENTS]").count.has_value());
    EXPECT_FALSE(parse_lost("CPU:0 [LOST 18446744073709551615 EVENTS]").count.has_value());
    EXPECT_THROW(parse_lost("CPU:0 [LOST many EVENTS]"), line_error);
    // Shorter than " [LOST ": an error, not an out-of-range (found by the fuzzer).
    EXPECT_THROW(parse_lost("CPU:001:"), line_error);

    trace_header h;
    parse_header_line("# tracer: function", h);
    parse_header_line("# entries-in-buffer/entries-written: 287/9405   #P:2", h);
    EXPECT_EQ(h.tracer, "function");
    EXPECT_EQ(h.entries_in_buffer, 287u);
    EXPECT_EQ(h.entries_written, 9405u);
    EXPECT_EQ(h.cpus, 2u);
    EXPECT_THROW(parse_header_line("# entries-in-buffer/entries-written: x/1", h), line_error);
}

TEST(FtracePrevState, LettersToTaskReportBits) {
    // From sched_switch's print fmt: S 0x1, D 0x2, T 0x4, t 0x8, X 0x10,
    // Z 0x20, P 0x40, I 0x80, "+" TASK_REPORT_MAX 0x100, "R" when no bit.
    EXPECT_EQ(parse_prev_state("R"), 0);
    EXPECT_EQ(parse_prev_state("R+"), 0x100);
    EXPECT_EQ(parse_prev_state("S"), 0x1);
    EXPECT_EQ(parse_prev_state("D"), 0x2);
    EXPECT_EQ(parse_prev_state("T"), 0x4);
    EXPECT_EQ(parse_prev_state("t"), 0x8);
    EXPECT_EQ(parse_prev_state("X"), 0x10);
    EXPECT_EQ(parse_prev_state("Z"), 0x20);
    EXPECT_EQ(parse_prev_state("P"), 0x40);
    EXPECT_EQ(parse_prev_state("I"), 0x80);
    EXPECT_EQ(parse_prev_state("S|D"), 0x3);
    EXPECT_EQ(parse_prev_state("D+"), 0x102);
    EXPECT_EQ(parse_prev_state("S|0x400"), 0x401);
    for (const char* bad : {"", "K", "W", "x", "S|", "|S", "0x", "SD", "0xzz"})
        EXPECT_FALSE(parse_prev_state(bad).has_value()) << bad;
}

TEST(FtraceKeyValues, SplitsAtTheNextKey) {
    std::vector<std::pair<std::string_view, std::string_view>> kv;
    ASSERT_TRUE(split_key_values("irq=26 name=resched0", kv));
    ASSERT_EQ(kv.size(), 2u);
    EXPECT_EQ(kv[1].first, "name");
    EXPECT_EQ(kv[1].second, "resched0");
    ASSERT_TRUE(split_key_values("comm=Web Content pid=12 empty=", kv));
    ASSERT_EQ(kv.size(), 3u);
    EXPECT_EQ(kv[0].second, "Web Content");
    EXPECT_EQ(kv[2].second, "");
    EXPECT_FALSE(split_key_values("flushing 1 hypercalls", kv));
    EXPECT_FALSE(split_key_values("a=1 a=2", kv));
    EXPECT_FALSE(split_key_values("", kv));
}

// A header and events of every kind the reader maps, with the values each
// must give.
const std::string header = "# tracer: nop\n"
                           "#\n"
                           "# entries-in-buffer/entries-written: 12/12   #P:2\n"
                           "#\n"
                           "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
                           "#              | |         |   |||||     |         |\n";
const std::string body =
    "          <idle>-0       [000] d.h1.         1000: irq_handler_entry: irq=26 "
    "name=resched 0\n"
    "          <idle>-0       [000] d.h1.         1001: irq_handler_exit: irq=26 ret=handled\n"
    "          <idle>-0       [000] ..s1.         1002: softirq_entry: vec=9 [action=RCU]\n"
    "CPU:1 [LOST 7 EVENTS]\n"
    "            bash-77      [001] d..2.         1003: sched_switch: prev_comm=bash "
    "prev_pid=77 prev_prio=120 prev_state=R+ ==> next_comm=Web Content next_pid=5 next_prio=98\n"
    "          <idle>-0       [000] dNh2.         1004: sched_waking: comm=kworker/0:1 pid=9 "
    "prio=100 target_cpu=001\n"
    "##### CPU 1 buffer started ####\n"
    "            bash-77      [001] .....         1005: my_event: a=1 b=two words\n"
    "            bash-77      [001] .....         1006: my_event: a=2 b=x\n"
    "            bash-77      [001] .....         1007: my_event: a=3\n"
    "            bash-77      [001] .....         1008: xen_mc_flush: flushing 1 hypercalls\n"
    "CPU:0 [LOST EVENTS]\n"
    "          <idle>-0       [000] .....         1009: softirq_exit: vec=9 [action=RCU]\n"
    "          <idle>-0       [000] .....         1010: sched_switch: prev_comm=swapper/0 "
    "prev_pid=0 prev_prio=120 prev_state=D|0x400 ==> next_comm=a next_pid=1 next_prio=120\n"
    "          <idle>-0       [000] .....         1011: softirq_raise: vec=1 [action=TIMER]\n";

std::vector<read_event> read_text(const std::filesystem::path& file,
                                  source_info* source = nullptr) {
    class_registry classes;
    const auto reader = open_ftrace_text(file, classes, {});
    if (source != nullptr)
        *source = reader->source();
    return test::read_streams(*reader);
}

TEST(FtraceTextReader, MapsEventsLossesAndFields) {
    temp_dir dir;
    write_file(dir / "t.txt", header + body);
    EXPECT_TRUE(is_ftrace_text(dir / "t.txt"));
    EXPECT_FALSE(is_trace_cmd_file(dir / "t.txt"));
    source_info source;
    const std::vector<read_event> ev = read_text(dir / "t.txt", &source);
    EXPECT_EQ(source.clock.unit, time_unit::tsc);
    EXPECT_EQ(source.clock.name, "x86-tsc");
    EXPECT_EQ(source.layer, ltt::layer::kernel);
    ASSERT_EQ(ev.size(), 14u);

    EXPECT_EQ(ev[0].name, "irq_handler_entry");
    EXPECT_EQ(ev[0].facility, "irq");
    EXPECT_EQ(ev[0].at("irq"), "26");
    EXPECT_EQ(ev[0].at("name"), "resched 0");
    EXPECT_EQ(ev[0].ts, 1000u);
    EXPECT_EQ(ev[1].at("ret"), "1");
    EXPECT_EQ(ev[2].name, "softirq_entry");
    EXPECT_EQ(ev[2].at("vec"), "9");

    // The loss of CPU 1 comes just before CPU 1's next event.
    EXPECT_EQ(ev[3].name, "lost_events");
    EXPECT_EQ(ev[3].cpu, 1u);
    EXPECT_EQ(ev[3].at("count"), "7");
    EXPECT_EQ(ev[3].at("reason"), "3"); // events_lost
    EXPECT_EQ(ev[3].at("end_ts"), "1003");
    EXPECT_EQ(ev[3].ts, 1003u);

    const read_event& sw = ev[4];
    EXPECT_EQ(sw.name, "sched_switch");
    EXPECT_EQ(sw.facility, "sched");
    EXPECT_EQ(sw.cpu, 1u);
    EXPECT_EQ(sw.at("prev_comm"), "bash");
    EXPECT_EQ(sw.at("prev_tid"), "77");
    EXPECT_EQ(sw.at("prev_prio"), "20"); // 120 - MAX_RT_PRIO
    EXPECT_EQ(sw.at("prev_state"), "256");
    EXPECT_EQ(sw.at("next_comm"), "Web Content");
    EXPECT_EQ(sw.at("next_tid"), "5");
    EXPECT_EQ(sw.at("next_prio"), "-2");

    EXPECT_EQ(ev[5].name, "sched_waking");
    EXPECT_EQ(ev[5].at("comm"), "kworker/0:1");
    EXPECT_EQ(ev[5].at("tid"), "9");
    EXPECT_EQ(ev[5].at("prio"), "0");
    EXPECT_EQ(ev[5].at("target_cpu"), "1");

    // Own classes: key=value from the first line; a line with other keys
    // keeps its text.
    EXPECT_EQ(ev[6].facility, "ftrace_text");
    EXPECT_EQ(ev[6].name, "my_event");
    EXPECT_EQ(ev[6].at("common_comm"), "bash");
    EXPECT_EQ(ev[6].at("common_pid"), "77");
    EXPECT_EQ(ev[6].at("a"), "1");
    EXPECT_EQ(ev[6].at("b"), "two words");
    EXPECT_EQ(ev[7].facility, "ftrace_text");
    EXPECT_EQ(ev[7].at("b"), "x");
    EXPECT_EQ(ev[8].facility, "ftrace_text_line");
    EXPECT_EQ(ev[8].name, "my_event");
    EXPECT_EQ(ev[8].at("text"), "a=3");
    EXPECT_EQ(ev[9].facility, "ftrace_text_line");
    EXPECT_EQ(ev[9].at("text"), "flushing 1 hypercalls");

    // "[LOST EVENTS]": lost, count unknown (0), on CPU 0 before its event.
    EXPECT_EQ(ev[10].name, "lost_events");
    EXPECT_EQ(ev[10].cpu, 0u);
    EXPECT_EQ(ev[10].at("count"), "0");
    EXPECT_EQ(ev[10].at("begin_ts"), "1004"); // CPU 0's previous event
    EXPECT_EQ(ev[11].name, "softirq_exit");
    EXPECT_EQ(ev[12].at("prev_state"), std::to_string(0x402));
    EXPECT_EQ(ev[13].name, "softirq_raise");
    EXPECT_EQ(ev[13].at("vec"), "1");
}

TEST(FtraceTextReader, GzipGivesTheSameEvents) {
    temp_dir dir;
    write_file(dir / "t.txt", header + body);
    write_file(dir / "t.gz", test::gzip(header + body));
    // Two members, as `cat a.gz b.gz` makes: one stream for gzip -d.
    const std::string half = header + body.substr(0, body.find("##### CPU"));
    write_file(dir / "two.gz",
               test::gzip(half) + test::gzip(body.substr(half.size() - header.size())));
    EXPECT_TRUE(is_ftrace_text(dir / "t.gz"));
    const auto plain = read_text(dir / "t.txt");
    for (const char* f : {"t.gz", "two.gz"}) {
        const auto z = read_text(dir / f);
        ASSERT_EQ(z.size(), plain.size()) << f;
        for (std::size_t i = 0; i < z.size(); ++i) {
            EXPECT_EQ(z[i].ts, plain[i].ts) << f;
            EXPECT_EQ(z[i].fields, plain[i].fields) << f;
        }
    }
}

TEST(FtraceTextReader, OverwrittenEventsAreOneLossFirst) {
    temp_dir dir;
    std::string h = header;
    h.replace(h.find("12/12"), 5, "12/40");
    write_file(dir / "t.txt", h + body);
    source_info source;
    const auto ev = read_text(dir / "t.txt", &source);
    ASSERT_EQ(ev.size(), 15u);
    EXPECT_EQ(ev[0].name, "lost_events");
    EXPECT_EQ(ev[0].at("count"), "28");
    EXPECT_EQ(ev[0].ts, 1000u);
    EXPECT_EQ(ev[1].name, "irq_handler_entry");
    ASSERT_FALSE(source.notices.empty());
    EXPECT_NE(source.notices[0].find("28 events were overwritten"), std::string::npos);
}

TEST(FtraceTextReader, NanosecondClockIsNotTsc) {
    temp_dir dir;
    write_file(dir / "ns.txt",
               "# tracer: nop\n"
               "          <idle>-0       [000] d.h1.   123.000456: irq_handler_entry: irq=1 "
               "name=x\n"
               "          <idle>-0       [001] d.h1.   124.100000: irq_handler_exit: irq=1 "
               "ret=unhandled\n");
    source_info source;
    const auto ev = read_text(dir / "ns.txt", &source);
    EXPECT_EQ(source.clock.unit, time_unit::ns);
    EXPECT_NE(source.clock.name.find("since boot"), std::string::npos);
    ASSERT_FALSE(source.notices.empty());
    EXPECT_NE(source.notices[0].find("cannot be merged with TSC sources"), std::string::npos);
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].ts, 123'000'456'000u);
    EXPECT_EQ(ev[1].ts, 124'100'000'000u);
    EXPECT_EQ(ev[1].at("ret"), "0");
}

TEST(FtraceTextReader, FunctionTracerLines) {
    temp_dir dir;
    write_file(dir / "f.txt",
               "# tracer: function\n"
               "            bash-7       [000] .....          10: do_sys_open <-__x64_sys_open\n"
               "            bash-7       [000] .....          11: vfs_read\n"
               "            bash-7       [000] .....          12: sched_switch: prev_comm=bash "
               "prev_pid=7 prev_prio=120 prev_state=S ==> next_comm=x next_pid=8 next_prio=120\n");
    const auto ev = read_text(dir / "f.txt");
    ASSERT_EQ(ev.size(), 3u);
    EXPECT_EQ(ev[0].name, "function");
    EXPECT_EQ(ev[0].at("ip"), "do_sys_open");
    EXPECT_EQ(ev[0].at("parent_ip"), "__x64_sys_open");
    EXPECT_EQ(ev[1].at("ip"), "vfs_read");
    EXPECT_EQ(ev[1].at("parent_ip"), "");
    EXPECT_EQ(ev[2].at("prev_state"), "1");
}

// The error's text names the file, and the line (":N:") or byte offset.
template <typename F> std::string error_of(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "no error";
}

TEST(FtraceTextReader, BadInputIsAnErrorWithFileAndLine) {
    temp_dir dir;
    const auto file = dir / "bad.txt";
    const auto expect_line_error = [&](const std::string& text, std::size_t line,
                                       const std::string& words) {
        write_file(file, text);
        const std::string what = error_of([&] { read_text(file); });
        EXPECT_NE(what.find(fmt::format("{}:{}:", file.string(), line)), std::string::npos) << what;
        EXPECT_NE(what.find(words), std::string::npos) << what;
    };
    const std::string good = "            bash-77      [001] .....         1005: x: y\n";
    expect_line_error(good + "     bash-77 [001] ....  1006.000001: x: y\n", 2,
                      "one file, one trace clock");
    expect_line_error(good + good.substr(0, 40), 2, "cut short");
    expect_line_error(good + "            bash-77      [001] .....   1006: sched_switch: "
                             "prev_comm=a prev_pid=1\n",
                      2, "no ` prev_prio=`");
    expect_line_error(good + "            bash-77      [001] .....   1006: sched_switch: "
                             "prev_comm=a prev_pid=1 prev_prio=120 prev_state=K ==> "
                             "next_comm=b next_pid=2 next_prio=120\n",
                      2, "prev_state `K`");
    expect_line_error(good + "            bash-77      [001] .....   1006: irq_handler_exit: "
                             "irq=1 ret=maybe\n",
                      2, "ret `maybe`");
    expect_line_error(good + "what is this\n", 2, "not an ftrace event line");
    expect_line_error(good + "CPU:1 [LOST some EVENTS]\n", 2, "LOST");
    expect_line_error(good + "            bash-77      [99999] .....   1006: x: y\n", 2, "NR_CPUS");
    expect_line_error("# tracer: nop\n# entries-in-buffer/entries-written: 3/3   #P:2\n" + good +
                          good,
                      4, "entries-in-buffer 3");
    expect_line_error("# tracer: function_graph\n" + good, 1, "function_graph");
    expect_line_error("# tracer: nop\n#\n# nop latency trace v1.1.5 on 6.1.0\n" + good, 1,
                      "latency-format");
}

TEST(FtraceTextReader, GzipDamageIsAnErrorWithOffset) {
    temp_dir dir;
    const std::string text = header + body;
    const std::string z = test::gzip(text);
    const auto plain = read_text([&] {
        write_file(dir / "ok.txt", text);
        return dir / "ok.txt";
    }());
    const auto file = dir / "bad.gz";
    // Cut anywhere (every third place, to stay quick): an error, never
    // fewer events.
    for (std::size_t cut = 1; cut < z.size(); cut += 3) {
        write_file(file, z.substr(0, cut));
        const std::string what = error_of([&] { read_text(file); });
        EXPECT_NE(what.find(file.string()), std::string::npos) << cut << ": " << what;
    }
    // Any byte changed: an error, or (a header byte such as the mtime)
    // exactly the same events.
    for (std::size_t at = 0; at < z.size(); at += 3) {
        std::string damaged = z;
        damaged[at] = static_cast<char>(damaged[at] ^ 0x55);
        write_file(file, damaged);
        try {
            const auto ev = read_text(file);
            ASSERT_EQ(ev.size(), plain.size()) << "byte " << at;
            for (std::size_t i = 0; i < ev.size(); ++i)
                EXPECT_EQ(ev[i].fields, plain[i].fields) << "byte " << at;
        } catch (const std::exception& e) {
            EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
        }
    }
    write_file(file, z + "trailing");
    const std::string what = error_of([&] { read_text(file); });
    EXPECT_NE(what.find("bytes after the end of the gzip data"), std::string::npos) << what;
    EXPECT_NE(what.find(fmt::format("offset {}", z.size())), std::string::npos) << what;
}

TEST(FtraceTextReader, RecognisesOnlyFtrace) {
    temp_dir dir;
    write_file(dir / "x.txt", "hello world\n");
    write_file(dir / "x.gz", test::gzip("hello world\n"));
    write_file(dir / "pipe.txt", body); // trace_pipe output: no header
    EXPECT_FALSE(is_ftrace_text(dir / "x.txt"));
    EXPECT_FALSE(is_ftrace_text(dir / "x.gz"));
    EXPECT_TRUE(is_ftrace_text(dir / "pipe.txt"));
    EXPECT_FALSE(is_ftrace_text(dir.path()));
    EXPECT_FALSE(is_trace_cmd_file(dir / "x.gz"));
}

} // namespace
} // namespace ltt::viewer
