// truth.hpp - what happened in a simulated host (host_model.hpp), written
// next to its trace as truth.json: the answers ltt-view's analyses must find,
// computed by the model from what it did, never by reading the trace.
//
// Conventions (the analyses document the same ones):
//   - an interrupt chain: physical IRQ entry in Xen (t_irq) -> the event
//     channel set pending for dom0 (t_pending) -> the vCPU made runnable
//     (t_runnable, when it was blocked) -> running (t_running, when it was
//     not running) -> the guest's upcall (t_upcall) -> the Linux handler's
//     entry (t_handler) and exit (t_handler_exit). A chain whose port was
//     already pending is "coalesced": the guest handles both at once, so
//     its upcall and handler are the first one's (and its wake and
//     schedule, when they came after its own set_pending).
//   - runstate time of a vCPU: the time between its consecutive runstate
//     changes, by the state it was in (before its first change: not counted).
//   - wake latency: blocked -> runnable (the wake) to runnable -> running.
//   - a physical CPU's lane from its first to its last event: hypervisor
//     (inside an interrupt or a hypercall, and between a vCPU leaving the CPU
//     and the next one starting), a guest vCPU or the idle vCPU running, and
//     lost (from the last event before a loss to the next runstate change
//     to running, less the hypervisor episodes seen whole in between).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace ltt::synth {

struct irq_chain {
    std::uint32_t domid = 0, vcpu = 0;
    std::int32_t irq = 0; // Linux irq in dom0
    std::uint32_t pirq = 0, port = 0;
    std::int32_t xen_irq = 0;
    std::uint32_t vector = 0;
    std::uint64_t t_irq = 0, t_pending = 0;
    std::optional<std::uint64_t> t_runnable, t_running;
    std::uint64_t t_upcall = 0, t_handler = 0, t_handler_exit = 0;
    bool coalesced = false; // served by the handler of the chain pending before it
};

struct vcpu_truth {
    std::uint32_t domid = 0, vcpu = 0;
    std::uint64_t running = 0, runnable = 0, blocked = 0; // cycles
    std::uint64_t changes = 0;                            // runstate changes
    std::vector<std::uint64_t> wake_latencies;            // cycles
};

struct lane_truth {
    std::uint32_t pcpu = 0;
    std::uint64_t first = 0, last = 0;
    std::uint64_t hypervisor = 0, idle = 0, lost = 0;
    std::map<std::uint32_t, std::uint64_t> guest; // by domid
};

struct truth {
    std::uint64_t tsc_hz = 0;
    std::map<std::string, std::uint64_t> xen_events, dom0_events; // by event name
    std::vector<irq_chain> chains;                                // complete chains
    std::uint64_t coalesced = 0;  // interrupts whose port was already pending
    std::uint64_t unfinished = 0; // handled after the trace ended
    std::vector<vcpu_truth> vcpus;
    std::map<std::tuple<std::uint32_t, std::uint32_t>, std::pair<std::uint64_t, std::uint64_t>>
        hypercalls; // (domid, number) -> (count, cycles)
    std::vector<lane_truth> lanes;
    std::map<std::uint32_t, std::uint64_t> lost; // hypervisor records lost, by physical CPU
    std::map<std::tuple<std::uint32_t, std::uint32_t>, std::pair<std::uint64_t, std::uint64_t>>
        grants; // (granting domid, mapping domid) -> (maps, unmaps)
};

nlohmann::json to_json(const truth& t);

} // namespace ltt::synth
