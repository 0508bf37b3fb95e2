#include "report_command.hpp"

#include "../analyses/cpu_usage.hpp"
#include "../analyses/event_counts.hpp"
#include "../analyses/grant_activity.hpp"
#include "../analyses/guest_interrupts.hpp"
#include "../analyses/hvm_exits.hpp"
#include "../analyses/hypercall_counts.hpp"
#include "../analyses/irq_latency.hpp"
#include "../analyses/loss_timeline.hpp"
#include "../analyses/runstate_times.hpp"
#include "../analyses/sched_latency.hpp"
#include "../analyses/time_audit.hpp"
#include "../analyses/timeline.hpp"
#include "../report/html_report.hpp"
#include "../report/perfetto_export.hpp"
#include "../report/text_report.hpp"
#include "../report/timeline_data.hpp"
#include "pipeline.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace ltt::viewer {

namespace {

analysis_context make_context(pipeline& p) {
    analysis_context context;
    context.classes = &p.classes;
    context.unit = p.inputs.unit;
    context.freq_hz = p.inputs.freq_hz;
    context.cpus = &p.cpus;
    for (const auto& r : p.inputs.readers)
        context.sources.push_back(&r->source());
    return context;
}

// A result without its histogram tables (the terminal shows the numbers;
// the charts are the HTML's).
result without_histograms(const result& r) {
    result copy = r;
    std::erase_if(copy.tables, [](const table& t) { return is_histogram(t); });
    return copy;
}

// Written beside the target, then renamed: a failed run leaves no half file.
void write_file(const std::string& path, const std::function<void(std::ostream&)>& write) {
    const std::string tmp = path + ".tmp";
    try {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw std::runtime_error(
                fmt::format("{}: cannot write ({})", tmp, std::generic_category().message(errno)));
        write(out);
        out.flush();
        if (!out)
            throw std::runtime_error(fmt::format("{}: write failed", tmp));
    } catch (...) {
        std::remove(tmp.c_str());
        throw;
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
        throw std::runtime_error(fmt::format("{}: {}", path, ec.message()));
}

std::string megabytes(std::uintmax_t bytes) {
    return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
}

} // namespace

int run_report(const std::vector<std::string>& paths, const read_options& read,
               const report_options& options, std::string_view generator) {
    const auto started = std::chrono::steady_clock::now();
    pipeline p(paths, read);
    const analysis_context context = make_context(p);
    timeline_data data({options.detail_events, options.max_instants});
    // The audit first, the summary second: the order of the page.
    std::vector<std::unique_ptr<analysis>> analyses;
    analyses.push_back(std::make_unique<time_audit>(context));
    analyses.push_back(std::make_unique<event_counts>(context));
    const std::size_t summary_at = analyses.size() - 1;
    analyses.push_back(std::make_unique<irq_latency>(context, 10, true));
    const std::size_t irq_at = analyses.size() - 1;
    analyses.push_back(std::make_unique<sched_latency>(context, 10, true));
    const std::size_t sched_at = analyses.size() - 1;
    // The rest of `summary`: what xenalyze users look for, per vCPU.
    analyses.push_back(std::make_unique<runstate_times>(context, false));
    analyses.push_back(std::make_unique<hypercall_counts>(context));
    analyses.push_back(std::make_unique<hvm_exits>(context, false));
    analyses.push_back(std::make_unique<guest_interrupts>(context));
    analyses.push_back(std::make_unique<cpu_usage>(context));
    analyses.push_back(std::make_unique<grant_activity>(context));
    analyses.push_back(std::make_unique<loss_timeline>(context));
    analyses.push_back(std::make_unique<timeline>(context, data));
    p.run([&](const event& e) {
        for (const auto& a : analyses)
            a->on_event(e);
    });
    std::vector<result> results;
    for (const auto& a : analyses)
        results.push_back(a->finish());

    html_report_input in;
    in.generator = std::string(generator);
    in.paths = paths;
    in.notices = p.inputs.notices;
    in.events = p.events;
    in.unit = p.inputs.unit;
    in.freq_hz = p.inputs.freq_hz;
    in.audit = &results[0];
    for (std::size_t i = 1; i + 1 < results.size(); ++i)
        in.sections.push_back(&results[i]);
    in.timeline = &data;
    in.timeline_result = &results.back();
    write_file(options.output, [&](std::ostream& out) { write_html_report(out, in); });
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    // The terminal: the audit's verdict, the summary and the two latency
    // analyses, then where the rest is.
    const text_style style{p.inputs.freq_hz};
    fmt::print("{}\n", render_audit_line(results[0]));
    for (std::size_t i : {summary_at, irq_at, sched_at})
        fmt::print("{}\n", render_text(without_histograms(results[i]), style));
    std::error_code ec;
    const auto size = std::filesystem::file_size(options.output, ec);
    fmt::print("report: {} ({}, {} events, {} slices on {} lanes, written in {:.1f} s)\n",
               options.output, ec ? std::string("?") : megabytes(size), p.events, data.slices(),
               data.lanes(), seconds);
    if (data.events_kept() < data.events_seen())
        fmt::print("report: event details kept for the first {} of {} events "
                   "(--detail-events)\n",
                   data.events_kept(), data.events_seen());
    return 0;
}

int run_export(const std::vector<std::string>& paths, const read_options& read,
               const export_options& options) {
    if (options.format != "perfetto")
        throw std::invalid_argument(
            fmt::format("--format {}: the only export format is perfetto", options.format));
    pipeline p(paths, read);
    const analysis_context context = make_context(p);
    const bool to_stdout = options.output == "-";
    const std::string tmp = options.output + ".tmp";
    std::FILE* f = to_stdout ? stdout : std::fopen(tmp.c_str(), "wb");
    if (f == nullptr)
        throw std::runtime_error(
            fmt::format("{}: cannot write ({})", tmp, std::generic_category().message(errno)));
    std::vector<std::string> notes = p.inputs.notices;
    try {
        perfetto_writer writer(f, to_stdout ? "stdout" : tmp, p.inputs.unit, p.inputs.freq_hz);
        time_audit audit(context);
        timeline lanes(context, writer);
        p.run([&](const event& e) {
            audit.on_event(e);
            lanes.on_event(e);
        });
        const result lane_counts = lanes.finish();
        const result checks = audit.finish();
        std::string verdict = render_audit_line(checks);
        while (!verdict.empty() && verdict.back() == '\n')
            verdict.pop_back();
        notes.push_back(verdict);
        for (const std::string& n : lane_counts.notes)
            notes.push_back(n);
        writer.close(notes);
        if (!to_stdout) {
            if (std::fclose(f) != 0)
                throw std::runtime_error(fmt::format("{}: write failed", tmp));
            f = nullptr;
            std::error_code ec;
            std::filesystem::rename(tmp, options.output, ec);
            if (ec)
                throw std::runtime_error(fmt::format("{}: {}", options.output, ec.message()));
            fmt::print(stderr, "export: {} ({} slices, {} instants; open it in ui.perfetto.dev)\n",
                       options.output, writer.slices(), writer.instants());
        }
    } catch (...) {
        if (f != nullptr && !to_stdout) {
            std::fclose(f);
            std::remove(tmp.c_str());
        }
        throw;
    }
    return 0;
}

} // namespace ltt::viewer
