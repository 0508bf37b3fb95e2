// analyses/hypercall_counts.hpp - hypercalls per domain and vCPU by name:
// how many (every hypercall_entry: PV hypercalls and HVM VMCALLs, and, for
// xentrace input, the calls inside multicalls as xenalyze counts them), and
// where the trace has hypercall_exit (ltt-xen), the time from entry to exit
// with its average and p50/p95. A hypercall belongs to the vCPU running on
// its physical CPU; one made while that is not known yet is counted under
// an unknown vCPU. Also the totals per domain.
#pragma once

#include "analysis.hpp"
#include "duration_stats.hpp"
#include "xen_vcpu.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>

namespace ltt::viewer {

class hypercall_counts final : public analysis {
public:
    explicit hypercall_counts(const analysis_context& context);
    std::string_view name() const noexcept override { return "hypercalls"; }
    void on_event(const event& e) override;
    result finish() override;

private:
    struct open_call {
        std::optional<vcpu_id> v;
        std::uint64_t number = 0;
        std::uint64_t ts = 0;
    };
    using call_key = std::tuple<std::optional<vcpu_id>, std::uint64_t>;

    analysis_context context_;
    const event_class* entry_ = nullptr;
    const event_class* exit_ = nullptr;
    std::size_t f_entry_number_ = 0;
    std::map<call_key, std::uint64_t> counts_;
    std::map<call_key, duration_stats> times_;
    // Entered and not yet exited, by (source, physical CPU).
    std::map<std::pair<const source_info*, std::uint32_t>, open_call> open_;
};

} // namespace ltt::viewer
