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

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

namespace ltt::viewer {

class hypercall_counts final : public analysis {
public:
    explicit hypercall_counts(const analysis_context& context);
    std::string_view name() const noexcept override { return "hypercalls"; }
    void on_event(const event& e) override;
    result finish() override;

private:
    // Hypercall numbers are u8 (255: out of range).
    struct vcpu_calls {
        std::optional<vcpu_id> v;
        std::array<std::uint64_t, 256> count{};
    };
    // A hypercall entered and not yet exited on one CPU of one source.
    struct open_call {
        const source_info* source = nullptr;
        std::uint32_t cpu = 0;
        bool open = false;
        std::size_t calls = 0; // index in calls_
        std::uint8_t number = 0;
        std::uint64_t ts = 0;
    };
    using call_key = std::tuple<std::optional<vcpu_id>, std::uint64_t>;

    std::size_t calls_of(const std::optional<vcpu_id>& v);
    open_call& open_on(const source_info* source, std::uint32_t cpu);

    analysis_context context_;
    const event_class* entry_ = nullptr;
    const event_class* exit_ = nullptr;
    std::size_t f_entry_number_ = 0;
    // The hot path is one hypercall_entry after another: counters in arrays
    // per vCPU (a few), found by a short search that starts at the last one.
    std::vector<vcpu_calls> calls_;
    std::size_t last_ = 0;
    std::map<call_key, duration_stats> times_;
    std::vector<open_call> open_;
};

} // namespace ltt::viewer
