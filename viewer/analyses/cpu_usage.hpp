// analyses/cpu_usage.hpp - who uses each physical CPU (DESIGN.md section
// 7.3), from the hypervisor's events.
//
// Each physical CPU is a lane from its first to its last event; at every
// instant the lane is in exactly one state:
//   hypervisor   inside an interrupt (irq_entry..irq_exit), a hypercall
//                (hypercall_entry..exit) or an HVM exit (vmexit..vmentry),
//                or between a vCPU leaving the CPU and the next one starting
//                (Xen's scheduler);
//   guest        a domain's vCPU running (runstate_change to running on this
//                CPU, or the statedump saying so);
//   idle         Xen's idle vCPU running;
//   lost         from the last event before a loss to the next runstate
//                change to running (what ran then is not known), less the
//                hypervisor episodes seen whole in between;
//   unknown      before the trace says who runs (its first runstate change
//                or statedump).
// So per lane guest + hypervisor + idle + lost + unknown = span, exactly.
// A trace that records where hypercalls and interrupts start but not where
// they end (xentrace) has no such episodes: their time is the guest's.
//
// Dom0's time on a guest's behalf, where the trace shows it: the hypercalls
// in which dom0 maps or unmaps a guest's grants (memory_grant_map/unmap
// inside a dom0 hypercall), and dom0's handlers of event channels bound to
// the guest (xen_evtchn_handle_port of a port the statedump shows is
// interdomain with that guest).
#pragma once

#include "analysis.hpp"
#include "cpu_lanes.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ltt::viewer {

class cpu_usage final : public analysis, private cpu_lanes::listener {
public:
    // interval: length of the time buckets of the intervals table on the
    // merge's time base (0: no intervals).
    cpu_usage(const analysis_context& context, std::uint64_t interval = 0);
    ~cpu_usage() override;
    std::string_view name() const noexcept override { return "cpu"; }
    void on_event(const event& e) override;
    result finish() override;

    using state = lane_state;

private:
    struct classes;
    struct lane {
        std::optional<std::uint32_t> behalf; // guest whose grants dom0 maps in this episode
        std::array<std::uint64_t, lane_state_count> by_state{};
        std::map<vcpu_id, std::uint64_t> guest;
        std::map<std::string, std::uint64_t, std::less<>> hypervisor; // by episode kind
        std::map<std::uint64_t, std::array<std::uint64_t, lane_state_count>>
            buckets; // interval -> by state
    };
    // cpu_lanes::listener
    void interval(const lane_interval& i) override;
    void episode_begin(std::uint32_t cpu, const event& e) override;
    void episode_end(std::uint32_t cpu, std::uint64_t start, const event& e) override;

    void on_xen(const event& e);
    void on_guest(const event& e);

    analysis_context context_;
    std::uint64_t interval_;
    std::unique_ptr<classes> c_;
    cpu_lanes lanes_;
    std::map<std::uint32_t, lane> totals_; // by physical CPU
    bool have_origin_ = false;
    std::uint64_t origin_ = 0;
    // (dom0-side) port -> remote domain, from the statedump's evtchn entries.
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> interdomain_;
    // The port a dom0 vCPU is dispatching, and since when its handler runs.
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> dispatching_;
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint64_t> handler_since_;
    std::map<std::uint32_t, std::uint64_t> behalf_grants_, behalf_evtchn_; // by guest domid
};

} // namespace ltt::viewer
