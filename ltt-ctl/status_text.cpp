#include "status_text.hpp"

#include <lttd/size_parse.hpp>

#include <fmt/format.h>

namespace lttctl {

namespace {

std::uint64_t u(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<std::uint64_t>() : 0;
}

std::string s(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string("-");
}

// The flight recorder's limits and what they removed so far.
std::string retention_text(const nlohmann::json& st) {
    const auto it = st.find("retention");
    if (it == st.end() || !it->is_object())
        return {};
    const auto& r = *it;
    const std::string keep = r.contains("keep") && r["keep"].is_number()
                                 ? fmt::format("{}", u(r, "keep"))
                                 : "any number";
    const std::string bytes = r.contains("max_bytes") && r["max_bytes"].is_number()
                                  ? lttd::format_size(u(r, "max_bytes"))
                                  : std::string("any size");
    const auto removed = r.value("removed", nlohmann::json::array());
    return fmt::format("  retention: keep {} snapshots, {} in all; removed {} ({})\n", keep, bytes,
                       removed.size(), lttd::format_size(u(r, "bytes_removed")));
}

bool removed_by_retention(const nlohmann::json& st, const nlohmann::json& snapshot) {
    const auto it = st.find("retention");
    if (it == st.end() || !it->is_object() || !it->contains("removed"))
        return false;
    for (const auto& r : (*it)["removed"])
        if (r == snapshot)
            return true;
    return false;
}

} // namespace

std::string format_status(const nlohmann::json& st) {
    // A session of several sources: each part as a session of its own.
    if (const auto parts = st.find("parts"); parts != st.end() && parts->is_array()) {
        std::string out = fmt::format("Session {}: {} ({} mode), {} sources on one clock\n",
                                      s(st, "name"), s(st, "state"), s(st, "mode"), parts->size());
        out += retention_text(st);
        for (const auto& p : *parts)
            out += format_status(p);
        return out;
    }
    std::string out;
    const auto& ch = st.value("channel", nlohmann::json::object());
    out += fmt::format("Session {}: {} ({} mode)\n", s(st, "name"), s(st, "state"), s(st, "mode"));
    if (st.contains("failure") && st["failure"].is_string())
        out += fmt::format("  failure: {}\n", st["failure"].get<std::string>());
    out += fmt::format("  source:  {} (channel {}, {} pid {}, {} x {} sub-buffers per CPU)\n",
                       s(st, "source"), s(ch, "name"), s(ch, "domain"), u(ch, "producer_pid"),
                       u(ch, "subbuf_count"), lttd::format_size(u(ch, "subbuf_size")));
    out += fmt::format("  output:  {}\n", s(st, "output"));
    if (st.contains("trace") && st["trace"].is_string())
        out += fmt::format("  trace:   {}\n", st["trace"].get<std::string>());
    const auto enabled = st.value("events_enabled", nlohmann::json::array());
    out += fmt::format("  events:  {} of {} enabled", enabled.size(), u(ch, "events"));
    if (!enabled.empty() && enabled.size() <= 8) {
        std::string names;
        for (const auto& e : enabled)
            names += (names.empty() ? "" : ", ") + e.get<std::string>();
        out += fmt::format(" ({})", names);
    }
    out += "\n";
    const auto snapshots = st.value("snapshots", nlohmann::json::array());
    out += retention_text(st);
    for (const auto& snap : snapshots)
        out += fmt::format("  snapshot: {}{}\n", snap.get<std::string>(),
                           removed_by_retention(st, snap) ? " (removed by retention)" : "");
    out += fmt::format("  {:>4}  {:<8} {:>16}  {:>12}  {:<39}  {}\n", "CPU", "state", "fill",
                       "produced", "lost = full/overwritten/busy/nested/big", "written");
    for (const auto& c : st.value("cpus", nlohmann::json::array())) {
        const auto& lost = c.value("lost", nlohmann::json::object());
        const std::string fill = c.contains("fill_percent")
                                     ? fmt::format("{:.1f}% of {}", c["fill_percent"].get<double>(),
                                                   lttd::format_size(u(c, "buffer_bytes")))
                                     : std::string("-");
        const std::string lost_text = fmt::format(
            "{} = {}/{}/{}/{}/{}", u(c, "lost_total"), u(lost, "full"), u(lost, "overwritten"),
            u(lost, "busy"), u(lost, "nested"), u(lost, "too_big"));
        out += fmt::format("  {:>4}  {:<8} {:>16}  {:>12}  {:<39}  {} in {} packets\n", u(c, "cpu"),
                           s(c, "state"), fill, u(c, "produced"), lost_text,
                           lttd::format_size(u(c, "bytes_written")), u(c, "packets_written"));
        if (c.contains("problem"))
            out += fmt::format("        problem: {}\n", c["problem"].get<std::string>());
        if (u(c, "consumer_errors") > 0)
            out += fmt::format("        consumer page: {} invalid read positions refused by the "
                               "writer (it stopped recording this CPU)\n",
                               u(c, "consumer_errors"));
    }
    const auto& t = st.value("totals", nlohmann::json::object());
    out += fmt::format("  total: {} records produced ({} committed), {} lost; {} written in {} "
                       "packets\n",
                       u(t, "produced"), u(t, "records"), u(t, "lost"),
                       lttd::format_size(u(t, "bytes_written")), u(t, "packets_written"));

    const auto problems = st.value("problems", nlohmann::json::array());
    if (!problems.empty()) {
        out += "  problems:\n";
        for (const auto& p : problems)
            out += fmt::format("    - {}\n", p.get<std::string>());
    }
    return out;
}

std::string format_list(const nlohmann::json& list) {
    std::string out;
    const auto sessions = list.value("sessions", nlohmann::json::array());
    if (sessions.empty())
        return "no sessions\n";
    for (const auto& x : sessions) {
        if (x.contains("error")) {
            out += fmt::format("{}: {}\n", s(x, "name"), s(x, "error"));
            continue;
        }
        out += fmt::format("{}: {}, {} mode, {} CPUs, {} -> {}{}\n", s(x, "name"), s(x, "state"),
                           s(x, "mode"), u(x, "cpus"), s(x, "source"), s(x, "output"),
                           x.contains("failure") && x["failure"].is_string()
                               ? " (failed: " + x["failure"].get<std::string>() + ")"
                               : std::string());
    }
    return out;
}

} // namespace lttctl
