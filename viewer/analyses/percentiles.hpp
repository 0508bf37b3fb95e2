// analyses/percentiles.hpp - exact percentiles of a set of durations: every
// value is kept (8 bytes each) and sorted once at the end, so p99 of a
// million interrupts is the 990,000th value, not an estimate.
//
// Definition (nearest rank): the p-th percentile of n sorted values is the
// value at rank ceil(p * n / 100) = (p * n + 99) / 100 in integers, 1-based;
// p100 is the maximum. Scripts that check ltt-view's figures use the same
// definition.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace ltt::viewer {

class duration_set {
public:
    void add(std::uint64_t v) { values_.push_back(v); }
    // Every value of `other` too (before finish()).
    void merge(const duration_set& other) {
        values_.insert(values_.end(), other.values_.begin(), other.values_.end());
    }
    std::size_t count() const noexcept { return values_.size(); }
    bool empty() const noexcept { return values_.empty(); }

    // Sorts the values; call once, after the last add().
    void finish();
    // Nearest-rank percentile (finish() first); nullopt when empty.
    std::optional<std::uint64_t> percentile(unsigned p) const; // p in 1..100
    std::optional<std::uint64_t> max() const { return percentile(100); }
    std::optional<std::uint64_t> min() const;
    double mean() const;
    std::uint64_t sum() const noexcept { return sum_; }
    // Every value, sorted once finish() ran.
    const std::vector<std::uint64_t>& values() const noexcept { return values_; }

private:
    std::vector<std::uint64_t> values_;
    std::uint64_t sum_ = 0;
    bool sorted_ = false;
};

} // namespace ltt::viewer
