// report/html_report.hpp - the self-contained HTML report: one file, with
// its style, scripts and data inline (it must open from a mail attachment,
// with no network and no other file). From the top: the time base audit
// (green, or red on a violation), key figures, the summary, the timeline
// (report/html/timeline_*.js draws it from report/timeline_data.hpp), then
// every other analysis's tables, histogram tables drawn as charts.
//
// Tables are written as HTML by this file, so everything but the timeline
// reads without JavaScript. A table of more than max_table_rows rows shows
// that many and says how many more `--json` has.
#pragma once

#include "../core/event.hpp"
#include "../core/table.hpp"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace ltt::viewer {

class timeline_data;

struct html_report_input {
    std::string generator;          // "ltt-view 0.1.0"
    std::vector<std::string> paths; // as given
    std::vector<std::string> notices;
    std::uint64_t events = 0;
    time_unit unit = time_unit::tsc;
    std::uint64_t freq_hz = 0;
    const result* audit = nullptr;       // the time base audit, shown first
    std::vector<const result*> sections; // the summary first, then the analyses
    const timeline_data* timeline = nullptr;
    const result* timeline_result = nullptr; // its lane counts, under the timeline
    std::size_t max_table_rows = 2000;
};

void write_html_report(std::ostream& out, const html_report_input& in);

} // namespace ltt::viewer
