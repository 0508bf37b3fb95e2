// host_model.hpp - a small Xen host, simulated: physical CPUs with pinned
// vCPUs (dom0's, and optionally one domU vCPU sharing CPU 0 with dom0's
// vCPU 0, so vCPUs wait for each other), a scheduler that runs, blocks,
// preempts and wakes them, hypercalls, a timer tick, and a device per dom0
// vCPU whose interrupts go physical IRQ -> pirq -> event channel -> upcall
// -> Linux handler, as on a real PV dom0.
//
// It emits the events ltt-xen's hypervisor and dom0's ltt-guest would
// record, and records at the same time what really happened (truth.hpp):
// the answers an analysis must find in the trace, known without reading it.
#pragma once

#include "truth.hpp"

#include <ltt/payload_writer.hpp>

#include <cstdint>
#include <functional>
#include <string_view>

namespace ltt::synth {

struct model_options {
    std::uint32_t pcpus = 2;
    std::uint32_t dom0_vcpus = 2;   // vCPU v pinned to physical CPU v % pcpus
    bool domu = true;               // domain 1, one vCPU pinned to physical CPU 0
    std::uint64_t events = 200'000; // stop once about this many were emitted
    std::uint64_t seed = 1;
    std::uint64_t tsc_hz = 2'600'000'000;
    double irq_per_s = 3000;   // device interrupts per second, per dom0 vCPU
    std::uint64_t lose_at = 0; // after this many events of CPU 1, 500 records are lost
};

// Where the events go: the hypervisor's stream of a physical CPU, or dom0's
// kernel stream of a vCPU. Timestamps never go back within a stream.
struct event_sink {
    std::function<void(std::uint32_t pcpu, std::uint64_t ts, std::string_view name,
                       const ltt::payload_writer& payload)>
        xen;
    std::function<void(std::uint32_t vcpu, std::uint64_t ts, std::string_view name,
                       const ltt::payload_writer& payload)>
        dom0;
    std::function<void(std::uint32_t pcpu, std::uint64_t count)> lose; // the next packet reports it
};

// Runs the model, every physical CPU in turn (vCPUs are pinned, so each
// CPU's history is independent), and returns what happened.
truth run_model(const model_options& options, const event_sink& sink);

} // namespace ltt::synth
