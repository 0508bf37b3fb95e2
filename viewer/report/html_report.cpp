#include "html_report.hpp"

#include "histogram_svg.hpp"
#include "html_assets.hpp" // generated from html/ by cmake/EmbedText.cmake
#include "html_text.hpp"
#include "text_report.hpp"
#include "time_format.hpp"
#include "timeline_data.hpp"

#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <ctime>
#include <optional>

namespace ltt::viewer {

namespace {

template <std::size_t N> void write_asset(std::ostream& out, const std::string_view (&pieces)[N]) {
    for (std::string_view p : pieces)
        out << p;
}

std::string anchor(std::string_view name) {
    std::string a = "s-";
    for (const char c : name)
        a += (std::isalnum(static_cast<unsigned char>(c)) != 0) ? c : '-';
    return a;
}

std::string grouped(std::uint64_t v) {
    std::string digits = std::to_string(v), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i != 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

// As the text report has it, with counts grouped by thousands.
std::string cell_html(const cell& c, unit u, const text_style& style) {
    if (const auto* v = std::get_if<std::uint64_t>(&c); v != nullptr && u == unit::count)
        return grouped(*v);
    return html_escape(cell_text(c, u, style));
}

bool numeric(unit u) {
    return u != unit::text;
}

std::string table_html(const table& t, const text_style& style, std::size_t max_rows) {
    // data-table carries the table's JSON name: scripts (and the browser
    // test) find a table as `--json` names it.
    std::string s =
        fmt::format("<div class=\"table-block\" data-table=\"{}\">", html_escape(t.name));
    if (!t.title.empty())
        s += fmt::format("<h3>{}</h3>", html_escape(t.title));
    if (is_histogram(t)) {
        s += render_histograms(t, style.freq_hz);
    } else if (t.rows.empty()) {
        s += "<p class=\"note\">(none)</p>";
    } else {
        const auto row_html = [&](const std::vector<cell>& row) {
            std::string r = "<tr>";
            for (std::size_t i = 0; i < t.columns.size(); ++i) {
                const cell c = i < row.size() ? row[i] : cell(std::monostate{});
                const bool missing = std::holds_alternative<std::monostate>(c);
                r += fmt::format("<td class=\"{}{}\">{}</td>",
                                 numeric(t.columns[i].unit) ? "num" : "", missing ? " missing" : "",
                                 cell_html(c, t.columns[i].unit, style));
            }
            return r + "</tr>";
        };
        std::string head = "<thead><tr>";
        for (const column& c : t.columns)
            head += fmt::format("<th class=\"{}\">{}</th>", numeric(c.unit) ? "num" : "",
                                html_escape(c.header.empty() ? c.name : c.header));
        head += "</tr></thead>";
        // Long tables: the first rows, the rest folded, past max_rows cut
        // (and said so).
        constexpr std::size_t shown = 15;
        const std::size_t n = std::min(t.rows.size(), max_rows);
        s += "<div class=\"table-wrap\"><table class=\"data\">" + head + "<tbody>";
        for (std::size_t i = 0; i < std::min(n, shown); ++i)
            s += row_html(t.rows[i]);
        s += "</tbody></table></div>";
        if (n > shown) {
            s += fmt::format("<details class=\"more\"><summary>{} more rows</summary>"
                             "<div class=\"table-wrap\"><table class=\"data\">{}<tbody>",
                             n - shown, head);
            for (std::size_t i = shown; i < n; ++i)
                s += row_html(t.rows[i]);
            s += "</tbody></table></div></details>";
        }
        if (t.rows.size() > n)
            s += fmt::format("<p class=\"notice\">This report shows the first {} of {} rows; "
                             "<code>--json</code> of the analysis's command has them all.</p>",
                             n, t.rows.size());
    }
    if (!t.notes.empty()) {
        s += "<ul class=\"notes\">";
        for (const std::string& n : t.notes)
            s += "<li>" + html_escape(n) + "</li>";
        s += "</ul>";
    }
    return s + "</div>";
}

std::string notes_html(const std::vector<std::string>& notes) {
    if (notes.empty())
        return {};
    std::string s = "<ul class=\"notes\">";
    for (const std::string& n : notes)
        s += "<li>" + html_escape(n) + "</li>";
    return s + "</ul>";
}

std::string section_html(const result& r, const text_style& style, std::size_t max_rows) {
    std::string s = fmt::format(
        "<section class=\"block\" id=\"{}\" data-analysis=\"{}\"><h2>{}</h2>", anchor(r.name),
        html_escape(r.name), html_escape(r.title.empty() ? r.name : r.title));
    s += notes_html(r.notes);
    for (const table& t : r.tables)
        s += table_html(t, style, max_rows);
    return s + "</section>\n";
}

const std::string* text_at(const std::vector<cell>& row, std::size_t i) {
    return i < row.size() ? std::get_if<std::string>(&row[i]) : nullptr;
}

// The audit's checks with a badge each; the box is red when one is a
// violation, green otherwise.
std::string audit_html(const result& audit, const text_style& style, std::size_t max_rows) {
    const table* checks = nullptr;
    for (const table& t : audit.tables) {
        if (t.name == "checks")
            checks = &t;
    }
    std::size_t bad = 0, total = 0;
    std::string rows;
    if (checks != nullptr) {
        for (const auto& row : checks->rows) {
            ++total;
            const std::string* check = text_at(row, 0);
            const std::string* verdict = text_at(row, 2);
            const std::string* detail = text_at(row, 3);
            const std::string v = verdict != nullptr ? *verdict : "?";
            const char* cls = v == "ok" ? "ok" : v == "VIOLATION" ? "bad" : "note";
            if (v == "VIOLATION")
                ++bad;
            rows += fmt::format(
                "<tr><td><span class=\"badge {}\">{}</span></td><td>{}</td><td class=\"num\">{}"
                "</td><td class=\"note\">{}</td></tr>",
                cls, html_escape(v), html_escape(check != nullptr ? *check : ""),
                row.size() > 1 ? cell_html(row[1], unit::count, style) : "",
                html_escape(detail != nullptr ? *detail : ""));
        }
    }
    std::string s = fmt::format(
        "<div class=\"audit {}\" id=\"audit\"><h2><span class=\"mark\">{}</span>{}</h2>",
        bad == 0 ? "ok" : "bad", bad == 0 ? "\u2713" : "!",
        bad == 0 ? fmt::format("Time base audit: all {} checks pass", total)
                 : fmt::format("Time base audit: {} of {} checks found violations", bad, total));
    s += "<p class=\"note\">Hypervisor and guest events are merged on one TSC time base; these "
         "checks say whether that can be trusted for this trace.</p>";
    s += "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th>verdict</th>"
         "<th>check</th><th class=\"num\">count</th><th>detail</th></tr></thead><tbody>" +
         rows + "</tbody></table></div>";
    s += notes_html(audit.notes);
    for (const table& t : audit.tables) {
        if (&t != checks)
            s += table_html(t, style, max_rows);
    }
    return s + "</div>\n";
}

std::string card(std::string_view key, std::string_view value, std::string_view cls = "card") {
    return fmt::format("<div class=\"{}\"><div class=\"v\">{}</div><div class=\"k\">{}</div>"
                       "</div>",
                       cls, html_escape(value), html_escape(key));
}

// A column's sum over a table of a result, by the JSON names.
std::optional<std::uint64_t> column_sum(const std::vector<const result*>& results,
                                        std::string_view analysis, std::string_view table_name,
                                        std::string_view column_name) {
    for (const result* r : results) {
        if (r->name != analysis)
            continue;
        for (const table& t : r->tables) {
            if (t.name != table_name)
                continue;
            for (std::size_t i = 0; i < t.columns.size(); ++i) {
                if (t.columns[i].name != column_name)
                    continue;
                std::uint64_t sum = 0;
                for (const auto& row : t.rows) {
                    if (const auto* v =
                            i < row.size() ? std::get_if<std::uint64_t>(&row[i]) : nullptr)
                        sum += *v;
                }
                return sum;
            }
        }
    }
    return std::nullopt;
}

// Where a table of a result has a column, by the JSON names.
struct located_table {
    const table* t = nullptr;
    std::optional<std::size_t> column(std::string_view name) const {
        for (std::size_t i = 0; t != nullptr && i < t->columns.size(); ++i) {
            if (t->columns[i].name == name)
                return i;
        }
        return std::nullopt;
    }
};

located_table find_table(const std::vector<const result*>& results, std::string_view analysis,
                         std::string_view table_name) {
    for (const result* r : results) {
        for (const table& t : r->tables) {
            if (r->name == analysis && t.name == table_name)
                return {&t};
        }
    }
    return {};
}

std::uint64_t count_at(const std::vector<cell>& row, std::optional<std::size_t> i) {
    const auto* v = i && *i < row.size() ? std::get_if<std::uint64_t>(&row[*i]) : nullptr;
    return v != nullptr ? *v : 0;
}

// Loss is never silent: a banner above everything else names each CPU that
// lost events or packets, and says where the page shows them.
std::string losses_html(const std::vector<const result*>& results, const text_style& style) {
    const located_table cpus = find_table(results, "event_counts", "cpus");
    const auto domain = cpus.column("domain"), cpu = cpus.column("cpu");
    const auto events = cpus.column("lost_events"), packets = cpus.column("lost_packets");
    if (cpus.t == nullptr || !events)
        return {};
    std::uint64_t lost = 0, lost_packets = 0;
    std::string where;
    for (const auto& row : cpus.t->rows) {
        const std::uint64_t e = count_at(row, events), p = count_at(row, packets);
        if (e == 0 && p == 0)
            continue;
        lost += e;
        lost_packets += p;
        where += fmt::format(
            "<li>{} CPU {}: {} events{}</li>",
            domain && *domain < row.size() ? html_escape(cell_text(row[*domain], unit::text, style))
                                           : std::string("?"),
            cpu && *cpu < row.size() ? html_escape(cell_text(row[*cpu], unit::id, style))
                                     : std::string("?"),
            grouped(e), p != 0 ? fmt::format(" ({} packets)", grouped(p)) : "");
    }
    if (where.empty())
        return {};
    return fmt::format(
        "<div class=\"losses\" id=\"losses\"><h2>{} events lost{}</h2><ul>{}</ul>"
        "<p>What was not recorded cannot be analysed: the tables below count only what was. "
        "On the <a href=\"#timeline-section\">timeline</a> lost time is hatched and each loss "
        "report is a red triangle; <a href=\"#s-loss\">Events and losses per CPU over time</a> has "
        "them "
        "per interval.</p></div>\n",
        grouped(lost),
        lost_packets != 0 ? fmt::format(" and {} packets", grouped(lost_packets)) : "", where);
}

std::string timeline_caps_html(const timeline_data& d, std::uint64_t freq_hz) {
    std::string s;
    const auto at = [&](const std::optional<double>& t) {
        return t ? format_duration(*t, freq_hz) : std::string("?");
    };
    if (d.events_kept() < d.events_seen())
        s += fmt::format(
            "<p class=\"notice\">Event details (what a click lists) are kept for the first {} of "
            "{} events, up to {} into the trace: a slice after that shows its time and name but "
            "not its events. <code>ltt-view report --detail-events N</code> keeps more (the file "
            "grows by about 10 bytes an event).</p>",
            grouped(d.events_kept()), grouped(d.events_seen()), at(d.detail_until()));
    if (d.instants_kept() < d.instants_seen())
        s += fmt::format(
            "<p class=\"notice\">Instants (interrupt and guest event ticks) are drawn for the "
            "first {} of {}, up to {} into the trace; every loss is drawn. "
            "<code>--max-instants N</code> keeps more.</p>",
            grouped(d.instants_kept()), grouped(d.instants_seen()), at(d.instants_until()));
    return s;
}

} // namespace

void write_html_report(std::ostream& out, const html_report_input& in) {
    const text_style style{in.freq_hz};
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    char when[64];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));

    out << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        << "<title>ltt-view report \u2014 " << html_escape(grouped(in.events)) << " events</title>"
        << "<style>";
    write_asset(out, report_css);
    out << "</style></head><body>\n";

    // Header: what was read, key figures.
    out << "<header class=\"page\"><h1>ltt-view report<small>" << html_escape(in.generator)
        << " \u00b7 " << when << "</small></h1><p class=\"inputs\">";
    for (const std::string& p : in.paths)
        out << "<code>" << html_escape(p) << "</code> ";
    out << "</p><div class=\"cards\">" << card("events", grouped(in.events));
    if (in.timeline != nullptr) {
        out << card("time span",
                    format_duration(static_cast<double>(in.timeline->span()), in.freq_hz));
        out << card("physical CPUs", std::to_string(in.timeline->physical_cpus()));
        if (in.timeline->vcpus() != 0)
            out << card("traced vCPUs", std::to_string(in.timeline->vcpus()));
    }
    if (const auto lost = column_sum(in.sections, "event_counts", "sources", "lost_events"))
        out << card("events lost", grouped(*lost), *lost != 0 ? "card loss" : "card");
    out << card("TSC", in.unit == time_unit::ns ? std::string("ns clock")
                       : in.freq_hz == 0
                           ? std::string("frequency unknown")
                           : fmt::format("{:.4g} GHz", static_cast<double>(in.freq_hz) / 1e9));
    out << "</div></header>\n";

    out << "<nav class=\"sections\"><a href=\"#audit\">Time base audit</a>";
    bool timeline_linked = false;
    for (const result* r : in.sections) {
        out << "<a href=\"#" << anchor(r->name) << "\">" << html_escape(r->title) << "</a>";
        if (!timeline_linked && in.timeline != nullptr) {
            out << "<a href=\"#timeline-section\">Timeline</a>";
            timeline_linked = true;
        }
    }
    out << "</nav>\n<main>\n";
    out << losses_html(in.sections, style);
    if (in.audit != nullptr)
        out << audit_html(*in.audit, style, in.max_table_rows);
    for (const std::string& n : in.notices)
        out << "<p class=\"notice\">" << html_escape(n) << "</p>";

    bool timeline_written = false;
    const auto write_timeline = [&] {
        if (in.timeline == nullptr || timeline_written)
            return;
        timeline_written = true;
        out << "<section class=\"block\" id=\"timeline-section\"><h2>Timeline</h2>"
               "<p class=\"note\">One lane per physical CPU: which domain's vCPU runs (a colour "
               "per domain), Xen's own episodes (interrupts, hypercalls, HVM exits, its "
               "scheduler), idle time, and what is unknown or lost. Ticks above a lane are "
               "interrupts (and guest events on vCPU lanes); red triangles are losses. Traced "
               "guest vCPUs have a lane each: the vCPU's runstate as Xen saw it, its upcalls and "
               "irq handlers.</p>";
        out << timeline_caps_html(*in.timeline, in.freq_hz);
        out << "<div id=\"timeline\"><noscript><p class=\"notice\">The timeline is drawn by the "
               "page's script: allow JavaScript for this file to see it.</p></noscript></div>";
        if (in.timeline_result != nullptr) {
            out << "<details class=\"more\"><summary>lanes, slices and events</summary>";
            out << notes_html(in.timeline_result->notes);
            for (const table& t : in.timeline_result->tables)
                out << table_html(t, style, in.max_table_rows);
            out << "</details>";
        }
        out << "</section>\n";
    };
    for (std::size_t i = 0; i < in.sections.size(); ++i) {
        out << section_html(*in.sections[i], style, in.max_table_rows);
        if (i == 0)
            write_timeline();
    }
    write_timeline();
    out << "</main><footer class=\"page\">Written by " << html_escape(in.generator)
        << ". Times are since the first event of the merged trace";
    if (in.freq_hz == 0)
        out << ", in TSC cycles (the frequency is unknown: give --cpu-hz)";
    out << ". This file is self-contained: it needs no network and no other file.</footer>\n";

    if (in.timeline != nullptr) {
        out << "<script type=\"application/json\" id=\"ltt-timeline-data\">"
            << script_safe(in.timeline->to_json(in.unit, in.freq_hz).dump()) << "</script>\n";
        out << "<script>";
        write_asset(out, timeline_model_js);
        out << "</script>\n<script>";
        write_asset(out, timeline_view_js);
        out << "</script>\n";
    }
    out << "</body></html>\n";
}

} // namespace ltt::viewer
