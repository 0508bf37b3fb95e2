// core/timeline.hpp - what the timeline analysis hands to a timeline's
// renderers (the HTML report, the Perfetto export): lanes, the slices and
// instants on them, and the events behind them. Renderers know these types,
// never the analysis that makes them.
//
// Lanes: one per physical CPU (the hypervisor's view: which vCPU runs, the
// hypervisor's episodes, losses), and one per vCPU of a traced guest kernel
// (the vCPU's runstate as Xen saw it, its upcalls and irq handlers). A slice
// sits on a row of its lane: slices of one row never overlap, so a row of
// each lane is one sequence in time order.
#pragma once

#include "event.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ltt::viewer {

enum class lane_kind : std::uint8_t { physical_cpu, vcpu };

struct timeline_lane {
    std::uint32_t id = 0; // dense, in order of creation
    lane_kind kind = lane_kind::physical_cpu;
    std::uint32_t cpu = 0;              // physical CPU, or vCPU number
    std::optional<std::uint32_t> domid; // vcpu lanes
    std::string name;                   // "CPU 0", "dom0 vCPU 1"
    std::string group;                  // "hypervisor", "dom0 kernel"
    std::uint32_t rows = 1;             // rows its slices use
};

// What a slice or instant shows; renderers choose colours by it.
enum class mark_kind : std::uint8_t {
    guest,       // a guest vCPU running (domid says whose)
    idle,        // Xen's idle vCPU running
    interrupt,   // hypervisor episode: an interrupt
    hypercall,   // hypervisor episode: a hypercall
    exit,        // hypervisor episode: an HVM exit
    scheduler,   // Xen's scheduler between two vCPUs
    lost,        // not known: events were lost
    unknown,     // before the trace says who runs
    runnable,    // vcpu lanes: waiting for a CPU
    blocked,     // vcpu lanes: blocked (or offline)
    upcall,      // vcpu lanes: the guest's event channel upcall
    irq_handler, // vcpu lanes: a Linux irq handler
    event,       // instants: another guest event
    loss,        // instants: a loss report
};
inline constexpr std::size_t mark_kind_count = 14;

std::string_view to_string(mark_kind k);

struct timeline_slice {
    std::uint32_t lane = 0;
    std::uint32_t row = 0;
    std::uint64_t start = 0, end = 0; // [start, end) on the merge's time base
    mark_kind kind = mark_kind::unknown;
    std::optional<std::uint32_t> domid; // guest slices: the domain running
    std::string_view label;             // valid during the call
};

struct timeline_instant {
    std::uint32_t lane = 0;
    std::uint64_t ts = 0;
    mark_kind kind = mark_kind::event;
    std::string_view label; // valid during the call
    // The event itself, when the instant is one (not a loss's summary):
    // renderers may show its fields. Valid during the call.
    const event* source = nullptr;
};

// A renderer of a timeline. Calls come in the merge's order (slices end in
// time order per lane row, not across lanes); lane() comes before the first
// slice, instant or event of its lane.
class timeline_sink {
public:
    virtual ~timeline_sink() = default;
    virtual void lane(const timeline_lane& l) = 0;
    // A lane's rows grew (a vcpu lane's first irq handler).
    virtual void lane_rows(std::uint32_t /*lane*/, std::uint32_t /*rows*/) {}
    virtual void slice(const timeline_slice& s) = 0;
    virtual void instant(const timeline_instant& i) = 0;
    // Every event that belongs to a lane (what a slice of it is made of),
    // in merged order; its payload is valid during the call.
    virtual void lane_event(std::uint32_t /*lane*/, const event& /*e*/) {}
    // After the last event: [first, last] is the span of the merged events.
    virtual void finish(std::uint64_t /*first*/, std::uint64_t /*last*/) {}
};

} // namespace ltt::viewer
