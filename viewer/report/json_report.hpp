// report/json_report.hpp - results as JSON for scripts. The schema is
// stable (report/README.md documents it):
//
//   {"analysis": NAME, "title": ..., "notes": [...],
//    "time_unit": "s" | "cycles",
//    "tables": [{"name": ..., "title": ..., "notes": [...],
//                "columns": [{"name": ..., "unit": "text|id|count|time|percent|rate"}],
//                "rows": [{COLUMN: VALUE, ...}, ...]}]}
//
// Time cells are seconds (a number) when the TSC frequency is known, cycles
// otherwise ("time_unit" says which); a missing value is null.
#pragma once

#include "../core/table.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>

namespace ltt::viewer {

nlohmann::json to_json(const result& r, std::uint64_t freq_hz);

} // namespace ltt::viewer
