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

// A histogram table (what a report may draw as a chart) is a table with the
// columns bucket_low and bucket_high (unit time: the bucket is [low, high))
// and count; the columns before bucket_low name the series a row belongs to
// (one chart per series), in buckets of increasing low. is_histogram()
// recognises one.
struct table {
    std::string name;  // snake_case, stable: the JSON key
    std::string title; // for people
    std::vector<column> columns;
    std::vector<std::vector<cell>> rows;
    std::vector<std::string> notes; // shown under the table
};

inline bool is_histogram(const table& t) {
    bool low = false, high = false, count = false;
    for (const column& c : t.columns) {
        low = low || c.name == "bucket_low";
        high = high || c.name == "bucket_high";
        count = count || c.name == "count";
    }
    return low && high && count;
}

struct result {
    std::string name; // the analysis ("summary", "irq_latency"...)
    std::string title;
    std::vector<table> tables;
    std::vector<std::string> notes;
};

} // namespace ltt::viewer
