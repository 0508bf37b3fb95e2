// analyses/sched_latency.hpp - how long a woken vCPU waits to run
// (DESIGN.md section 7.2): from its runstate change blocked -> runnable
// (the wake) to runnable -> running, per domain and vCPU, with exact
// percentiles and the worst cases. Preemptions (running -> runnable ->
// running) are not wakes and are not counted; a wake whose running change
// was lost (a loss on the hypervisor stream) is dropped and counted.
#pragma once

#include "analysis.hpp"
#include "percentiles.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace ltt::viewer {

class sched_latency final : public analysis {
public:
    // histograms: also the histogram table (analyses/histogram.hpp) of each
    // vCPU's wake latencies, for reports that draw them.
    explicit sched_latency(const analysis_context& context, std::size_t worst = 10,
                           bool histograms = false);
    std::string_view name() const noexcept override { return "sched_latency"; }
    void on_event(const event& e) override;
    result finish() override;

private:
    using vcpu_key = std::pair<std::uint32_t, std::uint32_t>; // (domid, vcpu)
    struct per_vcpu {
        std::optional<std::uint64_t> woken_at;
        std::uint32_t woken_on = 0; // physical CPU of the wake
        duration_set latency;
    };
    struct worst_case {
        std::uint64_t latency = 0, at = 0;
        std::uint32_t domid = 0, vcpu = 0, pcpu = 0;
    };

    analysis_context context_;
    std::size_t worst_n_;
    bool histograms_;
    const event_class* runstate_ = nullptr;
    std::size_t f_dom_ = 0, f_vcpu_ = 0, f_old_ = 0, f_new_ = 0;
    std::map<vcpu_key, per_vcpu> vcpus_;
    std::vector<worst_case> worst_;
    std::uint64_t dropped_ = 0;
    bool have_first_ = false;
    std::uint64_t first_ts_ = 0;
};

} // namespace ltt::viewer
