// analyses/sched_latency.hpp - how long a woken vCPU waits to run
// (DESIGN.md section 7.2): from its runstate change blocked -> runnable
// or offline -> runnable (the wake: an HVM vCPU waiting for its device
// model is offline, not blocked) to runnable -> running, per domain and
// vCPU, with exact
// percentiles and the worst cases. Preemptions (running -> runnable ->
// running) are not wakes and are not counted; a wake whose running change
// was lost (a loss on the hypervisor stream) is dropped and counted.
//
// With xenalyze_compat the wakes are the ones `xenalyze --summary` shows as
// "wake" under a vCPU's runnable time, so its figures can be compared
// (test/xenalyze/): a vCPU is followed from its first change into running
// (or its first runstate_continue_running); a wake is runnable entered from
// blocked or offline, as far as xenalyze's own idea of the vCPU's state goes
// (a change whose old state disagrees with a vCPU believed running is
// ignored, as xenalyze does); it ends at the vCPU's next change, or its
// next continue_running, whatever the new state; zero-length wakes are not
// counted.
#pragma once

#include "../state/cpu_tracker.hpp"
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
                           bool histograms = false, bool xenalyze_compat = false);
    std::string_view name() const noexcept override { return "sched_latency"; }
    void on_event(const event& e) override;
    result finish() override;

private:
    using vcpu_key = std::pair<std::uint32_t, std::uint32_t>; // (domid, vcpu)
    struct per_vcpu {
        std::optional<std::uint64_t> woken_at;
        std::uint32_t woken_on = 0; // physical CPU of the wake
        duration_set latency;
        // xenalyze_compat: seen running yet, and the state xenalyze would
        // believe the vCPU is in.
        bool followed = false;
        runstate believed = runstate::running;
    };
    struct worst_case {
        std::uint64_t latency = 0, at = 0;
        std::uint32_t domid = 0, vcpu = 0, pcpu = 0;
    };

    void change(const event& e, per_vcpu& v, const vcpu_key& key, runstate from, runstate to);
    void change_compat(const event& e, per_vcpu& v, const vcpu_key& key, runstate from,
                       runstate to);
    void end_wake(const event& e, per_vcpu& v, const vcpu_key& key);

    analysis_context context_;
    std::size_t worst_n_;
    bool histograms_;
    bool compat_;
    const event_class* runstate_ = nullptr;
    const event_class* continue_ = nullptr;
    std::size_t f_dom_ = 0, f_vcpu_ = 0, f_old_ = 0, f_new_ = 0;
    std::size_t f_cont_dom_ = 0, f_cont_vcpu_ = 0;
    std::map<vcpu_key, per_vcpu> vcpus_;
    std::vector<worst_case> worst_;
    std::uint64_t dropped_ = 0;
    bool have_first_ = false;
    std::uint64_t first_ts_ = 0;
};

} // namespace ltt::viewer
