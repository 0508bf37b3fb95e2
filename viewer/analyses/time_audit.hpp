// analyses/time_audit.hpp - the time base checks printed at the top of every
// report (DESIGN.md section 7): ltt-view merges traces from several layers
// on one TSC, and says when that cannot be trusted.
//
//   guest events while not running   a guest kernel event on vCPU v of
//       domain d at a time the hypervisor's runstate changes say d.v was
//       not running: the guest's clock and Xen's disagree (or a guest TSC
//       was not converted). Not checked for a vCPU until the hypervisor
//       trace has said its state, nor after a hypervisor loss until its next
//       runstate change.
//   guest events before their domain was created   a guest event with no
//       runstate yet for its vCPU, of a domain whose domain_create the
//       hypervisor trace records later: the guest's clock and Xen's
//       disagree (a PVH guest's TSC merged unconverted lands there).
//   guest events outside the hypervisor's span   before its first or after
//       its last event (the traces do not cover the same time).
//   events out of order in their own stream   overlapping packets.
//   tsc_params changes   a PVH/HVM vCPU's TSC ratio or offset changed
//       during the trace (each conversion segment is exact, but say so).
//   clocks   sources not on the host TSC (nanosecond clocks, guest TSCs not
//       converted) and TSC frequencies that disagree.
// Table `checks` says each in a row; table `guest_events` gives the guest
// counts per domain as columns (what scripts read, without parsing text).
#pragma once

#include "analysis.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace ltt::viewer {

class time_audit final : public analysis {
public:
    explicit time_audit(const analysis_context& context, std::size_t examples = 10);
    std::string_view name() const noexcept override { return "audit"; }
    void on_event(const event& e) override;
    result finish() override;

    // Violations found (for a command's exit status or a test).
    std::uint64_t violations() const noexcept { return outside_running_ + before_created_; }

private:
    using vcpu_key = std::pair<std::uint32_t, std::uint32_t>;
    analysis_context context_;
    std::size_t examples_n_;
    const event_class* runstate_ = nullptr;
    const event_class* tsc_params_ = nullptr;
    const event_class* domain_create_ = nullptr;
    std::size_t f_create_dom_ = 0;
    std::uint64_t before_created_ = 0; // guest events before their domain's domain_create
    std::size_t f_dom_ = 0, f_vcpu_ = 0;
    std::size_t f_tsc_[6]{}; // tsc_params: domid, vcpu, ratio, frac_bits, offset, emulated
    bool have_hypervisor_ = false;
    std::uint64_t guest_checked_ = 0, guest_unchecked_ = 0, outside_running_ = 0;
    std::uint64_t before_hypervisor_ = 0, after_hypervisor_ = 0;
    std::uint64_t out_of_order_ = 0;
    std::vector<std::uint64_t> last_ts_; // by stream index
    // After a hypervisor loss, the vCPUs whose runstate changed since: the
    // others' states may be stale.
    std::set<vcpu_key> refreshed_;
    bool hypervisor_loss_ = false;
    // Per hypervisor stream (by index): its last event, and the guest
    // counts when it came. Once one hypervisor CPU's trace has ended (an
    // unflushed last buffer, a CPU that went quiet) the runstates it would
    // have recorded are missing: guest events after the earliest such end
    // are not checkable, and finish() moves them out of the counts.
    struct hypervisor_mark {
        std::uint64_t last_ts = 0, checked = 0, violations = 0;
        bool seen = false;
        // (checked, violations) per guest domain slot then: assigned on
        // every hypervisor event, so its capacity is reused.
        std::vector<std::pair<std::uint64_t, std::uint64_t>> by_domain;
    };
    std::vector<hypervisor_mark> marks_;
    std::uint64_t after_end_ = 0; // guest events after a hypervisor CPU's end
    // The guest_events table: the same counts per guest domain (a session
    // has a few), by slot in order of first appearance.
    struct domain_counts {
        std::uint32_t domid = 0;
        std::uint64_t unchecked = 0, before = 0, after = 0, after_end = 0;
        // Unchecked for want of a runstate so far, and those of them a
        // later domain_create of the domain showed came before it existed.
        std::uint64_t no_state_yet = 0, before_created = 0;
    };
    std::size_t slot_of(std::uint32_t domid);
    std::vector<domain_counts> domains_;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> domain_checked_; // (checked, violations)
    std::map<vcpu_key, std::tuple<std::uint64_t, std::uint64_t, std::int64_t, std::uint32_t>>
        tsc_params_seen_; // last (ratio, frac bits, offset, emulated) per vCPU
    std::uint64_t tsc_params_changes_ = 0, tsc_params_events_ = 0;
    struct example {
        std::uint64_t ts;
        std::string source, event;
        std::uint32_t domid, vcpu;
        std::string state;
    };
    // Every violation's time would be unbounded; the first examples are
    // kept (some may fall after the end finish() finds: dropped there).
    std::vector<example> examples_;
    bool have_first_ = false;
    std::uint64_t first_ts_ = 0;
};

} // namespace ltt::viewer
