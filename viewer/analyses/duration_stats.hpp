// analyses/duration_stats.hpp - the durations of one kind of interval (a
// vCPU's runnable periods, one exit reason's handling times): how many, how
// long in total, and percentiles, exact (every duration is kept: 8 bytes
// each).
//
// Two kinds of percentile:
//   - plain: the duration at rank n*p/100 (0-based) of the n durations in
//     ascending order; xenalyze's HVM exit percentiles are these;
//   - duration-weighted: the shortest duration d such that intervals no
//     longer than d make up at least p% of the total time (each interval
//     weighs its length); xenalyze's runstate percentiles mean these.
// Zero-length durations count in count() and total() but weigh nothing and
// are not ranked (xenalyze does not sample them either).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace ltt::viewer {

class duration_stats {
public:
    void add(std::uint64_t duration);

    std::uint64_t count() const noexcept { return count_; }
    std::uint64_t nonzero() const noexcept { return samples_.size(); }
    std::uint64_t total() const noexcept { return total_; }
    std::uint64_t max() const noexcept { return max_; }

    // 0 when there is no nonzero duration.
    std::uint64_t percentile(unsigned p) const;
    std::uint64_t weighted_percentile(unsigned p) const;
    // Durations in the order they were added (xenalyze_percentile.hpp
    // reproduces xenalyze's procedure, which depends on it).
    const std::vector<std::uint64_t>& samples() const noexcept { return samples_; }

private:
    const std::vector<std::uint64_t>& sorted() const;

    std::uint64_t count_ = 0;
    std::uint64_t total_ = 0;
    std::uint64_t max_ = 0;
    std::vector<std::uint64_t> samples_;
    mutable std::vector<std::uint64_t> sorted_;
};

} // namespace ltt::viewer
