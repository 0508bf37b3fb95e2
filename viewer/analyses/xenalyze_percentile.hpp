// analyses/xenalyze_percentile.hpp - xenalyze's duration-weighted
// percentiles, reproduced for --xenalyze-compat.
//
// xenalyze (tools/xentrace/xenalyze.c, self_weighted_percentile) selects a
// weighted percentile in place with a partition-based search whose weight
// bookkeeping is off by one element when it narrows from the right, so its
// answer depends on the order of the durations and is often not the
// weighted percentile: on the runstate intervals of the two xentrace files
// of ../shared/testdata, 169 of its 291 p5/p50/p95 differ from the weighted
// percentile of the same intervals (by a median 3%, at most 27 times). It
// computes p50, then p5, then p95 on the same array, each call reordering it
// for the next. To show the figures xenalyze shows (--xenalyze-compat), this
// follows the same procedure on the durations in the order they were
// recorded, in the same call order; duration_stats::weighted_percentile is
// the correct value, which ltt-view shows otherwise.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace ltt::viewer {

// {p5, p50, p95} as xenalyze prints them; zeros for no durations.
std::array<std::uint64_t, 3> xenalyze_weighted_percentiles(std::vector<std::uint64_t> durations);

} // namespace ltt::viewer
