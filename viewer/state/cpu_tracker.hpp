// state/cpu_tracker.hpp - which vCPU runs on which physical CPU, and each
// vCPU's runstate, from the hypervisor's runstate changes (ltt-xen's
// runstate_change, or xentrace's runstate change records, which readers map
// onto it). Analyses ask it what a hypervisor event with no domain of its
// own (a hypercall, an interrupt) ran on behalf of, and whether a vCPU was
// running, runnable or blocked. A statedump (domain_statedump_vcpu) gives
// the state of vCPUs that have not changed state yet; a decision to keep a
// vCPU running (runstate_continue_running) tells where it runs in a trace
// that starts while it runs.
#pragma once

#include "../core/event.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace ltt::viewer {

class class_registry;

inline constexpr std::uint32_t domid_idle = 32767; // DOMID_IDLE: Xen's idle vCPUs

// RUNSTATE_* of xen/include/public/vcpu.h (facilities/xen/runstate.xml).
enum class runstate : std::uint8_t { running = 0, runnable = 1, blocked = 2, offline = 3 };

struct vcpu_id {
    std::uint32_t domid = 0;
    std::uint32_t vcpu = 0;
    auto operator<=>(const vcpu_id&) const = default;
};

class cpu_tracker {
public:
    explicit cpu_tracker(const class_registry& classes);

    // Every event of the merged stream, before the analyses see it.
    void update(const event& e);

    // The vCPU running on physical CPU `pcpu` now (idle vCPUs included),
    // nullopt before the trace said.
    std::optional<vcpu_id> running_on(std::uint32_t pcpu) const;
    // The physical CPU a vCPU runs on now, nullopt when it is not running.
    std::optional<std::uint32_t> pcpu_of(vcpu_id v) const;

    struct vcpu_state {
        ltt::viewer::runstate state = runstate::offline;
        std::uint64_t since = 0; // timestamp of the change into it
    };
    // A vCPU's runstate, nullopt before the trace said.
    std::optional<vcpu_state> state_of(vcpu_id v) const;

private:
    void set(vcpu_id v, runstate to, std::uint32_t pcpu, std::uint64_t ts);

    const event_class* runstate_change_ = nullptr;
    const event_class* continue_running_ = nullptr;
    std::size_t f_domid_ = 0, f_vcpu_ = 0, f_new_ = 0;
    const event_class* statedump_vcpu_ = nullptr;
    std::size_t f_sd_dom_ = 0, f_sd_vcpu_ = 0, f_sd_cpu_ = 0, f_sd_state_ = 0;
    std::size_t f_continue_domid_ = 0, f_continue_vcpu_ = 0;
    std::vector<std::optional<vcpu_id>> running_; // by physical CPU
    std::map<vcpu_id, std::uint32_t> where_;
    std::map<vcpu_id, vcpu_state> states_;
};

} // namespace ltt::viewer
