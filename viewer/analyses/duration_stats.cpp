#include "duration_stats.hpp"

#include <algorithm>

namespace ltt::viewer {

namespace {
// Sums of cycles times 100 can pass 64 bits on traces of years.
__extension__ using u128 = unsigned __int128;
} // namespace

void duration_stats::add(std::uint64_t duration) {
    ++count_;
    total_ += duration;
    max_ = std::max(max_, duration);
    if (duration != 0) {
        samples_.push_back(duration);
        sorted_.clear();
    }
}

const std::vector<std::uint64_t>& duration_stats::sorted() const {
    if (sorted_.size() != samples_.size()) {
        sorted_ = samples_;
        std::sort(sorted_.begin(), sorted_.end());
    }
    return sorted_;
}

std::uint64_t duration_stats::percentile(unsigned p) const {
    const auto& s = sorted();
    if (s.empty())
        return 0;
    return s[std::min<std::size_t>(s.size() * p / 100, s.size() - 1)];
}

std::uint64_t duration_stats::weighted_percentile(unsigned p) const {
    const auto& s = sorted();
    if (s.empty())
        return 0;
    // cumulative * 100 >= total * p, in integers.
    const u128 target = static_cast<u128>(total_) * p;
    u128 cumulative = 0;
    for (const std::uint64_t d : s) {
        cumulative += d;
        if (cumulative * 100 >= target)
            return d;
    }
    return s.back();
}

} // namespace ltt::viewer
