// ltt-view: reads traces (ltt-xen CTF sessions, any CTF, xentrace, ftrace),
// merges them on one time base and answers questions about them.
//
//   ltt-view summary|irq-latency|sched-latency|cpu|grants|loss|audit PATH... [--json]
//   ltt-view summary ... [--xenalyze-compat]
//   ltt-view events PATH... [--filter EXPR] [--absolute] [--limit N]
//   ltt-view report PATH... [-o report.html] [--detail-events N] [--max-instants N]
//   ltt-view export --format perfetto PATH... -o trace.json
//
// Global options: --cpu-hz FREQ (the TSC frequency for traces that do not
// record it, e.g. 2.6G), --formats FILE (Xen's xentrace formats file),
// --guest-domid N, --no-tsc-convert (PVH/HVM guest timestamps as recorded).
// Exit status: 0 done, 1 bad input (the message names the file and place),
// 2 bad usage.

#include "../analyses/cpu_usage.hpp"
#include "../analyses/event_counts.hpp"
#include "../analyses/event_filter.hpp"
#include "../analyses/grant_activity.hpp"
#include "../analyses/guest_interrupts.hpp"
#include "../analyses/hvm_exits.hpp"
#include "../analyses/hypercall_counts.hpp"
#include "../analyses/irq_latency.hpp"
#include "../analyses/loss_timeline.hpp"
#include "../analyses/runstate_times.hpp"
#include "../analyses/sched_latency.hpp"
#include "../analyses/time_audit.hpp"
#include "../report/event_text.hpp"
#include "../report/json_report.hpp"
#include "../report/text_report.hpp"
#include "frequency.hpp"
#include "pipeline.hpp"
#include "report_command.hpp"

#include <ltt/errors.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <system_error>
#include <vector>

#include <unistd.h>

namespace {

using namespace ltt::viewer;

struct common_options {
    std::vector<std::string> paths;
    std::string cpu_hz;
    std::string formats;
    std::optional<std::uint32_t> guest_domid;
    bool no_tsc_convert = false;
    bool json = false;
};

template <typename T> std::unique_ptr<analysis> make(const analysis_context& context) {
    return std::make_unique<T>(context);
}

read_options make_read_options(const common_options& o) {
    read_options r;
    if (!o.cpu_hz.empty()) {
        const auto hz = parse_frequency(o.cpu_hz);
        if (!hz)
            throw CLI::ValidationError("--cpu-hz",
                                       fmt::format("`{}` is not a frequency (e.g. 2.6G, 2600M, "
                                                   "2600000000)",
                                                   o.cpu_hz));
        r.cpu_hz = *hz;
    }
    r.xentrace_formats = o.formats;
    r.guest_domid = o.guest_domid;
    r.tsc_convert = !o.no_tsc_convert;
    return r;
}

void add_common(CLI::App* cmd, common_options& o, bool with_json) {
    cmd->add_option("paths", o.paths,
                    "traces: ltt-xen session or trace directories, CTF traces, xentrace files, "
                    "ftrace text or trace-cmd .dat files")
        ->required();
    cmd->add_option("--cpu-hz", o.cpu_hz,
                    "TSC frequency for traces that do not record it (e.g. 2.6G)");
    cmd->add_option("--formats", o.formats, "Xen's xentrace formats file (event names)");
    cmd->add_option("--guest-domid", o.guest_domid,
                    "the Xen domain of guest kernel traces that do not record it (ftrace, "
                    "trace-cmd, LTTng), e.g. 0 for dom0's");
    cmd->add_flag("--no-tsc-convert", o.no_tsc_convert,
                  "merge PVH/HVM guest kernel events at their guest TSC instead of converting "
                  "them to host TSC with Xen's tsc_params (to check that the time audit "
                  "catches it)");
    if (with_json)
        cmd->add_flag("--json", o.json, "JSON for scripts instead of text");
}

// Everything `out` holds, to stdout in one write() (stdio would copy it once
// more); false when stdout is gone (a closed pipe: stop quietly, as `head`
// expects).
bool flush_stdout(fmt::memory_buffer& out) {
    const char* p = out.data();
    std::size_t left = out.size();
    out.clear();
    while (left != 0) {
        const ssize_t n = ::write(STDOUT_FILENO, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return true;
}

int run_events(const common_options& o, const std::string& filter_text, bool absolute,
               std::uint64_t limit) {
    std::optional<event_filter> filter;
    if (!filter_text.empty())
        filter.emplace(filter_text);
    pipeline p(o.paths, make_read_options(o));
    event_text_style style;
    style.freq_hz = p.inputs.freq_hz;
    style.absolute = absolute;
    event_text_writer text(style);
    bool have_origin = false;
    constexpr std::size_t chunk = std::size_t{1} << 20;
    fmt::memory_buffer out;
    out.reserve(chunk + 4096);
    std::uint64_t printed = 0;
    bool stopped = false;
    struct stop_reading {};
    std::fflush(stdout); // nothing else writes there, but in case
    try {
        p.run([&](const event& e) {
            if (!have_origin) {
                text.set_origin(e.ts);
                have_origin = true;
            }
            if (filter && !filter->matches(e, &p.cpus))
                return;
            text.append_line(out, e);
            if (out.size() >= chunk && !flush_stdout(out))
                throw stop_reading{};
            if (++printed == limit)
                throw stop_reading{};
        });
    } catch (const stop_reading&) {
        stopped = true;
    } catch (...) {
        // Bad input: every line before the bad spot goes out, then the error.
        flush_stdout(out);
        throw;
    }
    if (!stopped || out.size() != 0)
        flush_stdout(out);
    return 0;
}

using analysis_factory = std::function<std::unique_ptr<analysis>(const analysis_context& context)>;

// "10ms", "1s", "250us", "500ns" -> ticks of the time base; "12345c" are
// cycles. A duration needs the frequency; cycles do not.
std::uint64_t parse_interval(const std::string& text, const analysis_context& context) {
    if (text.empty())
        return 0;
    std::string t = text;
    if (t.ends_with("c")) {
        t.pop_back();
        return std::stoull(t);
    }
    double scale = 1;
    for (const auto& [suffix, s] : {std::pair{"ns", 1e-9}, std::pair{"us", 1e-6},
                                    std::pair{"ms", 1e-3}, std::pair{"s", 1.0}}) {
        if (t.ends_with(suffix)) {
            t.resize(t.size() - std::string_view(suffix).size());
            scale = s;
            break;
        }
    }
    if (context.freq_hz == 0)
        throw std::invalid_argument(fmt::format(
            "--interval {}: the TSC frequency is unknown (give --cpu-hz, or cycles as NNNc)",
            text));
    const double seconds = std::stod(t) * scale;
    const auto ticks = static_cast<std::uint64_t>(seconds * static_cast<double>(context.freq_hz));
    if (ticks == 0)
        throw std::invalid_argument(fmt::format("--interval {}: too short", text));
    return ticks;
}

// Runs the time audit and the analyses over the merged inputs in one pass
// and prints their results (text, or one JSON document). The audit comes
// first: whether the merged time base can be trusted is the first thing a
// reader of any result needs to know.
int run_analyses(const common_options& o, std::string_view command,
                 const std::vector<analysis_factory>& factories, bool full_audit) {
    pipeline p(o.paths, make_read_options(o));
    analysis_context context;
    context.classes = &p.classes;
    context.unit = p.inputs.unit;
    context.freq_hz = p.inputs.freq_hz;
    context.cpus = &p.cpus;
    for (const auto& r : p.inputs.readers)
        context.sources.push_back(&r->source());
    std::vector<std::unique_ptr<analysis>> analyses;
    analyses.push_back(std::make_unique<time_audit>(context));
    for (const analysis_factory& make : factories)
        analyses.push_back(make(context));
    p.run([&](const event& e) {
        for (const auto& a : analyses)
            a->on_event(e);
    });
    std::vector<result> results;
    for (const auto& a : analyses)
        results.push_back(a->finish());
    if (o.json) {
        nlohmann::json doc = {{"ltt_view", command},
                              {"events", p.events},
                              {"out_of_order", p.out_of_order},
                              {"notices", p.inputs.notices},
                              {"results", nlohmann::json::array()}};
        for (const result& r : results)
            doc["results"].push_back(to_json(r, p.inputs.freq_hz));
        fmt::print("{}\n", doc.dump(2));
        return 0;
    }
    const text_style style{p.inputs.freq_hz};
    if (full_audit) {
        fmt::print("{}\n", render_text(results.front(), style));
    } else {
        fmt::print("{}\n", render_audit_line(results.front()));
    }
    for (std::size_t i = 1; i < results.size(); ++i)
        fmt::print("{}\n", render_text(results[i], style));
    return 0;
}

template <typename T> analysis_factory with_interval(const std::string* interval) {
    return [interval](const analysis_context& c) -> std::unique_ptr<analysis> {
        return std::make_unique<T>(c, parse_interval(*interval, c));
    };
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"ltt-view: read ltt-xen, CTF, xentrace and ftrace traces on one time base, "
                 "and answer questions about them"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("ltt-view ") + LTT_VERSION_STRING);

    // The analysis commands: each runs the audit first, then its analyses.
    struct command {
        command(const char* n, const char* h, std::vector<analysis_factory> a, bool audit = false,
                bool with_interval = false)
            : name(n), help(h), analyses(std::move(a)), full_audit(audit), interval(with_interval) {
        }
        const char* name;
        const char* help;
        std::vector<analysis_factory> analyses;
        bool full_audit = false;
        bool interval = false;
        common_options options;
        std::string interval_text;
        CLI::App* app = nullptr;
    };

    std::deque<command> commands; // CLI11 keeps pointers to their options
    // The summary: what xenalyze --summary tells Xen's users, per vCPU.
    bool xenalyze_compat = false;
    const auto with_compat = [&xenalyze_compat]<typename T>() -> analysis_factory {
        return [&xenalyze_compat](const analysis_context& c) -> std::unique_ptr<analysis> {
            return std::make_unique<T>(c, xenalyze_compat);
        };
    };
    commands.emplace_back(
        "summary", "events, rates and losses per source and CPU, runstates, hypercalls, exits",
        std::vector<analysis_factory>{
            make<event_counts>, with_compat.template operator()<runstate_times>(),
            make<hypercall_counts>, with_compat.template operator()<hvm_exits>(),
            make<guest_interrupts>});
    commands.emplace_back("irq-latency",
                          "interrupt delivery: physical IRQ -> event channel -> vCPU -> "
                          "handler, per stage",
                          std::vector<analysis_factory>{make<irq_latency>});
    commands.emplace_back(
        "sched-latency", "vCPU wake -> running latency per domain and vCPU",
        std::vector<analysis_factory>{
            [&xenalyze_compat](const analysis_context& c) -> std::unique_ptr<analysis> {
                return std::make_unique<sched_latency>(c, 10, false, xenalyze_compat);
            }});
    commands.emplace_back("cpu",
                          "CPU time per physical CPU, domain and vCPU; hypervisor time by kind",
                          std::vector<analysis_factory>{}, false, true);
    commands.emplace_back("grants", "grant-table operations per domain pair",
                          std::vector<analysis_factory>{make<grant_activity>});
    commands.emplace_back("loss", "events, rates and losses per CPU over time",
                          std::vector<analysis_factory>{}, false, true);
    commands.emplace_back("audit", "the time base checks alone", std::vector<analysis_factory>{},
                          true);
    for (command& c : commands) {
        c.app = app.add_subcommand(c.name, c.help);
        add_common(c.app, c.options, true);
        if (std::string_view(c.name) == "summary")
            c.app->add_flag("--xenalyze-compat", xenalyze_compat,
                            "runstate intervals and percentiles as xenalyze --summary counts "
                            "them");
        if (std::string_view(c.name) == "sched-latency")
            c.app->add_flag("--xenalyze-compat", xenalyze_compat,
                            "wakes as xenalyze --summary counts them (its runnable \"wake\" "
                            "rows)");
        if (c.interval)
            c.app->add_option("--interval", c.interval_text,
                              "also per time bucket of this length (e.g. 10ms, or 1000000c "
                              "cycles)");
    }
    // Factories that read --interval once the frequency is known.
    for (command& c : commands) {
        if (std::string_view(c.name) == "cpu")
            c.analyses.push_back(with_interval<cpu_usage>(&c.interval_text));
        if (std::string_view(c.name) == "loss")
            c.analyses.push_back(with_interval<loss_timeline>(&c.interval_text));
    }

    common_options events_opts;
    std::string filter;
    bool absolute = false;
    std::uint64_t limit = 0;
    CLI::App* events = app.add_subcommand("events", "the merged events, one line each");
    add_common(events, events_opts, false);
    events->add_option("--filter", filter,
                       "keep events matching EXPR (e.g. 'name == irq_* && domid == 0')");
    events->add_flag("--absolute", absolute, "raw timestamps instead of seconds since the first");
    events->add_option("--limit", limit, "stop after N events");

    common_options report_opts;
    report_options report;
    CLI::App* report_cmd = app.add_subcommand(
        "report", "every analysis and a zoomable timeline in one self-contained HTML file");
    add_common(report_cmd, report_opts, false);
    report_cmd->add_option("-o,--output", report.output, "the HTML file to write")
        ->capture_default_str();
    report_cmd
        ->add_option("--detail-events", report.detail_events,
                     "events whose fields a click on the timeline can list (the first N)")
        ->capture_default_str();
    report_cmd
        ->add_option("--max-instants", report.max_instants,
                     "interrupt and guest-event ticks drawn on the timeline (the first N; "
                     "losses are always drawn)")
        ->capture_default_str();

    common_options export_opts;
    export_options exporting;
    CLI::App* export_cmd = app.add_subcommand(
        "export", "the timeline for another tool: Perfetto's UI (JSON trace event format)");
    add_common(export_cmd, export_opts, false);
    export_cmd->add_option("--format", exporting.format, "perfetto")
        ->check(CLI::IsMember({"perfetto"}))
        ->capture_default_str();
    export_cmd->add_option("-o,--output", exporting.output, "the file to write (- for stdout)")
        ->required();

    try {
        app.parse(argc, argv);
        if (report_cmd->parsed())
            return run_report(report_opts.paths, make_read_options(report_opts), report,
                              std::string("ltt-view ") + LTT_VERSION_STRING);
        if (export_cmd->parsed())
            return run_export(export_opts.paths, make_read_options(export_opts), exporting);
        for (const command& c : commands) {
            if (c.app->parsed())
                return run_analyses(c.options, c.name, c.analyses, c.full_audit);
        }
        if (events->parsed())
            return run_events(events_opts, filter, absolute, limit);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    } catch (const filter_error& e) {
        fmt::print(stderr, "ltt-view: {}\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        // Readers' errors name the file and the place.
        fmt::print(stderr, "ltt-view: error: {}\n", e.what());
        return 1;
    }
    return 0;
}
