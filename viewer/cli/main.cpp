// ltt-view: reads traces (ltt-xen CTF sessions, any CTF, xentrace, ftrace),
// merges them on one time base and answers questions about them.
//
//   ltt-view summary PATH... [--json] [--xenalyze-compat]
//   ltt-view events PATH... [--filter EXPR] [--absolute] [--limit N]
//
// Global options: --cpu-hz FREQ (the TSC frequency for traces that do not
// record it, e.g. 2.6G), --formats FILE (Xen's xentrace formats file).
// Exit status: 0 done, 1 bad input (the message names the file and place),
// 2 bad usage.

#include "../analyses/event_counts.hpp"
#include "../analyses/event_filter.hpp"
#include "../analyses/guest_interrupts.hpp"
#include "../analyses/hvm_exits.hpp"
#include "../analyses/hypercall_counts.hpp"
#include "../analyses/runstate_times.hpp"
#include "../report/event_text.hpp"
#include "../report/json_report.hpp"
#include "../report/text_report.hpp"
#include "frequency.hpp"
#include "pipeline.hpp"

#include <ltt/errors.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <system_error>
#include <vector>

namespace {

using namespace ltt::viewer;

struct common_options {
    std::vector<std::string> paths;
    std::string cpu_hz;
    std::string formats;
    bool json = false;
};

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
    if (with_json)
        cmd->add_flag("--json", o.json, "JSON for scripts instead of text");
}

// Everything `out` holds, to stdout; false when stdout is gone (a closed
// pipe: stop quietly, as `head` expects).
bool flush_stdout(fmt::memory_buffer& out) {
    const bool ok = std::fwrite(out.data(), 1, out.size(), stdout) == out.size();
    out.clear();
    return ok;
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
    bool have_origin = false;
    fmt::memory_buffer out;
    std::uint64_t printed = 0;
    bool stopped = false;
    struct stop_reading {};
    try {
        p.run([&](const event& e) {
            if (!have_origin) {
                style.origin = e.ts;
                have_origin = true;
            }
            if (filter && !filter->matches(e, &p.cpus))
                return;
            append_event_line(out, e, style);
            if (out.size() > (1 << 16) && !flush_stdout(out))
                throw stop_reading{};
            if (++printed == limit)
                throw stop_reading{};
        });
    } catch (const stop_reading&) {
        stopped = true;
    }
    if (!stopped || out.size() != 0)
        flush_stdout(out);
    std::fflush(stdout);
    return 0;
}

int run_summary(const common_options& o, bool xenalyze_compat) {
    pipeline p(o.paths, make_read_options(o));
    analysis_context context;
    context.classes = &p.classes;
    context.unit = p.inputs.unit;
    context.freq_hz = p.inputs.freq_hz;
    context.cpus = &p.cpus;
    std::vector<std::unique_ptr<analysis>> analyses;
    analyses.push_back(std::make_unique<event_counts>(context));
    analyses.push_back(std::make_unique<runstate_times>(context, xenalyze_compat));
    analyses.push_back(std::make_unique<hypercall_counts>(context));
    analyses.push_back(std::make_unique<hvm_exits>(context, xenalyze_compat));
    analyses.push_back(std::make_unique<guest_interrupts>(context));
    p.run([&](const event& e) {
        for (const auto& a : analyses)
            a->on_event(e);
    });
    std::vector<result> results;
    for (const auto& a : analyses)
        results.push_back(a->finish());
    if (o.json) {
        nlohmann::json doc = {{"ltt_view", "summary"},
                              {"events", p.events},
                              {"out_of_order", p.out_of_order},
                              {"notices", p.inputs.notices},
                              {"results", nlohmann::json::array()}};
        for (const result& r : results)
            doc["results"].push_back(to_json(r, p.inputs.freq_hz));
        fmt::print("{}\n", doc.dump(2));
    } else {
        text_style style{p.inputs.freq_hz};
        for (const result& r : results)
            fmt::print("{}\n", render_text(r, style));
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"ltt-view: read ltt-xen, CTF, xentrace and ftrace traces on one time base"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("ltt-view ") + LTT_VERSION_STRING);

    common_options summary_opts;
    CLI::App* summary = app.add_subcommand(
        "summary", "events, rates and losses per source and CPU, runstates, hypercalls, exits");
    add_common(summary, summary_opts, true);
    bool xenalyze_compat = false;
    summary->add_flag("--xenalyze-compat", xenalyze_compat,
                      "runstate intervals and percentiles as xenalyze --summary counts them");

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

    try {
        app.parse(argc, argv);
        if (summary->parsed())
            return run_summary(summary_opts, xenalyze_compat);
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
