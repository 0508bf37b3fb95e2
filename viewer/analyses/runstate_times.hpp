// analyses/runstate_times.hpp - per domain and vCPU, the time spent in each
// runstate (running, runnable, blocked, offline), from the hypervisor's
// runstate changes: how many intervals, their total and average length and
// their duration-weighted percentiles (p5, p50, p95: each interval weighs
// its length, as xenalyze weighs them). A runnable interval is a wake when
// the vCPU was blocked or offline before (the wake-to-run latency), a
// preemption when it was running, "other" otherwise.
//
// An interval runs from one runstate change of a vCPU to its next. Counted
// are complete intervals only: the time before a vCPU's first change and
// after its last is not known to be in one state. A change whose old state
// is not the state the vCPU was in (records were lost) ends the interval
// without counting it; a loss report makes every vCPU's state unknown until
// its next change. A decision to keep a vCPU running does not end its
// running interval.
//
// With xenalyze_compat the intervals are the ones `xenalyze --summary`
// counts, so that its figures can be compared (test/xenalyze/):
//   - a vCPU's intervals start at its first change *into* running (an
//     earlier runnable or blocked period is not counted), or, when its first
//     record says it was running already, at the first TSC of that physical
//     CPU;
//   - each decision to keep a vCPU running (runstate_continue_running) ends
//     one running interval and starts the next;
//   - zero-length intervals are not counted;
//   - at the end, the interval of the vCPU running on each physical CPU is
//     closed at that CPU's last event (the other vCPUs' are not counted);
//   - the percentiles are the ones xenalyze's selection procedure gives
//     (xenalyze_percentile.hpp).
// Losses are handled as above in both modes (xenalyze's own treatment of
// lost records is not reproduced).
#pragma once

#include "analysis.hpp"
#include "duration_stats.hpp"
#include "xen_vcpu.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace ltt::viewer {

class runstate_times final : public analysis {
public:
    runstate_times(const analysis_context& context, bool xenalyze_compat);
    std::string_view name() const noexcept override { return "runstates"; }
    void on_event(const event& e) override;
    result finish() override;

private:
    // Rows of the table: the four runstates, and the kinds of runnable.
    enum row : std::uint8_t { running, runnable, blocked, offline, wake, preempt, other, rows };

    struct vcpu_state {
        bool started = false; // the state is known (compat: out of xenalyze's INIT)
        std::uint8_t state = 0;
        std::uint8_t runnable_kind = other;
        std::uint64_t since = 0;
    };
    struct cpu_times {
        bool seen = false;
        std::uint64_t first = 0, last = 0;
    };

    void change(const event& e, vcpu_id v, std::uint8_t old_state, std::uint8_t new_state);
    void keep_running(const event& e, vcpu_id v);
    // Ends v's current interval at ts and enters `next`.
    void enter(vcpu_id v, vcpu_state& s, std::uint8_t next, std::uint64_t ts,
               std::uint8_t came_from);
    std::uint64_t first_ts_of(std::uint32_t cpu);

    analysis_context context_;
    bool compat_;
    const event_class* change_cls_ = nullptr;
    const event_class* continue_cls_ = nullptr;
    std::size_t f_domid_ = 0, f_vcpu_ = 0, f_old_ = 0, f_new_ = 0;
    std::size_t f_cont_domid_ = 0, f_cont_vcpu_ = 0;
    std::map<vcpu_id, vcpu_state> vcpus_;
    std::map<vcpu_id, std::array<duration_stats, rows>> stats_;
    cpu_times& cpu(std::uint32_t cpu);

    // Hypervisor events' first and last time, by physical CPU (a vector for
    // the CPU numbers Xen has, a map beyond).
    std::vector<std::optional<cpu_times>> cpus_;
    std::map<std::uint32_t, cpu_times> far_cpus_;
    std::uint64_t mismatches_ = 0; // changes from another state than known
    std::uint64_t losses_ = 0;     // loss reports that reset every vCPU
};

} // namespace ltt::viewer
