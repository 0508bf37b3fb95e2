// analyses/irq_latency.hpp - how long an interrupt takes to reach a
// guest's handler, and where the time goes (DESIGN.md section 7.1).
//
// A chain follows one interrupt through the stages the trace has:
//
//   origin          the physical IRQ entering Xen (irq_entry, with
//                   irq_guest_pirq naming the domain's pirq and port), or
//                   an evtchn_send: another domain's (interdomain) or the
//                   domain's own (ipi/loopback: a PV guest sends its IPIs,
//                   and a channel may have both ends in one domain, like
//                   dom0's xenstored and xenbus), or neither (a virq Xen
//                   raises itself: the chain starts at set_pending)
//   xen       ->    evtchn_set_pending: the port is pending for the vCPU
//   wake      ->    runstate_change blocked -> runnable (if it was blocked)
//   schedule  ->    runstate_change -> running (if it was not running)
//   upcall    ->    the guest's xen_evtchn_upcall_entry on that vCPU
//   dispatch  ->    irq_handler_entry of the irq bound to the port
//   handler   ->    irq_handler_exit
//
// Stages a chain skips (the vCPU was already running) are absent, not zero;
// the stages of a chain add up exactly to its total (origin to handler exit,
// or to handler entry when the trace has no exits).
//
// An interrupt whose port is still pending (set pending again before the
// guest dispatched it) is coalesced: the guest sees one event for both, and
// the handler run that serves the first serves it too. It is followed to
// that handler: its stages are the first chain's boundaries that come after
// its own set_pending. Set pending again once the guest has dispatched the
// port (its handler runs, or ran), it is a chain of its own. Chains that end
// early are counted by reason, never dropped: lost (a loss on a stream the
// chain was waiting on), before the guest's trace shows every stage (its
// first handle_port or statedump event: ltt-guest attaches the port's probe
// after the others and then writes the statedump), after the guest's trace
// ended, trace ended before the handler, guest not traced.
//
// Guests other than dom0: a PV domU whose kernel trace is in the session
// (domU-<id>/kernel/, which dom0's lttd records through the domU's grants)
// is followed like dom0, per domid, on its own vCPU numbering (a guest
// kernel's CPU is its vCPU): Xen's virqs (timer), the domU's IPIs
// (ipi/loopback) and the notifications of dom0's backends (console,
// xenstore, lttd: interdomain), to the handlers its own statedump names.
// Its trace covers only part of its life (ltt-guest loads late in its
// boot and unloads before its power-off): coverage counts, per domain and
// origin, the interrupts set pending while the guest's trace showed every
// stage ("while traced") and which share of those reached the handler,
// and the chains that ended early are counted per domain, origin and
// reason. test/e2e/scenarios/domU/domU_irq_chains.py recomputes the
// domU's chains from babeltrace2's output.
//
// A trace without Xen's per-interrupt events (xentrace's `-e all` records
// none) still has wakes: each chain then starts when the guest vCPU is
// woken and ends at the first handler it runs (stages schedule, dispatch,
// handler, per handler name), and the result says which stages are missing
// and why.
#pragma once

#include "analysis.hpp"
#include "percentiles.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace ltt::viewer {

class irq_latency final : public analysis {
public:
    // histograms: also the histogram table (analyses/histogram.hpp) of each
    // interrupt's total and stages, for reports that draw them.
    explicit irq_latency(const analysis_context& context, std::size_t worst = 10,
                         bool histograms = false);
    ~irq_latency() override;
    std::string_view name() const noexcept override { return "irq_latency"; }
    void on_event(const event& e) override;
    result finish() override;

    enum class origin : std::uint8_t { pirq, interdomain, own_send, virq, wake };
    enum class stage : std::uint8_t { xen, wake, schedule, upcall, dispatch, handler, count };

    struct chain {
        origin from = origin::virq;
        std::uint32_t domid = 0, vcpu = 0, port = 0;
        std::int32_t xen_irq = -1;
        std::uint32_t vector = 0, pirq = 0;
        std::int32_t irq = -1; // the guest's Linux irq
        std::string name;      // its handler
        std::uint64_t t_origin = 0;
        std::optional<std::uint64_t> t_pending, t_runnable, t_running, t_upcall, t_handler,
            t_handler_exit;
        bool needs_wake = false, needs_schedule = false;
    };

private:
    struct classes;
    struct xen_cpu {
        // The interrupts being handled, innermost last (an interrupt can
        // nest in another's handler: the pirq is the innermost's).
        struct handling {
            std::uint64_t t_irq = 0;
            std::uint32_t vector = 0;
            std::int32_t xen_irq = -1;
        };
        std::vector<handling> nested;
        bool have_pirq = false;
        std::uint32_t pirq_domid = 0, pirq = 0, pirq_port = 0;
        bool have_send = false;
        std::uint64_t t_send = 0;
        std::uint32_t send_domid = 0;
    };
    using port_key = std::pair<std::uint32_t, std::uint32_t>; // (domid, port)
    using vcpu_key = std::pair<std::uint32_t, std::uint32_t>; // (domid, vcpu)

    // A full chain being followed, and the interrupts coalesced into it.
    struct open_chain {
        chain ch;
        std::vector<chain> coalesced;
        bool dispatched = false; // the guest took the port (handle_port, or its handler)
    };
    using chain_id = std::uint64_t;

    void on_set_pending(const event& e);
    void on_runstate(const event& e);
    void on_guest(const event& e);
    void on_loss(const event& e);
    bool guest_recording(std::uint32_t domid, std::uint32_t vcpu) const;
    void complete(chain& c, bool coalesced = false);
    // outside_trace: set pending while the guest's trace did not show every
    // stage (before it began, after it ended, or not traced at all).
    void ended_early(const chain& c, const std::string& reason, bool outside_trace = false);
    // Completes an open chain and the interrupts coalesced into it, and
    // forgets it.
    void complete_open(chain_id id);
    void end_chain(chain_id id, const std::string& reason, bool outside_trace = false);
    void end_at_trace_end(chain_id id);
    // Ends an open chain and the interrupts coalesced into it, each with
    // the (reason, outside_trace) `why` gives it, and forgets it.
    template <class Why> void end_each(chain_id id, Why why) {
        const auto it = open_.find(id);
        if (it == open_.end())
            return;
        const auto end_one = [&](const chain& c) {
            const auto [reason, outside] = why(c);
            ended_early(c, reason, outside);
        };
        end_one(it->second.ch);
        for (const chain& f : it->second.coalesced)
            end_one(f);
        forget(id);
    }
    // Removes an open chain and every index that points at it.
    void forget(chain_id id);

    analysis_context context_;
    std::size_t worst_n_;
    bool histograms_;
    std::unique_ptr<classes> c_;
    std::map<std::uint32_t, xen_cpu> cpus_;
    std::map<chain_id, open_chain> open_;              // full chains being followed
    chain_id next_id_ = 0;                             // in set_pending order
    std::map<port_key, std::deque<chain_id>> by_port_; // open chains of a guest port
    std::map<vcpu_key, std::deque<chain_id>> by_vcpu_; // open chains waiting on a vCPU
    std::map<vcpu_key, chain_id> dispatching_;         // the chain a vCPU's upcall handles now
    std::uint64_t coalesced_ = 0;                      // interrupts followed as coalesced
    std::map<vcpu_key, chain> woken_;                  // reduced mode: wake -> first handler
    std::map<port_key, std::pair<std::int32_t, std::string>> port_irq_; // guest statedump/bind
    std::map<std::uint32_t, bool> guest_traced_; // domids with a kernel trace
    std::set<vcpu_key> guest_started_;           // guest vCPUs whose trace has begun
    // The guest events from which on a guest's trace shows every stage
    // (guest_recording), and the domids that had one.
    std::vector<const event_class*> start_markers_;
    std::set<std::uint32_t> domain_started_;
    std::map<std::uint32_t, std::uint64_t> guest_last_; // a guest trace's latest event
    bool have_first_ = false;
    std::uint64_t first_ts_ = 0; // the worst chains' start times are since it
    bool seen_set_pending_ = false;
    bool seen_handler_exit_ = false;
    std::set<std::uint32_t> has_handler_exits_; // domids whose trace records irq_handler_exit
    bool seen_upcall_ = false;

    struct group {
        std::uint64_t chains = 0;
        duration_set total;
        duration_set stages[static_cast<int>(stage::count)];
    };
    // (domid, irq, handler name, origin) -> figures, for full and reduced
    // chains apart (the name may be all there is: ftrace gives no port).
    std::map<std::tuple<std::uint32_t, std::int32_t, std::string, origin>, group> full_, reduced_;
    // (domid, origin, reason) -> chains that ended early: per domain, since
    // each guest's trace has a window of its own (a domU's ltt-guest loads
    // late in its boot and unloads before its power-off).
    using ended_key = std::tuple<std::uint32_t, origin, std::string>;
    std::map<ended_key, std::uint64_t> ended_full_, ended_reduced_;
    // Per domain and origin: what became of every interrupt set pending;
    // outside: those set pending while the guest's trace did not show
    // every stage, so that what was followed can be told against what
    // could be.
    struct coverage {
        std::uint64_t interrupts = 0, chained = 0, coalesced = 0, ended = 0, outside = 0;
    };
    std::map<std::pair<std::uint32_t, origin>, coverage> coverage_;
    std::vector<std::pair<std::uint64_t, chain>> worst_full_, worst_reduced_;
};

} // namespace ltt::viewer
