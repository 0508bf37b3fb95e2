#include "text_report.hpp"

#include "time_format.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ltt::viewer {

std::string cell_text(const cell& c, unit u, const text_style& style) {
    struct visitor {
        unit u;
        const text_style& style;
        std::string operator()(std::monostate) const { return "-"; }
        std::string operator()(std::uint64_t v) const {
            if (u == unit::time)
                return format_duration(static_cast<double>(v), style.freq_hz);
            return fmt::format("{}", v);
        }
        std::string operator()(std::int64_t v) const {
            if (u == unit::time)
                return format_duration(static_cast<double>(v), style.freq_hz);
            return fmt::format("{}", v);
        }
        std::string operator()(double v) const {
            switch (u) {
            case unit::time:
                return format_duration(v, style.freq_hz);
            case unit::percent:
                return fmt::format("{:.1f}%", v);
            case unit::rate:
                return v >= 1e6   ? fmt::format("{:.2f} M/s", v / 1e6)
                       : v >= 1e3 ? fmt::format("{:.1f} k/s", v / 1e3)
                                  : fmt::format("{:.1f}/s", v);
            default:
                return fmt::format("{:.4g}", v);
            }
        }
        std::string operator()(const std::string& v) const { return v; }
    };
    return std::visit(visitor{u, style}, c);
}

namespace {

bool right_aligned(unit u) {
    return u != unit::text;
}

} // namespace

std::string render_text(const table& t, const text_style& style) {
    std::vector<std::vector<std::string>> cells;
    std::vector<std::size_t> width(t.columns.size(), 0);
    std::vector<std::string> header;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        header.push_back(t.columns[i].header.empty() ? t.columns[i].name : t.columns[i].header);
        width[i] = header[i].size();
    }
    for (const auto& row : t.rows) {
        auto& out = cells.emplace_back();
        for (std::size_t i = 0; i < t.columns.size(); ++i) {
            out.push_back(i < row.size() ? cell_text(row[i], t.columns[i].unit, style) : "-");
            width[i] = std::max(width[i], out.back().size());
        }
    }
    std::string s;
    if (!t.title.empty())
        s += fmt::format("{}\n", t.title);
    const auto line = [&](const std::vector<std::string>& v) {
        std::string l = " ";
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (right_aligned(t.columns[i].unit))
                l += fmt::format(" {:>{}}", v[i], width[i]);
            else
                l += fmt::format(" {:<{}}", v[i], width[i]);
        }
        while (!l.empty() && l.back() == ' ')
            l.pop_back();
        s += l + "\n";
    };
    line(header);
    for (const auto& row : cells)
        line(row);
    if (t.rows.empty())
        s += "  (none)\n";
    for (const std::string& n : t.notes)
        s += fmt::format("  note: {}\n", n);
    return s;
}

std::string render_audit_line(const result& audit) {
    std::string problems;
    std::size_t checks = 0;
    for (const table& t : audit.tables) {
        if (t.name != "checks")
            continue;
        for (const auto& row : t.rows) {
            ++checks;
            if (row.size() < 4)
                continue;
            const auto* verdict = std::get_if<std::string>(&row[2]);
            if (verdict == nullptr || *verdict == "ok")
                continue;
            const auto* check = std::get_if<std::string>(&row[0]);
            const auto* count = std::get_if<std::uint64_t>(&row[1]);
            const auto* detail = std::get_if<std::string>(&row[3]);
            problems += fmt::format("  {}: {} {} ({})\n", *verdict, check ? *check : "?",
                                    count ? *count : 0, detail ? *detail : "");
        }
    }
    if (problems.empty())
        return fmt::format("time base audit: {} checks ok\n", checks);
    return fmt::format("time base audit (ltt-view audit for details):\n{}", problems);
}

std::string render_text(const result& r, const text_style& style) {
    std::string s;
    if (!r.title.empty())
        s += fmt::format("== {} ==\n", r.title);
    for (const std::string& n : r.notes)
        s += fmt::format("note: {}\n", n);
    for (const table& t : r.tables) {
        s += "\n";
        s += render_text(t, style);
    }
    return s;
}

} // namespace ltt::viewer
