#include "xenalyze_percentile.hpp"

#include <utility>

namespace ltt::viewer {

namespace {

// One selection, reordering `a`. Weights are the values themselves. The
// bookkeeping, kept as xenalyze has it: left_weight is the weight of the
// elements before `left`; right_weight starts as the weight before `right`
// but, as `j` moves left, loses the weight of the element it leaves rather
// than of the one it reaches.
std::uint64_t select(std::vector<std::uint64_t>& a, unsigned p) {
    const std::size_t n = a.size();
    std::uint64_t total = 0;
    for (const std::uint64_t v : a)
        total += v;
    // Signed, as xenalyze's long long: the off-by-one can take a weight
    // below zero.
    const auto target = static_cast<std::int64_t>(total * p / 100);
    std::size_t left = 0, right = n - 1;
    std::int64_t left_weight = 0;
    std::int64_t right_weight = static_cast<std::int64_t>(total - a[right]);
    while (left < right) {
        const std::uint64_t pivot = a[(left + right) / 2];
        std::int64_t i_weight = left_weight, j_weight = right_weight;
        // The right index may step below 0 (an int in xenalyze).
        auto ii = static_cast<std::ptrdiff_t>(left);
        auto jj = static_cast<std::ptrdiff_t>(right);
        do {
            while (a[static_cast<std::size_t>(ii)] < pivot) {
                i_weight += static_cast<std::int64_t>(a[static_cast<std::size_t>(ii)]);
                ++ii;
            }
            while (pivot < a[static_cast<std::size_t>(jj)]) {
                j_weight -= static_cast<std::int64_t>(a[static_cast<std::size_t>(jj)]);
                --jj;
            }
            if (ii <= jj) {
                std::swap(a[static_cast<std::size_t>(ii)], a[static_cast<std::size_t>(jj)]);
                i_weight += static_cast<std::int64_t>(a[static_cast<std::size_t>(ii)]);
                ++ii;
                j_weight -= static_cast<std::int64_t>(a[static_cast<std::size_t>(jj)]);
                --jj;
            }
        } while (ii <= jj);
        bool moved = false;
        if (j_weight < target) {
            left = static_cast<std::size_t>(ii);
            left_weight = i_weight;
            moved = true;
        }
        if (target < i_weight) {
            right = static_cast<std::size_t>(jj);
            right_weight = j_weight;
            moved = true;
        }
        // xenalyze would loop for ever here; never seen on real data.
        if (!moved || left >= n || right >= n)
            break;
    }
    return a[std::min(left, n - 1)];
}

} // namespace

std::array<std::uint64_t, 3> xenalyze_weighted_percentiles(std::vector<std::uint64_t> durations) {
    if (durations.empty())
        return {0, 0, 0};
    const std::uint64_t p50 = select(durations, 50);
    const std::uint64_t p5 = select(durations, 5);
    const std::uint64_t p95 = select(durations, 95);
    return {p5, p50, p95};
}

} // namespace ltt::viewer
