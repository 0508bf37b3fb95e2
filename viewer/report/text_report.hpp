// report/text_report.hpp - results as aligned plain-text tables, for a
// terminal.
#pragma once

#include "../core/table.hpp"

#include <cstdint>
#include <string>

namespace ltt::viewer {

struct text_style {
    std::uint64_t freq_hz = 0; // for time cells; 0: cycles
};

// One cell as text: times in s/ms/us/ns (cycles without a frequency),
// percentages, rates; "-" for a missing value.
std::string cell_text(const cell& c, unit u, const text_style& style);

std::string render_text(const result& r, const text_style& style);
std::string render_text(const table& t, const text_style& style);

// The audit's result (its `checks` table: check, count, verdict, detail) as
// one line when every verdict is "ok", else the checks that are not.
std::string render_audit_line(const result& audit);

} // namespace ltt::viewer
