#include "percentiles.hpp"

#include <algorithm>
#include <numeric>

namespace ltt::viewer {

void duration_set::finish() {
    std::sort(values_.begin(), values_.end());
    sum_ = std::accumulate(values_.begin(), values_.end(), std::uint64_t{0});
    sorted_ = true;
}

std::optional<std::uint64_t> duration_set::percentile(unsigned p) const {
    if (values_.empty())
        return std::nullopt;
    std::size_t rank = (std::size_t{p} * values_.size() + 99) / 100;
    rank = std::clamp<std::size_t>(rank, 1, values_.size());
    return values_[rank - 1];
}

std::optional<std::uint64_t> duration_set::min() const {
    if (values_.empty())
        return std::nullopt;
    return values_.front();
}

double duration_set::mean() const {
    return values_.empty() ? 0.0 : static_cast<double>(sum_) / static_cast<double>(values_.size());
}

} // namespace ltt::viewer
