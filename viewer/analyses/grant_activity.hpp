// analyses/grant_activity.hpp - grant-table operations per domain pair
// (DESIGN.md section 7.5): which domain maps (or receives) which domain's
// pages, how often, at what rate.
#pragma once

#include "analysis.hpp"

#include <cstdint>
#include <map>
#include <utility>

namespace ltt::viewer {

class grant_activity final : public analysis {
public:
    explicit grant_activity(const analysis_context& context);
    std::string_view name() const noexcept override { return "grants"; }
    void on_event(const event& e) override;
    result finish() override;

private:
    struct counts {
        std::uint64_t maps = 0, unmaps = 0, transfers = 0;
    };
    analysis_context context_;
    const event_class* map_ = nullptr;
    const event_class* unmap_ = nullptr;
    const event_class* transfer_ = nullptr;
    std::size_t f_map_[2]{}, f_unmap_[2]{}, f_transfer_[2]{}; // (dom_id, the other domain)
    // (granting domid, mapping domid) -> counts
    std::map<std::pair<std::uint32_t, std::uint32_t>, counts> pairs_;
    bool have_span_ = false;
    std::uint64_t first_ = 0, last_ = 0;
};

} // namespace ltt::viewer
