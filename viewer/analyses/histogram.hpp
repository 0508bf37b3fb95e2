// analyses/histogram.hpp - latency histograms with log-scale buckets, as
// histogram tables (core/table.hpp) a report can draw without knowing the
// analysis.
//
// Bucket edges follow 1-2-5 steps: 1, 2, 5, 10, 20, 50... nanoseconds when
// the time base's frequency is known (converted to ticks, so charts read
// "1 us, 2 us, 5 us"), cycles when it is not. Values below the first edge
// fall in [0, first edge). A series gets the buckets from the one holding its
// smallest value to the one holding its largest, empty ones in between
// included, so a chart has no gaps in its axis.
#pragma once

#include "../core/table.hpp"
#include "percentiles.hpp"

#include <cstdint>
#include <vector>

namespace ltt::viewer {

// A histogram table whose series are named by `key_columns`.
table histogram_table(std::string name, std::string title, std::vector<column> key_columns);

// The rows of one series (values of `d`, after d.finish()) appended to `t`:
// each is `key` followed by bucket_low, bucket_high, count.
void add_histogram(table& t, const std::vector<cell>& key, const duration_set& d,
                   std::uint64_t freq_hz);

// The bucket edges (ticks) up to the first one above `max`, for tests.
std::vector<std::uint64_t> histogram_edges(std::uint64_t max, std::uint64_t freq_hz);

} // namespace ltt::viewer
