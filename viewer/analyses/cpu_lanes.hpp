// analyses/cpu_lanes.hpp - who has each physical CPU at every instant, from
// the hypervisor's events: the lane model cpu_usage.hpp documents (states
// hypervisor, guest, idle, lost, unknown), shared by the analyses that need
// it (cpu_usage adds the intervals up, the timeline draws them).
//
// Each lane runs from its CPU's first hypervisor event to its last. Every
// hypervisor event moves the lane forward: the time since the previous event
// is handed to the listener as one interval in the state the lane was in,
// then the event may change the state. So the intervals of a lane are
// contiguous and in time order, and add up to its span exactly.
#pragma once

#include "../core/event.hpp"
#include "../state/cpu_tracker.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ltt::viewer {

class class_registry;

enum class lane_state : std::uint8_t { hypervisor, guest, idle, lost, unknown };
inline constexpr std::size_t lane_state_count = 5;

// What a hypervisor episode is: an interrupt, a hypercall, an HVM exit, or
// Xen's scheduler between one vCPU leaving the CPU and the next starting.
enum class episode_kind : std::uint8_t { none, interrupt, hypercall, exit, scheduler };

struct lane_interval {
    std::uint32_t cpu = 0;
    std::uint64_t from = 0, to = 0; // [from, to), never empty
    lane_state state = lane_state::unknown;
    std::optional<vcpu_id> owner; // guest, idle: the vCPU that ran
    episode_kind kind = episode_kind::none;
    std::string_view episode; // hypervisor: "interrupts", "hypercall NAME", "exit
                              // REASON", "scheduler"; valid during the call
};

class cpu_lanes {
public:
    class listener {
    public:
        virtual ~listener() = default;
        virtual void interval(const lane_interval& i) = 0;
        // An outermost hypervisor episode starts at e.
        virtual void episode_begin(std::uint32_t /*cpu*/, const event& /*e*/) {}
        // It ends at e (its exit, or the vmentry), having started at `start`.
        // An episode cut short (a loss, a runstate change inside it, an HVM
        // exit nested in it) does not end: the next begin replaces it.
        virtual void episode_end(std::uint32_t /*cpu*/, std::uint64_t /*start*/,
                                 const event& /*e*/) {}
    };

    cpu_lanes(const class_registry& classes, listener& to);
    ~cpu_lanes();
    cpu_lanes(const cpu_lanes&) = delete;
    cpu_lanes& operator=(const cpu_lanes&) = delete;

    // A hypervisor-layer event of the merged stream (losses included);
    // events of other layers must not be passed.
    void on_event(const event& e);

    struct span {
        std::uint64_t first = 0, last = 0;
    };
    // The lane's span so far; nullopt for a CPU with no event yet.
    std::optional<span> span_of(std::uint32_t cpu) const;
    // Whether the lane is inside a hypervisor episode now.
    bool in_episode(std::uint32_t cpu) const;
    // The CPUs that have a lane (in order), with their spans.
    std::map<std::uint32_t, span> spans() const;

private:
    struct classes;
    struct lane;
    lane& lane_of(std::uint32_t cpu);
    void add(lane& l, std::uint64_t to);
    void on_xen(const event& e, lane& l);

    const class_registry& registry_;
    listener& to_;
    std::unique_ptr<classes> c_;
    std::map<std::uint32_t, std::unique_ptr<lane>> lanes_;
};

} // namespace ltt::viewer
