// analyses/loss_timeline.hpp - events, rates and losses per CPU over time
// (DESIGN.md section 7.5): in buckets of `interval` on the merge's time
// base, each loss placed where its stream reported it.
#pragma once

#include "analysis.hpp"

#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

namespace ltt::viewer {

class loss_timeline final : public analysis {
public:
    // interval 0: one bucket per second when the frequency is known, else
    // a hundredth of the span.
    loss_timeline(const analysis_context& context, std::uint64_t interval = 0);
    std::string_view name() const noexcept override { return "loss"; }
    void on_event(const event& e) override;
    result finish() override;

private:
    struct bucket {
        std::uint64_t events = 0, lost = 0, lost_packets = 0;
    };
    using key = std::tuple<std::size_t, std::uint32_t, std::uint64_t>; // source, cpu, bucket
    analysis_context context_;
    std::uint64_t interval_;
    bool have_origin_ = false;
    std::uint64_t origin_ = 0;
    std::map<const source_info*, std::size_t> source_index_;
    std::vector<const source_info*> sources_;
    // Raw per-event records would not fit; buckets need the interval up
    // front, so a provisional fine grid is kept and folded at the end.
    std::map<key, bucket> buckets_;
};

} // namespace ltt::viewer
