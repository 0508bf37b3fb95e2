// status_text.hpp - what ltt-ctl prints for people (--json prints the raw
// result instead, for scripts).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace lttctl {

// `status NAME`: the session, then one line per CPU (fill level, records
// committed, records lost by kind, bytes written), then totals and problems.
std::string format_status(const nlohmann::json& status);

// `list`: one line per session.
std::string format_list(const nlohmann::json& list);

} // namespace lttctl
