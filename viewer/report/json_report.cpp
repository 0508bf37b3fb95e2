#include "json_report.hpp"

namespace ltt::viewer {

namespace {

std::string_view unit_name(unit u) {
    switch (u) {
    case unit::text:
        return "text";
    case unit::id:
        return "id";
    case unit::count:
        return "count";
    case unit::time:
        return "time";
    case unit::percent:
        return "percent";
    case unit::rate:
        return "rate";
    }
    return "text";
}

nlohmann::json cell_json(const cell& c, unit u, std::uint64_t freq_hz) {
    const auto time = [&](double ticks) -> nlohmann::json {
        return freq_hz == 0 ? nlohmann::json(ticks)
                            : nlohmann::json(ticks / static_cast<double>(freq_hz));
    };
    if (std::holds_alternative<std::monostate>(c))
        return nullptr;
    if (const auto* v = std::get_if<std::uint64_t>(&c))
        return u == unit::time ? time(static_cast<double>(*v)) : nlohmann::json(*v);
    if (const auto* v = std::get_if<std::int64_t>(&c))
        return u == unit::time ? time(static_cast<double>(*v)) : nlohmann::json(*v);
    if (const auto* v = std::get_if<double>(&c))
        return u == unit::time ? time(*v) : nlohmann::json(*v);
    return std::get<std::string>(c);
}

} // namespace

nlohmann::json to_json(const result& r, std::uint64_t freq_hz) {
    nlohmann::json tables = nlohmann::json::array();
    for (const table& t : r.tables) {
        nlohmann::json columns = nlohmann::json::array();
        for (const column& c : t.columns)
            columns.push_back({{"name", c.name}, {"unit", unit_name(c.unit)}});
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& row : t.rows) {
            nlohmann::json o = nlohmann::json::object();
            for (std::size_t i = 0; i < t.columns.size(); ++i)
                o[t.columns[i].name] =
                    i < row.size() ? cell_json(row[i], t.columns[i].unit, freq_hz) : nullptr;
            rows.push_back(std::move(o));
        }
        tables.push_back({{"name", t.name},
                          {"title", t.title},
                          {"notes", t.notes},
                          {"columns", std::move(columns)},
                          {"rows", std::move(rows)}});
    }
    return {{"analysis", r.name},
            {"title", r.title},
            {"notes", r.notes},
            {"time_unit", freq_hz == 0 ? "cycles" : "s"},
            {"tables", std::move(tables)}};
}

} // namespace ltt::viewer
