#include "irq_latency.hpp"

#include "../core/event_class.hpp"
#include "../core/loss.hpp"
#include "../core/payload.hpp"
#include "../state/cpu_tracker.hpp"
#include "histogram.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace ltt::viewer {

namespace {

constexpr std::array<std::string_view, static_cast<int>(irq_latency::stage::count)> stage_names{
    "xen", "wake", "schedule", "upcall", "dispatch", "handler"};

std::string_view to_string(irq_latency::origin o) {
    switch (o) {
    case irq_latency::origin::pirq:
        return "pirq";
    case irq_latency::origin::interdomain:
        return "interdomain";
    case irq_latency::origin::own_send:
        return "ipi/loopback";
    case irq_latency::origin::virq:
        return "virq";
    case irq_latency::origin::wake:
        return "wake";
    }
    return "?";
}

// A class and the indices of the fields the analysis reads.
struct bound {
    const event_class* cls = nullptr;
    std::array<std::size_t, 4> f{};

    bound(const class_registry& r, ltt::layer l, std::string_view name,
          std::initializer_list<std::string_view> fields) {
        cls = r.find(l, name);
        if (cls == nullptr)
            return;
        std::size_t i = 0;
        for (std::string_view field : fields) {
            const auto index = cls->field_index(field);
            if (!index) {
                cls = nullptr; // another version of the event: not ours to read
                return;
            }
            f[i++] = *index;
        }
    }
    bool is(const event& e) const noexcept { return cls != nullptr && e.cls == cls; }
    std::uint64_t u(const event& e, std::size_t i) const {
        return unsigned_at(*cls, e.payload, f[i]);
    }
    std::int64_t s(const event& e, std::size_t i) const { return signed_at(*cls, e.payload, f[i]); }
};

} // namespace

struct irq_latency::classes {
    bound irq_entry, irq_exit, guest_pirq, send, set_pending, runstate;
    bound upcall_entry, upcall_exit, handle_port, handler_entry, handler_exit, statedump_irq,
        bind_irq;
    explicit classes(const class_registry& r)
        : irq_entry(r, ltt::layer::xen, "irq_entry", {"vector", "irq"}),
          irq_exit(r, ltt::layer::xen, "irq_exit", {"vector", "irq"}),
          guest_pirq(r, ltt::layer::xen, "irq_guest_pirq", {"domid", "pirq", "port"}),
          send(r, ltt::layer::xen, "evtchn_send", {"domid", "port"}),
          set_pending(r, ltt::layer::xen, "evtchn_set_pending", {"domid", "port", "vcpu"}),
          runstate(r, ltt::layer::xen, "runstate_change",
                   {"domid", "vcpu", "old_state", "new_state"}),
          upcall_entry(r, ltt::layer::kernel, "xen_evtchn_upcall_entry", {"vcpu"}),
          upcall_exit(r, ltt::layer::kernel, "xen_evtchn_upcall_exit", {"vcpu"}),
          handle_port(r, ltt::layer::kernel, "xen_evtchn_handle_port", {"port", "irq"}),
          handler_entry(r, ltt::layer::kernel, "irq_handler_entry", {"irq"}),
          handler_exit(r, ltt::layer::kernel, "irq_handler_exit", {"irq"}),
          statedump_irq(r, ltt::layer::kernel, "xen_evtchn_statedump_irq", {"port", "irq"}),
          bind_irq(r, ltt::layer::kernel, "xen_evtchn_bind_irq", {"port", "irq"}) {}
};

irq_latency::irq_latency(const analysis_context& context, std::size_t worst, bool histograms)
    : context_(context), worst_n_(worst), histograms_(histograms),
      c_(std::make_unique<classes>(*context.classes)) {
    for (const bound* b : {&c_->handle_port, &c_->statedump_irq})
        if (b->cls != nullptr)
            start_markers_.push_back(b->cls);
    for (const source_info* s : context.sources) {
        if (s->layer == ltt::layer::kernel && s->domid)
            guest_traced_[*s->domid] = true;
    }
}

irq_latency::~irq_latency() = default;

void irq_latency::on_event(const event& e) {
    const classes& c = *c_;
    if (!have_first_) {
        first_ts_ = e.ts;
        have_first_ = true;
    }
    if (context_.classes->is_loss(e.cls)) {
        on_loss(e);
        return;
    }
    if (e.source().layer == ltt::layer::xen) {
        xen_cpu& cpu = cpus_[e.cpu];
        if (c.irq_entry.is(e)) {
            // Nesting deeper than x86's interrupt priorities allow means
            // exits were lost: keep the latest entries.
            constexpr std::size_t max_nesting = 16;
            if (cpu.nested.size() == max_nesting)
                cpu.nested.erase(cpu.nested.begin());
            cpu.nested.push_back({e.ts, static_cast<std::uint32_t>(c.irq_entry.u(e, 0)),
                                  static_cast<std::int32_t>(c.irq_entry.s(e, 1))});
            cpu.have_pirq = false;
        } else if (c.irq_exit.is(e)) {
            if (!cpu.nested.empty())
                cpu.nested.pop_back();
            cpu.have_pirq = false;
        } else if (c.guest_pirq.is(e)) {
            cpu.have_pirq = !cpu.nested.empty();
            cpu.pirq_domid = static_cast<std::uint32_t>(c.guest_pirq.u(e, 0));
            cpu.pirq = static_cast<std::uint32_t>(c.guest_pirq.u(e, 1));
            cpu.pirq_port = static_cast<std::uint32_t>(c.guest_pirq.u(e, 2));
        } else if (c.send.is(e)) {
            cpu.have_send = true;
            cpu.t_send = e.ts;
            cpu.send_domid = static_cast<std::uint32_t>(c.send.u(e, 0));
        } else if (c.set_pending.is(e)) {
            on_set_pending(e);
        } else if (c.runstate.is(e)) {
            on_runstate(e);
        }
        return;
    }
    if (e.source().layer == ltt::layer::kernel)
        on_guest(e);
}

void irq_latency::on_set_pending(const event& e) {
    const classes& c = *c_;
    seen_set_pending_ = true;
    xen_cpu& cpu = cpus_[e.cpu];
    const auto domid = static_cast<std::uint32_t>(c.set_pending.u(e, 0));
    const auto port = static_cast<std::uint32_t>(c.set_pending.u(e, 1));
    const auto vcpu = static_cast<std::uint32_t>(c.set_pending.u(e, 2));
    const port_key key{domid, port};
    chain ch;
    ch.domid = domid;
    ch.vcpu = vcpu;
    ch.port = port;
    ch.t_pending = e.ts;
    if (!cpu.nested.empty() && cpu.have_pirq && cpu.pirq_domid == domid && cpu.pirq_port == port) {
        const xen_cpu::handling& h = cpu.nested.back();
        ch.from = origin::pirq;
        ch.t_origin = h.t_irq;
        ch.xen_irq = h.xen_irq;
        ch.vector = h.vector;
        ch.pirq = cpu.pirq;
    } else if (cpu.have_send) {
        // Xen sets the notified port pending inside the send hypercall:
        // the next set_pending on this CPU.
        ch.from = cpu.send_domid == domid ? origin::own_send : origin::interdomain;
        ch.t_origin = cpu.t_send;
    } else {
        ch.from = origin::virq;
        ch.t_origin = e.ts;
    }
    cpu.have_send = false;
    ++coverage_[{domid, ch.from}].interrupts;
    if (guest_traced_.contains(domid) && !guest_recording(domid, vcpu)) {
        // The guest's trace has not begun (or its probes are not all
        // attached yet): its upcall and handler may be missing.
        ended_early(ch, "before the guest's trace began", true);
        return;
    }
    if (const auto it = port_irq_.find(key); it != port_irq_.end()) {
        ch.irq = it->second.first;
        ch.name = it->second.second;
    }
    auto& on_port = by_port_[key];
    if (!on_port.empty()) {
        open_chain& last = open_.at(on_port.back());
        if (!last.dispatched && last.ch.vcpu == vcpu) {
            // Still pending: the guest will see one event for both.
            last.coalesced.push_back(std::move(ch));
            ++coalesced_;
            return;
        }
    }
    const auto st =
        context_.cpus != nullptr ? context_.cpus->state_of({domid, vcpu}) : std::nullopt;
    if (st && st->state != runstate::running) {
        ch.needs_schedule = true;
        ch.needs_wake = st->state == runstate::blocked;
    }
    const chain_id id = next_id_++;
    open_.emplace(id, open_chain{std::move(ch), {}, false});
    on_port.push_back(id);
    by_vcpu_[{domid, vcpu}].push_back(id);
}

// ltt-guest attaches its probes one by one, tracepoints first, then the
// upcall's kretprobe and the port's kprobe (tens of milliseconds apart under
// emulation), then writes its statedump: a guest's trace shows every stage
// from its first handle_port or statedump event on, whichever comes first
// (a flight recorder's snapshot, whose start-up statedump was overwritten,
// from its first handle_port). A guest trace with neither (ftrace) counts
// from the vCPU's first event.
bool irq_latency::guest_recording(std::uint32_t domid, std::uint32_t vcpu) const {
    if (!start_markers_.empty())
        return domain_started_.contains(domid);
    return guest_started_.contains({domid, vcpu});
}

void irq_latency::on_runstate(const event& e) {
    const classes& c = *c_;
    const vcpu_key v{static_cast<std::uint32_t>(c.runstate.u(e, 0)),
                     static_cast<std::uint32_t>(c.runstate.u(e, 1))};
    const auto from = static_cast<runstate>(c.runstate.u(e, 2));
    const auto to = static_cast<runstate>(c.runstate.u(e, 3));
    if (const auto it = by_vcpu_.find(v); it != by_vcpu_.end()) {
        for (const chain_id id : it->second) {
            chain& ch = open_.at(id).ch;
            if (to == runstate::runnable && from == runstate::blocked && ch.needs_wake &&
                !ch.t_runnable && !ch.t_running)
                ch.t_runnable = e.ts;
            if (to == runstate::running && ch.needs_schedule && !ch.t_running)
                ch.t_running = e.ts;
        }
    }
    // Reduced chains: a traced guest's vCPU woken, to its first handler.
    if (!guest_traced_.contains(v.first))
        return;
    if (to == runstate::runnable && from == runstate::blocked) {
        auto& w = woken_[v];
        if (w.t_handler && !w.t_handler_exit)
            complete(w); // the previous one ended at its handler's entry
        else if (w.t_runnable && !w.t_handler)
            ++ended_reduced_[{v.first, origin::wake,
                              "woken, blocked again without running a handler"}];
        w = chain{};
        w.from = origin::wake;
        w.domid = v.first;
        w.vcpu = v.second;
        w.t_origin = e.ts;
        w.t_runnable = e.ts;
        w.needs_schedule = true;
    } else if (to == runstate::running) {
        if (const auto it = woken_.find(v);
            it != woken_.end() && it->second.t_runnable && !it->second.t_running)
            it->second.t_running = e.ts;
    } else if (to == runstate::blocked) {
        if (const auto it = woken_.find(v); it != woken_.end() && it->second.t_runnable) {
            if (it->second.t_handler)
                complete(it->second);
            else if (it->second.t_running)
                ++ended_reduced_[{v.first, origin::wake,
                                  "woken, blocked again without running a handler"}];
            woken_.erase(it);
        }
    }
}

void irq_latency::on_guest(const event& e) {
    const classes& c = *c_;
    const source_info& s = e.source();
    if (!s.domid)
        return;
    const std::uint32_t domid = *s.domid;
    const vcpu_key v{domid, e.cpu};
    guest_started_.insert(v);
    guest_last_[domid] = e.ts;
    if (std::find(start_markers_.begin(), start_markers_.end(), e.cls) != start_markers_.end())
        domain_started_.insert(domid);
    if (c.statedump_irq.is(e) || c.bind_irq.is(e)) {
        const bound& b = c.statedump_irq.is(e) ? c.statedump_irq : c.bind_irq;
        std::string name;
        if (b.cls == c.statedump_irq.cls) {
            if (const auto ni = e.cls->field_index("name")) {
                field_value fv;
                if (field_at(*e.cls, e.payload, *ni, fv) && fv.what == field_value::kind::string)
                    name = std::string(fv.str);
            }
        }
        port_irq_[{domid, static_cast<std::uint32_t>(b.u(e, 0))}] = {
            static_cast<std::int32_t>(b.s(e, 1)), name};
        return;
    }
    if (c.upcall_entry.is(e)) {
        seen_upcall_ = true;
        if (const auto it = by_vcpu_.find(v); it != by_vcpu_.end()) {
            for (const chain_id id : it->second) {
                chain& ch = open_.at(id).ch;
                if (!ch.t_upcall && (!ch.needs_schedule || ch.t_running))
                    ch.t_upcall = e.ts;
            }
        }
        return;
    }
    if (c.upcall_exit.is(e)) {
        dispatching_.erase(v);
        return;
    }
    if (c.handle_port.is(e)) {
        // The guest takes the port: its oldest chain not yet taken.
        const port_key k{domid, static_cast<std::uint32_t>(c.handle_port.u(e, 0))};
        if (const auto it = by_port_.find(k); it != by_port_.end()) {
            for (const chain_id id : it->second) {
                open_chain& o = open_.at(id);
                if (o.dispatched)
                    continue;
                o.dispatched = true;
                o.ch.irq = static_cast<std::int32_t>(c.handle_port.s(e, 1));
                dispatching_[v] = id;
                break;
            }
        }
        return;
    }
    if (c.handler_entry.is(e)) {
        const auto irq = static_cast<std::int32_t>(c.handler_entry.s(e, 0));
        std::string name;
        if (const auto ni = e.cls->field_index("name")) {
            field_value fv;
            if (field_at(*e.cls, e.payload, *ni, fv) && fv.what == field_value::kind::string)
                name = std::string(fv.str);
        }
        // The chain this handler serves: the port being dispatched, else an
        // open chain on this vCPU whose port is bound to this irq.
        open_chain* target = nullptr;
        if (const auto d = dispatching_.find(v); d != dispatching_.end()) {
            if (const auto it = open_.find(d->second);
                it != open_.end() && it->second.ch.irq == irq)
                target = &it->second;
        }
        if (target == nullptr) {
            if (const auto it = by_vcpu_.find(v); it != by_vcpu_.end()) {
                for (const chain_id id : it->second) {
                    open_chain& o = open_.at(id);
                    if (o.ch.irq == irq && !o.ch.t_handler) {
                        target = &o;
                        break;
                    }
                }
            }
        }
        if (target != nullptr && !target->ch.t_handler) {
            target->ch.t_handler = e.ts;
            target->ch.name = name;
            target->ch.irq = irq;
            target->dispatched = true;
        }
        // Reduced chains: the first handler after the wake.
        if (const auto w = woken_.find(v);
            w != woken_.end() && w->second.t_running && !w->second.t_handler) {
            w->second.t_handler = e.ts;
            w->second.irq = irq;
            w->second.name = name;
        }
        return;
    }
    if (c.handler_exit.is(e)) {
        seen_handler_exit_ = true;
        has_handler_exits_.insert(domid);
        const auto irq = static_cast<std::int32_t>(c.handler_exit.s(e, 0));
        if (const auto it = by_vcpu_.find(v); it != by_vcpu_.end()) {
            for (const chain_id id : it->second) {
                chain& ch = open_.at(id).ch;
                if (ch.t_handler && ch.irq == irq && !ch.t_handler_exit) {
                    ch.t_handler_exit = e.ts;
                    complete_open(id);
                    break;
                }
            }
        }
        if (const auto w = woken_.find(v); w != woken_.end() && w->second.t_handler &&
                                           w->second.irq == irq && !w->second.t_handler_exit) {
            w->second.t_handler_exit = e.ts;
            complete(w->second);
            woken_.erase(w);
        }
    }
}

void irq_latency::on_loss(const event& e) {
    // What the lost records held is unknown: chains waiting on this stream
    // may have missed their next stage.
    const source_info& s = e.source();
    std::vector<chain_id> doomed;
    for (const auto& [id, o] : open_) {
        const chain& ch = o.ch;
        const bool guest_side =
            s.layer == ltt::layer::kernel && s.domid && *s.domid == ch.domid && e.cpu == ch.vcpu;
        bool xen_side = false;
        if (s.layer == ltt::layer::xen && context_.cpus != nullptr) {
            const auto where = context_.cpus->pcpu_of({ch.domid, ch.vcpu});
            xen_side = !where || *where == e.cpu;
        }
        if (guest_side || xen_side)
            doomed.push_back(id);
    }
    for (const chain_id id : doomed)
        end_chain(id, "lost events on its path");
    if (s.layer == ltt::layer::kernel && s.domid)
        woken_.erase({*s.domid, e.cpu});
}

void irq_latency::end_chain(chain_id id, const std::string& reason, bool outside_trace) {
    end_each(id, [&](const chain&) { return std::pair{reason, outside_trace}; });
}

// A traced guest's chain still open at the end: each notification, the
// open one and those coalesced into it, by its own set_pending. After the
// guest's last event (ltt-guest unloaded, the guest went on handling the
// port untraced, and every later notification coalesced into this chain)
// is outside its trace; before it, the trace ended before the handler.
void irq_latency::end_at_trace_end(chain_id id) {
    const auto last = guest_last_.find(open_.at(id).ch.domid);
    end_each(id, [&](const chain& c) {
        return last == guest_last_.end() || *c.t_pending > last->second
                   ? std::pair{std::string("after the guest's trace ended"), true}
                   : std::pair{std::string("trace ended before the handler"), false};
    });
}

void irq_latency::complete_open(chain_id id) {
    open_chain& o = open_.at(id);
    complete(o.ch);
    // A coalesced interrupt shares the first one's boundaries after its own
    // set_pending: the vCPU woke, ran, took the upcall and the handler once
    // for both.
    const auto after = [](std::optional<std::uint64_t> t, std::uint64_t since) {
        return t && *t >= since ? t : std::nullopt;
    };
    for (chain& f : o.coalesced) {
        const std::uint64_t since = *f.t_pending;
        f.irq = o.ch.irq;
        f.name = o.ch.name;
        f.t_runnable = after(o.ch.t_runnable, since);
        f.t_running = after(o.ch.t_running, since);
        f.t_upcall = after(o.ch.t_upcall, since);
        f.t_handler = after(o.ch.t_handler, since);
        f.t_handler_exit = after(o.ch.t_handler_exit, since);
        if (f.t_handler)
            complete(f, true);
        else
            ended_early(f, "coalesced after its handler began");
    }
    forget(id);
}

void irq_latency::forget(chain_id id) {
    const chain& ch = open_.at(id).ch;
    const auto drop = [id](std::deque<chain_id>& q) {
        q.erase(std::remove(q.begin(), q.end(), id), q.end());
    };
    drop(by_vcpu_[{ch.domid, ch.vcpu}]);
    drop(by_port_[{ch.domid, ch.port}]);
    if (const auto d = dispatching_.find({ch.domid, ch.vcpu});
        d != dispatching_.end() && d->second == id)
        dispatching_.erase(d);
    open_.erase(id);
}

void irq_latency::ended_early(const chain& ch, const std::string& reason, bool outside_trace) {
    ++ended_full_[{ch.domid, ch.from, reason}];
    coverage& cov = coverage_[{ch.domid, ch.from}];
    ++cov.ended;
    cov.outside += outside_trace ? 1 : 0;
}

void irq_latency::complete(chain& ch, bool coalesced) {
    // The boundaries the chain has, in order; each stage is the time from
    // the previous boundary, so the stages add up to the total exactly.
    const bool reduced = ch.from == origin::wake;
    std::array<std::optional<std::uint64_t>, static_cast<int>(stage::count)> ends{
        reduced ? std::nullopt : ch.t_pending,
        reduced ? std::nullopt : ch.t_runnable,
        ch.t_running,
        ch.t_upcall,
        ch.t_handler,
        ch.t_handler_exit};
    if (!ch.t_handler)
        return;
    if (!reduced) {
        coverage& cov = coverage_[{ch.domid, ch.from}];
        ++cov.chained;
        cov.coalesced += coalesced ? 1 : 0;
    }
    auto& groups = reduced ? reduced_ : full_;
    group& g = groups[{ch.domid, ch.irq, ch.name, ch.from}];
    ++g.chains;
    std::uint64_t prev = ch.t_origin;
    for (int i = 0; i < static_cast<int>(stage::count); ++i) {
        if (!ends[i])
            continue;
        // Events arrive in time order, so a boundary is never before the
        // previous one; if a broken time base made one, it counts as zero
        // and the audit reports it.
        const std::uint64_t end = std::max(*ends[i], prev);
        if (i != static_cast<int>(stage::xen) || ch.from != origin::virq)
            g.stages[i].add(end - prev);
        prev = end;
    }
    const std::uint64_t total = prev - ch.t_origin;
    g.total.add(total);
    auto& worst = reduced ? worst_reduced_ : worst_full_;
    worst.emplace_back(total, ch);
    // Keep the N largest: trim now and then, not on every chain.
    if (worst.size() > 4 * worst_n_ + 64) {
        std::nth_element(worst.begin(), worst.begin() + static_cast<long>(worst_n_), worst.end(),
                         [](const auto& a, const auto& b) { return a.first > b.first; });
        worst.resize(worst_n_);
    }
}

result irq_latency::finish() {
    // Chains still open: the guest was not traced, or the trace ended.
    std::vector<chain_id> left;
    for (const auto& [id, o] : open_)
        left.push_back(id);
    for (const chain_id id : left) {
        const chain& ch = open_.at(id).ch;
        if (ch.t_handler && !ch.t_handler_exit) {
            // A trace without handler exits: chains end at the handler's
            // entry. One with them that ended inside the handler: its time
            // to the entry is not a total like the others'.
            if (has_handler_exits_.contains(ch.domid))
                end_chain(id, "trace ended inside the handler");
            else
                complete_open(id);
        } else if (!guest_traced_.contains(ch.domid)) {
            end_chain(id, "guest kernel not traced", true);
        } else {
            end_at_trace_end(id);
        }
    }
    for (auto& [v, ch] : woken_) {
        if (ch.t_handler)
            complete(ch);
    }
    const bool full = !full_.empty() || seen_set_pending_;
    auto& groups = full ? full_ : reduced_;
    auto& ended = full ? ended_full_ : ended_reduced_;
    auto& worst = full ? worst_full_ : worst_reduced_;

    result r;
    r.name = "irq_latency";
    r.title = "Interrupt delivery latency";
    if (full) {
        r.notes.push_back("chain: physical IRQ (or evtchn_send) -> event channel pending (xen) "
                          "-> vCPU runnable (wake) -> running (schedule) -> guest upcall "
                          "(upcall) -> irq_handler_entry (dispatch) -> irq_handler_exit "
                          "(handler); stages a chain skips are not counted");
        if (!seen_upcall_)
            r.notes.push_back("stage upcall missing: the guest trace has no "
                              "xen_evtchn_upcall_entry (not recorded by ltt-guest); its time "
                              "is in dispatch");
        if (coalesced_ != 0)
            r.notes.push_back(fmt::format(
                "{} interrupts came while their port was still pending (coalesced: the guest "
                "sees one event for both); each is followed to the handler run that served "
                "the port, with the stages after its own set_pending",
                coalesced_));
    } else {
        r.notes.push_back(
            "this trace has no per-interrupt events from Xen (no irq_entry / "
            "evtchn_set_pending: xentrace's `-e all` records none), so the stages xen, wake "
            "(of the interrupt itself) and the event channel are missing: each chain starts "
            "when the guest vCPU is woken and ends at the first handler it runs, by handler "
            "name");
        if (!seen_upcall_)
            r.notes.push_back("stage upcall missing: no xen_evtchn_upcall_entry in the guest "
                              "trace; the time from running to the handler is in dispatch");
    }
    if (!seen_handler_exit_)
        r.notes.push_back("stage handler missing: the guest trace has no irq_handler_exit; "
                          "chains end at the handler's entry");

    table by_irq{"by_irq", "Per domain and interrupt (total: origin to handler)", {}, {}, {}};
    by_irq.columns = {{"domid", "dom", unit::id},         {"irq", "irq", unit::id},
                      {"handler", "handler", unit::text}, {"origin", "origin", unit::text},
                      {"chains", "chains", unit::count},  {"p50", "p50", unit::time},
                      {"p95", "p95", unit::time},         {"p99", "p99", unit::time},
                      {"max", "max", unit::time}};
    // An interrupt's rows are per origin too: a port can be notified by
    // another domain and by Xen, whose chains have different stages.
    table stages{"stages", "Per stage", {}, {}, {}};
    stages.columns = {{"domid", "dom", unit::id},         {"irq", "irq", unit::id},
                      {"handler", "handler", unit::text}, {"origin", "origin", unit::text},
                      {"stage", "stage", unit::text},     {"count", "count", unit::count},
                      {"mean", "mean", unit::time},       {"p50", "p50", unit::time},
                      {"p95", "p95", unit::time},         {"p99", "p99", unit::time},
                      {"max", "max", unit::time}};
    const auto opt = [](std::optional<std::uint64_t> v) -> cell {
        return v ? cell(*v) : cell(std::monostate{});
    };
    // An irq number is unknown (-1) when only a handler name was traced.
    const auto irq_cell = [](std::int32_t irq) -> cell {
        return irq < 0 ? cell(std::monostate{}) : cell(std::int64_t{irq});
    };
    table histograms = histogram_table("histogram", "Latency histograms (total and per stage)",
                                       {{"domid", "dom", unit::id},
                                        {"irq", "irq", unit::id},
                                        {"handler", "handler", unit::text},
                                        {"origin", "origin", unit::text},
                                        {"series", "of", unit::text}});
    for (auto& [key, g] : groups) {
        const auto& [domid, irq, name, from] = key;
        const std::string from_name(to_string(from));
        g.total.finish();
        if (histograms_)
            add_histogram(histograms,
                          {std::uint64_t{domid}, irq_cell(irq), name, from_name, "total"}, g.total,
                          context_.freq_hz);
        by_irq.rows.push_back({std::uint64_t{domid}, irq_cell(irq), name, from_name, g.chains,
                               opt(g.total.percentile(50)), opt(g.total.percentile(95)),
                               opt(g.total.percentile(99)), opt(g.total.max())});
        for (int i = 0; i < static_cast<int>(stage::count); ++i) {
            duration_set& d = g.stages[i];
            if (d.empty())
                continue;
            d.finish();
            if (histograms_)
                add_histogram(histograms,
                              {std::uint64_t{domid}, irq_cell(irq), name, from_name,
                               std::string(stage_names[i])},
                              d, context_.freq_hz);
            stages.rows.push_back({std::uint64_t{domid}, irq_cell(irq), name, from_name,
                                   std::string(stage_names[i]), std::uint64_t{d.count()}, d.mean(),
                                   opt(d.percentile(50)), opt(d.percentile(95)),
                                   opt(d.percentile(99)), opt(d.max())});
        }
    }

    table cov{"coverage", "Interrupts followed to their handler", {}, {}, {}};
    cov.columns = {{"domid", "dom", unit::id},
                   {"origin", "origin", unit::text},
                   {"interrupts", "interrupts", unit::count},
                   {"chained", "to the handler", unit::count},
                   {"coalesced", "of which coalesced", unit::count},
                   {"ended_early", "ended early", unit::count},
                   {"chained_pct", "followed %", unit::percent},
                   {"traced", "while traced", unit::count},
                   {"traced_pct", "followed % of those", unit::percent}};
    const auto pct = [](std::uint64_t part, std::uint64_t whole) -> cell {
        return whole == 0 ? cell(std::monostate{})
                          : cell(100.0 * static_cast<double>(part) / static_cast<double>(whole));
    };
    if (full)
        for (const auto& [key, n] : coverage_)
            cov.rows.push_back({std::uint64_t{key.first}, std::string(to_string(key.second)),
                                n.interrupts, n.chained, n.coalesced, n.ended,
                                pct(n.chained, n.interrupts), n.interrupts - n.outside,
                                pct(n.chained, n.interrupts - n.outside)});
    cov.notes.push_back("every interrupt set pending for a guest: followed to its handler "
                        "(coalesced ones to the handler run that served their port), or ended "
                        "early for the reason the next table gives");
    cov.notes.push_back("while traced: set pending while the guest's trace showed every stage "
                        "(from its first handle_port or statedump to its last event); a domU's "
                        "trace covers only part of its life (ltt-guest loads late in its boot "
                        "and unloads before its power-off)");

    table early{"ended_early", "Chains that ended early", {}, {}, {}};
    early.columns = {{"domid", "dom", unit::id},
                     {"origin", "origin", unit::text},
                     {"reason", "reason", unit::text},
                     {"count", "count", unit::count}};
    for (const auto& [key, n] : ended) {
        const auto& [domid, from, reason] = key;
        early.rows.push_back({std::uint64_t{domid}, std::string(to_string(from)), reason, n});
    }

    table worst_t{"worst", "Worst chains", {}, {}, {}};
    worst_t.columns = {{"domid", "dom", unit::id},     {"vcpu", "vcpu", unit::id},
                       {"irq", "irq", unit::id},       {"handler", "handler", unit::text},
                       {"start", "start", unit::time}, {"total", "total", unit::time}};
    // The handler stage's JSON name cannot be "handler": that is the
    // handler's name, and JSON rows are objects keyed by column name.
    for (std::string_view s : stage_names)
        worst_t.columns.push_back({s == "handler" ? std::string("handler_time") : std::string(s),
                                   std::string(s), unit::time});
    std::sort(worst.begin(), worst.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    if (worst.size() > worst_n_)
        worst.resize(worst_n_);
    for (const auto& [total, ch] : worst) {
        std::vector<cell> row{std::uint64_t{ch.domid}, std::uint64_t{ch.vcpu},
                              irq_cell(ch.irq),        ch.name,
                              ch.t_origin - first_ts_, total};
        const bool reduced = ch.from == origin::wake;
        const std::array<std::optional<std::uint64_t>, 6> ends{
            reduced ? std::nullopt : ch.t_pending,
            reduced ? std::nullopt : ch.t_runnable,
            ch.t_running,
            ch.t_upcall,
            ch.t_handler,
            ch.t_handler_exit};
        std::uint64_t prev = ch.t_origin;
        for (std::size_t i = 0; i < ends.size(); ++i) {
            if (!ends[i] || (i == 0 && ch.from == origin::virq)) {
                row.emplace_back(std::monostate{});
                continue;
            }
            const std::uint64_t end = std::max(*ends[i], prev);
            row.emplace_back(end - prev);
            prev = end;
        }
        worst_t.rows.push_back(std::move(row));
    }
    r.tables = {std::move(by_irq), std::move(stages), std::move(cov), std::move(early),
                std::move(worst_t)};
    if (histograms_)
        r.tables.push_back(std::move(histograms));
    return r;
}

} // namespace ltt::viewer
