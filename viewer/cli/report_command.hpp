// cli/report_command.hpp - `ltt-view report` (every analysis in one pass,
// written as one self-contained HTML file, the main tables also printed) and
// `ltt-view export --format perfetto` (the timeline as Perfetto's JSON).
#pragma once

#include "../readers/reader.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ltt::viewer {

struct report_options {
    std::string output = "report.html";
    std::uint64_t detail_events = 1'000'000; // events whose text a click can list
    std::uint64_t max_instants = 1'000'000;  // interrupt and guest-event ticks drawn
};

int run_report(const std::vector<std::string>& paths, const read_options& read,
               const report_options& options, std::string_view generator);

struct export_options {
    std::string format = "perfetto";
    std::string output; // "-": stdout
};

int run_export(const std::vector<std::string>& paths, const read_options& read,
               const export_options& options);

} // namespace ltt::viewer
