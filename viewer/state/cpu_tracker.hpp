// state/cpu_tracker.hpp - which vCPU runs on which physical CPU, from the
// hypervisor's runstate changes and decisions to keep a vCPU running
// (ltt-xen's runstate_change and runstate_continue_running, or xentrace's
// records, which readers map onto them). Analyses ask it what
// a hypervisor event with no domain of its own (a hypercall, an interrupt)
// ran on behalf of.
#pragma once

#include "../core/event.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace ltt::viewer {

class class_registry;

inline constexpr std::uint32_t domid_idle = 32767; // DOMID_IDLE: Xen's idle vCPUs

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

private:
    const event_class* runstate_change_ = nullptr;
    const event_class* continue_running_ = nullptr;
    std::size_t f_domid_ = 0, f_vcpu_ = 0, f_new_ = 0;
    std::size_t f_continue_domid_ = 0, f_continue_vcpu_ = 0;
    std::vector<std::optional<vcpu_id>> running_; // by physical CPU
    std::map<vcpu_id, std::uint32_t> where_;
};

} // namespace ltt::viewer
