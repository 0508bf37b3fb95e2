#include "histogram.hpp"

#include <cmath>

namespace ltt::viewer {

std::vector<std::uint64_t> histogram_edges(std::uint64_t max, std::uint64_t freq_hz) {
    // Ticks per step unit: a nanosecond when the frequency is known, else a cycle.
    const double unit = freq_hz == 0 ? 1.0 : static_cast<double>(freq_hz) / 1e9;
    std::vector<std::uint64_t> edges;
    for (double decade = 1;; decade *= 10) {
        for (const double step : {1.0, 2.0, 5.0}) {
            const auto e = static_cast<std::uint64_t>(std::llround(step * decade * unit));
            if (e == 0 || (!edges.empty() && e <= edges.back()))
                continue;
            edges.push_back(e);
            if (e > max)
                return edges;
        }
        if (decade > 1e18)
            return edges;
    }
}

table histogram_table(std::string name, std::string title, std::vector<column> key_columns) {
    table t{std::move(name), std::move(title), std::move(key_columns), {}, {}};
    t.columns.push_back({"bucket_low", "from", unit::time});
    t.columns.push_back({"bucket_high", "to", unit::time});
    t.columns.push_back({"count", "count", unit::count});
    return t;
}

void add_histogram(table& t, const std::vector<cell>& key, const duration_set& d,
                   std::uint64_t freq_hz) {
    const std::vector<std::uint64_t>& v = d.values();
    if (v.empty())
        return;
    std::vector<std::uint64_t> edges = histogram_edges(v.back(), freq_hz);
    edges.insert(edges.begin(), 0);
    // Bucket i is [edges[i], edges[i + 1]); the values are sorted.
    std::size_t at = 0;
    bool started = false;
    for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
        std::uint64_t n = 0;
        while (at < v.size() && v[at] < edges[i + 1]) {
            ++n;
            ++at;
        }
        if (n == 0 && !started)
            continue;
        started = true;
        std::vector<cell> row = key;
        row.emplace_back(edges[i]);
        row.emplace_back(edges[i + 1]);
        row.emplace_back(n);
        t.rows.push_back(std::move(row));
        if (at == v.size())
            break;
    }
}

} // namespace ltt::viewer
