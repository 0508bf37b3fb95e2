// core/table.hpp - what an analysis returns and a report renders: named
// tables of typed cells. Reports know tables, never an analysis's insides;
// analyses know nothing of how tables are shown.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace ltt::viewer {

enum class unit : std::uint8_t {
    text,    // a name, a label
    id,      // a number that names something (a CPU, a domain, an IRQ): no grouping
    count,   // how many
    time,    // a duration or a time on the merge's time base (cycles or ns: see result)
    percent, // 0..100
    rate,    // per second
};

struct column {
    std::string name;   // snake_case, stable: the JSON key
    std::string header; // for people (text and HTML); empty: the name
    ltt::viewer::unit unit = unit::text;
};

// A missing value (a stage a trace does not have) is monostate, shown "-".
using cell = std::variant<std::monostate, std::uint64_t, std::int64_t, double, std::string>;

struct table {
    std::string name;  // snake_case, stable: the JSON key
    std::string title; // for people
    std::vector<column> columns;
    std::vector<std::vector<cell>> rows;
    std::vector<std::string> notes; // shown under the table
};

struct result {
    std::string name; // the analysis ("summary", "irq_latency"...)
    std::string title;
    std::vector<table> tables;
    std::vector<std::string> notes;
};

} // namespace ltt::viewer
