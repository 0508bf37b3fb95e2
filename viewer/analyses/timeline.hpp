// analyses/timeline.hpp - the merged events as lanes of slices
// (core/timeline.hpp), for the HTML report's timeline and the Perfetto
// export.
//
// Physical CPU lanes (one row): the states of cpu_lanes.hpp, the same as
// `ltt-view cpu` adds up. A slice is a maximal stretch of one state with one
// label: a vCPU running ("dom0 vCPU 1"), idle, a hypervisor episode
// ("interrupts", "hypercall NAME", "exit REASON", "scheduler"), lost or
// unknown; intervals of zero length do not make slices, and neighbours with
// the same label merge. Instants: each irq_entry (an interrupt) and each
// loss report. Lane events: every hypervisor event recorded on that CPU.
//
// vCPU lanes, for each vCPU of a traced guest kernel (three rows):
//   row 0  the vCPU's runstate as Xen's runstate changes say ("running on
//          CPU n", "runnable", "blocked", "offline"), from its first change
//          to its next; the last one ends at the last event of the
//          physical CPU that recorded it (nothing is known after that).
//          After a hypervisor loss on the CPU that recorded its last change,
//          its state is "lost" from that CPU's last event before the loss
//          until its next change.
//   row 1  upcalls: xen_evtchn_upcall_entry .. xen_evtchn_upcall_exit
//   row 2  irq handlers: irq_handler_entry .. irq_handler_exit of that irq
//          ("irq N NAME")
// An entry with no exit (a second entry first, a loss on the vCPU's stream,
// the trace's end) makes no slice and is counted. Instants: every other
// guest event, and loss reports. Lane events: every guest event of the vCPU.
#pragma once

#include "../core/timeline.hpp"
#include "analysis.hpp"
#include "cpu_lanes.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ltt::viewer {

class timeline final : public analysis, private cpu_lanes::listener {
public:
    timeline(const analysis_context& context, timeline_sink& sink);
    ~timeline() override;
    std::string_view name() const noexcept override { return "timeline"; }
    void on_event(const event& e) override;
    result finish() override;

private:
    struct classes;
    struct counts {
        std::uint64_t slices = 0, instants = 0, events = 0, unpaired = 0;
    };
    // The slice being extended on a physical CPU lane.
    struct cpu_lane {
        std::uint32_t id = 0;
        bool open = false;
        std::uint64_t start = 0, end = 0;
        lane_state state = lane_state::unknown;
        std::optional<vcpu_id> owner;
        episode_kind kind = episode_kind::none;
        std::string episode;
        counts n;
    };
    struct open_pair {
        bool open = false;
        std::uint64_t start = 0;
        std::int64_t irq = 0;
        std::string label;
    };
    struct vcpu_lane {
        std::uint32_t id = 0;
        std::optional<std::uint32_t> domid;
        // Row 0: the runstate since `since` (mark unknown: none yet).
        bool have_state = false;
        mark_kind state = mark_kind::unknown;
        std::string state_label;
        std::uint64_t since = 0;
        std::uint32_t changed_on = 0; // physical CPU that recorded the change
        open_pair upcall, handler;
        counts n;
    };

    // cpu_lanes::listener
    void interval(const lane_interval& i) override;

    void flush(cpu_lane& l);
    cpu_lane& cpu_lane_of(std::uint32_t cpu);
    vcpu_lane& vcpu_lane_of(const source_info& s, std::optional<std::uint32_t> domid,
                            std::uint32_t vcpu);
    void on_xen(const event& e);
    void on_guest(const event& e);
    void on_runstate(const event& e);
    void on_xen_loss(const event& e);
    void set_state(vcpu_lane& l, std::uint64_t ts, mark_kind state, std::string label,
                   std::uint32_t pcpu);
    void emit(vcpu_lane& l, std::uint32_t row, std::uint64_t start, std::uint64_t end,
              mark_kind kind, std::string_view label);

    analysis_context context_;
    timeline_sink& sink_;
    std::unique_ptr<classes> c_;
    cpu_lanes lanes_;
    std::uint32_t next_id_ = 0;
    std::map<std::uint32_t, cpu_lane> cpus_;
    // Guest lanes by (source, vCPU); those of a known domain also by vcpu_id.
    std::map<std::pair<const source_info*, std::uint32_t>, vcpu_lane> vcpus_;
    std::map<vcpu_id, vcpu_lane*> by_vcpu_;
    std::map<std::uint32_t, const source_info*> traced_; // domid -> its kernel source
    bool have_first_ = false;
    std::uint64_t first_ = 0, last_ = 0, last_xen_ = 0;
};

} // namespace ltt::viewer
