// ltt-bench-report: the ring buffer's figures side by side with their
// references and design targets (DESIGN.md sections 3 and 6), from the
// outputs of one run_bench.sh run, and the headline figures as JSON.
//
// Time per event is 1e9 / items_per_second of Google Benchmark, which divides
// by the thread's CPU time (time the benchmark thread really ran, so other
// load on the machine does not count); the median of the repetitions when
// there are several. Real (wall-clock) figures are in the JSON too.
//
// Benchmarks never fail on timing: this exits 0 whatever the figures, and
// non-zero only when an input is missing or unreadable.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/utsname.h>

#include <exception>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using nlohmann::json;

json load(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error(fmt::format("{}: cannot open", path));
    try {
        return json::parse(in);
    } catch (const json::exception& e) {
        throw std::runtime_error(fmt::format("{}: {}", path, e.what()));
    }
}

struct timing {
    double ns_per_event = 0;      // thread CPU time
    double real_ns_per_event = 0; // wall clock
    double events_per_second = 0;
    double cv_percent = -1; // coefficient of variation of the repetitions, if any
    int repetitions = 1;
};

double to_ns(double t, const std::string& unit) {
    if (unit == "ns")
        return t;
    if (unit == "us")
        return t * 1e3;
    if (unit == "ms")
        return t * 1e6;
    if (unit == "s")
        return t * 1e9;
    throw std::runtime_error("unknown time unit " + unit);
}

// The median of benchmark `name` in a Google Benchmark JSON output (or its
// only run without repetitions).
timing find(const json& gb, const std::string& name, const std::string& file) {
    const json* median = nullptr;
    const json* cv = nullptr;
    const json* single = nullptr;
    for (const json& b : gb.at("benchmarks")) {
        if (b.value("run_name", b.value("name", "")) != name)
            continue;
        const std::string type = b.value("run_type", "iteration");
        if (type == "aggregate" && b.value("aggregate_name", "") == "median")
            median = &b;
        else if (type == "aggregate" && b.value("aggregate_name", "") == "cv")
            cv = &b;
        else if (type == "iteration" && !single)
            single = &b;
    }
    const json* b = median ? median : single;
    if (!b)
        throw std::runtime_error(fmt::format("{}: no benchmark {}", file, name));
    if (b->contains("error_occurred") && b->at("error_occurred").get<bool>())
        throw std::runtime_error(
            fmt::format("{}: benchmark {} failed: {}", file, name, b->value("error_message", "")));
    timing t;
    const double items = b->at("items_per_second").get<double>();
    const double batch = b->contains("batch") ? b->at("batch").get<double>() : 1.0;
    t.events_per_second = items;
    t.ns_per_event = 1e9 / items;
    t.real_ns_per_event =
        to_ns(b->at("real_time").get<double>(), b->value("time_unit", "ns")) / batch;
    if (median)
        t.repetitions = b->value("repetitions", 1);
    if (cv && cv->contains("items_per_second"))
        t.cv_percent = 100.0 * cv->at("items_per_second").get<double>();
    return t;
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            return colon == std::string::npos ? line : line.substr(colon + 2);
        }
    return "unknown";
}

bool under_hypervisor() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("flags", 0) == 0)
            return line.find(" hypervisor") != std::string::npos;
    return false;
}

std::string yes_no(bool b) {
    return b ? "yes" : "NO";
}

std::string rate(double per_second) {
    if (per_second >= 1e9)
        return fmt::format("{:.2f} G/s", per_second / 1e9);
    return fmt::format("{:.1f} M/s", per_second / 1e6);
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"The ring buffer benchmark's table and build/bench/ring.json"};
    std::string ring, ring_check, ust_enabled, ust_disabled, bytes, out, lttng_version;
    std::uint64_t snapshot_events = 0;
    app.add_option("--ring", ring, "ltt-bench-ring's Google Benchmark JSON")->required();
    app.add_option("--ring-check", ring_check, "ltt-bench-ring's --check-out JSON")->required();
    app.add_option("--ust-enabled", ust_enabled, "ltt-bench-ust --expect=enabled JSON")->required();
    app.add_option("--ust-disabled", ust_disabled, "ltt-bench-ust --expect=disabled JSON")
        ->required();
    app.add_option("--ust-snapshot-events", snapshot_events,
                   "events babeltrace2 found in the lttng snapshot")
        ->required();
    app.add_option("--lttng-version", lttng_version, "lttng --version");
    app.add_option("--bytes", bytes, "ltt-bench-xentrace-bytes --json output")->required();
    app.add_option("--out", out, "where to write ring.json")->required();
    CLI11_PARSE(app, argc, argv);

    try {
        const json ring_gb = load(ring), check = load(ring_check);
        const json ust_on = load(ust_enabled), ust_off = load(ust_disabled);
        const json enc = load(bytes);

        const timing ltt = find(ring_gb, "ltt_enabled_overwrite", ring);
        const timing ltt_off = find(ring_gb, "ltt_disabled/batch:16", ring);
        const timing ltt_off1 = find(ring_gb, "ltt_disabled/batch:1", ring);
        const timing ust = find(ust_on, "lttng_ust_enabled_snapshot", ust_enabled);
        const timing ust_off16 = find(ust_off, "lttng_ust_disabled/batch:16", ust_disabled);
        const timing ust_off1 = find(ust_off, "lttng_ust_disabled/batch:1", ust_disabled);
        const json& all = enc.at("combined");
        const double ours_b = all.at("ltt_bytes_per_event").get<double>();
        const double xen_b = all.at("xentrace_bytes_per_event").get<double>();
        std::vector<std::string> files;
        for (const json& f : enc.at("files"))
            files.push_back(f.at("file").get<std::string>());
        const std::string basis =
            fmt::format("combined event mix of {} ({} events)", fmt::join(files, " and "),
                        all.at("events_compared").get<std::uint64_t>());

        const bool enabled_met = ltt.ns_per_event <= ust.ns_per_event / 5;
        const bool disabled_met = ltt_off.ns_per_event < 1.0;
        const bool bytes_met = ours_b <= xen_b / 2;

        const json& ctx = ring_gb.at("context");
        fmt::print("ltt-xen ring buffer: one run on {} ({} CPUs, {}), pinned to CPU {}\n",
                   cpu_model(), std::thread::hardware_concurrency(),
                   under_hypervisor() ? "virtual machine" : "bare metal",
                   check.value("pinned_cpu", -1));
        fmt::print("time per event: thread CPU time, median of {} repetitions (load average "
                   "at start {})\n\n",
                   ltt.repetitions, ctx.contains("load_avg") ? ctx.at("load_avg").dump() : "?");
        fmt::print("{:<34} {:>12}   {:<24} {:<30} {}\n", "", "ltt-xen", "reference", "target",
                   "met");
        fmt::print("{:<34} {:>12.2f}   {:<24} {:<30} {}\n", "enabled tracepoint, ns/event",
                   ltt.ns_per_event, fmt::format("lttng-ust {:9.2f}", ust.ns_per_event),
                   fmt::format("<= 1/5 of lttng-ust ({:.2f})", ust.ns_per_event / 5),
                   yes_no(enabled_met));
        fmt::print("{:<34} {:>12}   {:<24}\n", "  events/s", rate(ltt.events_per_second),
                   fmt::format("lttng-ust {:>9}", rate(ust.events_per_second)));
        fmt::print("{:<34} {:>12.3f}   {:<24} {:<30} {}\n", "disabled tracepoint, ns/event",
                   ltt_off.ns_per_event, fmt::format("lttng-ust {:9.3f}", ust_off16.ns_per_event),
                   "< 1 ns", yes_no(disabled_met));
        fmt::print("{:<34} {:>12.3f}   {:<24}\n", "  (one call per loop iteration)",
                   ltt_off1.ns_per_event, fmt::format("lttng-ust {:9.3f}", ust_off1.ns_per_event));
        fmt::print("{:<34} {:>12.2f}   {:<24} {:<30} {}\n", "bytes/event (real xentrace mix)",
                   ours_b, fmt::format("xentrace  {:9.2f}", xen_b),
                   fmt::format("<= 1/2 of xentrace ({:.2f})", xen_b / 2), yes_no(bytes_met));
        const bool has_args = all.contains("ltt_bytes_per_event_with_hypercall_args");
        const double args_b =
            has_args ? all.at("ltt_bytes_per_event_with_hypercall_args").get<double>() : 0.0;
        if (has_args)
            fmt::print("{:<34} {:>12.2f}   {:<24} {:<30} {}\n", "  with hypercall_args enabled",
                       args_b, fmt::format("xentrace  {:9.2f}", xen_b), "",
                       yes_no(args_b <= xen_b / 2));
        for (const json& f : enc.at("files"))
            fmt::print(
                "{:<34} {:>12.2f}   {:<24}\n", fmt::format("  {}", f.at("file").get<std::string>()),
                f.at("ltt_bytes_per_event").get<double>(),
                fmt::format("xentrace  {:9.2f}", f.at("xentrace_bytes_per_event").get<double>()));
        fmt::print(
            "\nenabled: ltt-xen writes a user-space ltt_buf in overwrite mode (4 x 256 KiB); "
            "lttng-ust {} records into an active snapshot session of {} (per-user "
            "buffers, overwrite, 4 x 256 KiB per CPU).\n",
            ust_on.at("context").value("lttng_ust_version", "?"),
            lttng_version.empty() ? "lttng-sessiond" : lttng_version);
        const timing tsc = find(ring_gb, "context/rdtsc", ring);
        const timing cas = find(ring_gb, "context/cmpxchg", ring);
        fmt::print("where ltt-xen's time goes: one TSC read {:.2f} ns, one SMP-safe "
                   "compare-and-swap {:.2f} ns on this machine; a record takes one TSC read, "
                   "one compare-and-swap, one locked add (commit) and one owner-only increment.\n",
                   tsc.ns_per_event, cas.ns_per_event);
        fmt::print("checks: ltt-xen snapshot {} records ({} overwritten) for {} calls; lttng "
                   "snapshot {} events read by babeltrace2.\n",
                   check.value("snapshot_records", 0), check.value("overwritten", 0),
                   check.value("enabled_calls", 0), snapshot_events);
        fmt::print("disabled: 16 calls per loop iteration, the enable flag reloaded before "
                   "each; the second line includes the benchmark loop.\n");
        fmt::print("bytes: {}; records without an ltt-xen equivalent counted conservatively "
                   "(xentrace's data words + our header), TRC_GEN bookkeeping excluded; "
                   "hypercall_entry carries only the number, xentrace's hypercall records also "
                   "the arguments (the 'with hypercall_args' line counts them too).\n",
                   basis);
        fmt::print("Benchmarks never fail on timing: unmet targets are reported, not errors.\n");

        auto target = [](const std::string& what, bool met) {
            return json{{"target", what}, {"met", met}};
        };
        json j = {
            {"ltt_ns_per_event", ltt.ns_per_event},
            {"lttng_ust_ns_per_event", ust.ns_per_event},
            {"ltt_disabled_ns_per_event", ltt_off.ns_per_event},
            {"lttng_ust_disabled_ns_per_event", ust_off16.ns_per_event},
            {"ltt_bytes_per_event", ours_b},
            {"xentrace_bytes_per_event", xen_b},
            {"bytes_per_event_basis", basis},
            {"time_basis", fmt::format("thread CPU time, median of {} repetitions; disabled: "
                                       "16 unrolled calls per loop iteration",
                                       ltt.repetitions)},
            {"ltt_events_per_second", ltt.events_per_second},
            {"lttng_ust_events_per_second", ust.events_per_second},
            {"ltt_real_ns_per_event", ltt.real_ns_per_event},
            {"lttng_ust_real_ns_per_event", ust.real_ns_per_event},
            {"ltt_disabled_loop_ns_per_event", ltt_off1.ns_per_event},
            {"lttng_ust_disabled_loop_ns_per_event", ust_off1.ns_per_event},
            {"ltt_bytes_per_event_with_hypercall_args", has_args ? json(args_b) : json()},
            {"rdtsc_ns", tsc.ns_per_event},
            {"cmpxchg_ns", cas.ns_per_event},
            {"ltt_enabled_cv_percent", ltt.cv_percent},
            {"lttng_ust_enabled_cv_percent", ust.cv_percent},
            {"enabled_cost_ratio", ltt.ns_per_event / ust.ns_per_event},
            {"bytes_ratio", ours_b / xen_b},
            {"targets",
             {{"enabled", target("ltt_ns_per_event <= lttng_ust_ns_per_event / 5", enabled_met)},
              {"disabled", target("ltt_disabled_ns_per_event < 1", disabled_met)},
              {"bytes", target("ltt_bytes_per_event <= xentrace_bytes_per_event / 2", bytes_met)}}},
            {"checks",
             {{"ltt_snapshot_records", check.value("snapshot_records", 0)},
              {"ltt_overwritten", check.value("overwritten", 0)},
              {"ltt_enabled_calls", check.value("enabled_calls", 0)},
              {"lttng_snapshot_events", snapshot_events}}},
            {"files", enc.at("files")},
            {"machine",
             {{"cpu_model", cpu_model()},
              {"cpus", std::thread::hardware_concurrency()},
              {"virtual_machine", under_hypervisor()},
              {"pinned_cpu", check.value("pinned_cpu", -1)},
              {"mhz_per_cpu", ctx.value("mhz_per_cpu", 0)},
              {"load_avg", ctx.value("load_avg", json::array())},
              {"benchmark_library_build", ctx.value("library_build_type", "")},
              {"lttng_ust", ust_on.at("context").value("lttng_ust_version", "")},
              {"lttng_tools", lttng_version}}},
        };
        struct utsname u {};
        if (uname(&u) == 0)
            j["machine"]["kernel"] = fmt::format("{} {}", u.sysname, u.release);
        std::ofstream o(out);
        o << j.dump(2) << "\n";
        if (!o)
            throw std::runtime_error(out + ": cannot write");
        fmt::print("\nwritten: {}\n", out);
    } catch (const std::exception& e) {
        fmt::print(stderr, "ltt-bench-report: {}\n", e.what());
        return 1;
    }
    return 0;
}
