// ltt-bench-xentrace-bytes: bytes per event of xentrace's record encoding
// versus ltt-xen's, over the event stream of real xentrace files
// (encoding_compare.hpp says exactly what is counted).
//
//   ltt-bench-xentrace-bytes [--json OUT] [--top N] FILE...
//
// Prints, per file and for all files together, the record counts, bytes per
// event on both sides and their ratio, and the classes of events by count
// with both sizes, so one sees where ltt-xen wins or loses. Exit status 1
// when a file cannot be read or is malformed (the message names the file and
// the byte offset).
#include "encoding_compare.hpp"

#include <ltt/errors.hpp>
#include <ltt/mapped_file.hpp>
#include <xen/facilities.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using ltt::bench::class_tally;
using ltt::bench::comparison;
using ltt::bench::match;

std::string grouped(std::uint64_t n) {
    std::string s = std::to_string(n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
        s.insert(static_cast<std::size_t>(i), ",");
    return s;
}

double per(std::uint64_t bytes, std::uint64_t n) {
    return n ? static_cast<double>(bytes) / static_cast<double>(n) : 0.0;
}

double ratio(std::uint64_t ours, std::uint64_t theirs) {
    return theirs ? static_cast<double>(ours) / static_cast<double>(theirs) : 0.0;
}

double pct(std::uint64_t part, std::uint64_t whole) {
    return whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

std::vector<const class_tally*> by_count(const comparison& c) {
    std::vector<const class_tally*> v;
    for (const auto& [name, t] : c.classes)
        v.push_back(&t);
    std::sort(v.begin(), v.end(), [](const class_tally* a, const class_tally* b) {
        return a->count != b->count ? a->count > b->count : a->name < b->name;
    });
    return v;
}

void print(const comparison& c, const char* title, unsigned top) {
    const auto& s = c.stats;
    fmt::print("{}\n", title);
    // (CPU numbers of different files are different CPUs: no count for several.)
    const std::string cpus = s.per_cpu.empty() ? "" : fmt::format(", {} CPUs", s.cpus());
    fmt::print("  records {} ({} CPU-change, {} buffer-wrap, {} lost-records reporting {} lost)"
               "{}, {} without TSC\n",
               grouped(s.records), grouped(s.cpu_changes), grouped(s.wraps),
               grouped(s.lost_reports), grouped(s.records_lost), cpus, grouped(s.without_tsc));
    fmt::print("  events compared {} ({} TRC_GEN bookkeeping records excluded from both sides)\n",
               grouped(c.events), grouped(c.excluded));
    fmt::print("  bytes/event   xentrace {:6.2f}   ltt-xen {:6.2f}   ratio {:.2f}\n",
               c.xentrace_per_event(), c.ours_per_event(), ratio(c.our_bytes, c.xentrace_bytes));
    fmt::print("  with an ltt-xen equivalent {} ({:.1f}%); without one {} ({:.1f}%, counted "
               "conservatively: our header + xentrace's data words); extended headers {}\n",
               grouped(c.equivalent), pct(c.equivalent, c.events), grouped(c.conservative),
               pct(c.conservative, c.events), grouped(c.extended_headers));
    fmt::print("  on the events with an equivalent alone: xentrace {:.2f}, ltt-xen {:.2f}, ratio "
               "{:.2f}\n",
               per(c.equivalent_xentrace_bytes, c.equivalent),
               per(c.equivalent_our_bytes, c.equivalent),
               ratio(c.equivalent_our_bytes, c.equivalent_xentrace_bytes));
    fmt::print("  {:<28} {:>9} {:>6} {:>9} {:>8} {:>6}  {}\n", "xentrace class", "count", "share",
               "xentrace", "ltt-xen", "ratio", "ltt-xen event");
    const auto classes = by_count(c);
    std::uint64_t rest_n = 0, rest_x = 0, rest_o = 0;
    for (std::size_t i = 0; i < classes.size(); i++) {
        const class_tally& t = *classes[i];
        if (i >= top) {
            rest_n += t.count;
            rest_x += t.xentrace_bytes;
            rest_o += t.our_bytes;
            continue;
        }
        fmt::print("  {:<28} {:>9} {:>5.1f}% {:>9.2f} {:>8.2f} {:>6.2f}  {}\n", t.name,
                   grouped(t.count), pct(t.count, c.events), per(t.xentrace_bytes, t.count),
                   per(t.our_bytes, t.count), ratio(t.our_bytes, t.xentrace_bytes), t.ours);
    }
    if (rest_n)
        fmt::print("  {:<28} {:>9} {:>5.1f}% {:>9.2f} {:>8.2f} {:>6.2f}\n",
                   fmt::format("({} other classes)", classes.size() - top), grouped(rest_n),
                   pct(rest_n, c.events), per(rest_x, rest_n), per(rest_o, rest_n),
                   ratio(rest_o, rest_x));
    fmt::print("\n");
}

nlohmann::json to_json(const comparison& c) {
    const auto& s = c.stats;
    nlohmann::json classes = nlohmann::json::array();
    for (const class_tally* t : by_count(c))
        classes.push_back({{"class", t->name},
                           {"ltt_event", t->ours},
                           {"match", std::string(ltt::bench::to_string(t->kind))},
                           {"count", t->count},
                           {"xentrace_bytes_per_event", per(t->xentrace_bytes, t->count)},
                           {"ltt_bytes_per_event", per(t->our_bytes, t->count)}});
    return {{"file", c.file},
            {"records", s.records},
            {"cpu_change_records", s.cpu_changes},
            {"wrap_records", s.wraps},
            {"lost_records_records", s.lost_reports},
            {"records_lost", s.records_lost},
            {"records_without_tsc", s.without_tsc},
            {"cpus", s.cpus()},
            {"events_compared", c.events},
            {"excluded_records", c.excluded},
            {"equivalent_events", c.equivalent},
            {"conservative_events", c.conservative},
            {"extended_headers", c.extended_headers},
            {"equivalent_xentrace_bytes_per_event", per(c.equivalent_xentrace_bytes, c.equivalent)},
            {"equivalent_ltt_bytes_per_event", per(c.equivalent_our_bytes, c.equivalent)},
            {"xentrace_bytes", c.xentrace_bytes},
            {"ltt_bytes", c.our_bytes},
            {"xentrace_bytes_per_event", c.xentrace_per_event()},
            {"ltt_bytes_per_event", c.ours_per_event()},
            {"ratio", ratio(c.our_bytes, c.xentrace_bytes)},
            {"classes", classes}};
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"Bytes per event: xentrace's record encoding versus ltt-xen's, over real "
                 "xentrace files"};
    std::vector<std::string> files;
    std::string json_out;
    unsigned top = 12;
    app.add_option("files", files, "xentrace binary files")->required();
    app.add_option("--json", json_out, "write the figures as JSON to this file");
    app.add_option("--top", top, "classes listed per file (the rest are summed)");
    CLI11_PARSE(app, argc, argv);

    try {
        const ltt::bench::channel_encoding channel(ltt::facility_sets::xen);
        fmt::print("xentrace vs ltt-xen record encoding, per event (ltt-xen: {} header, {} Xen "
                   "events; payload sizes from genevent's descriptors)\n\n",
                   ltt::to_string(channel.header()), channel.event_count());
        // The variant where hypercalls also record their arguments, as
        // xentrace's hypercall records always do.
        const bool args_variant = channel.has("hypercall_args");
        comparison all, all_args;
        all.file = "all files";
        nlohmann::json per_file = nlohmann::json::array();
        for (const std::string& file : files) {
            const ltt::mapped_file mapped(file);
            const std::string name = std::filesystem::path(file).filename().string();
            const comparison c = ltt::bench::compare(mapped.bytes(), file, channel);
            print(c, name.c_str(), top);
            per_file.push_back(to_json(c));
            per_file.back()["file"] = name;
            all.add(c);
            if (args_variant) {
                const comparison a =
                    ltt::bench::compare(mapped.bytes(), file, channel, {.hypercall_args = true});
                per_file.back()["ltt_bytes_per_event_with_hypercall_args"] = a.ours_per_event();
                all_args.add(a);
            }
        }
        if (files.size() > 1)
            print(all, "all files together", top);
        if (args_variant)
            fmt::print(
                "With hypercall_args enabled too (the arguments xentrace's hypercall "
                "records carry): ltt-xen {:.2f} bytes/event over all files, ratio {:.2f}\n\n",
                all_args.ours_per_event(), ratio(all_args.our_bytes, all_args.xentrace_bytes));
        fmt::print(
            "Not counted on either side: framing (xentrace's 12-byte CPU-change record per "
            "window, ltt-xen's 84-byte packet header per sub-buffer) and xentrace's TRC_GEN "
            "records (buffer wrap padding, lost-records reports: ltt-xen counts losses in each "
            "packet's events_discarded instead). Events without an ltt-xen equivalent yet are "
            "counted as an ltt-xen record carrying xentrace's data words unchanged "
            "(conservative). A xentrace record without a TSC is encoded as if stamped with its "
            "CPU's previous TSC.\n");
        if (!json_out.empty()) {
            nlohmann::json j = {{"files", per_file}, {"combined", to_json(all)}};
            if (args_variant)
                j["combined"]["ltt_bytes_per_event_with_hypercall_args"] =
                    all_args.ours_per_event();
            std::ofstream out(json_out);
            out << j.dump(2) << "\n";
            if (!out) {
                fmt::print(stderr, "ltt-bench-xentrace-bytes: cannot write {}\n", json_out);
                return 1;
            }
        }
    } catch (const std::exception& e) {
        fmt::print(stderr, "ltt-bench-xentrace-bytes: {}\n", e.what());
        return 1;
    }
    return 0;
}
