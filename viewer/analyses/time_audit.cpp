#include "time_audit.hpp"

#include "../core/event_class.hpp"
#include "../core/payload.hpp"
#include "../state/cpu_tracker.hpp"

#include <fmt/format.h>

namespace ltt::viewer {

namespace {

std::string_view state_name(runstate s) {
    switch (s) {
    case runstate::running:
        return "running";
    case runstate::runnable:
        return "runnable";
    case runstate::blocked:
        return "blocked";
    case runstate::offline:
        return "offline";
    }
    return "?";
}

} // namespace

time_audit::time_audit(const analysis_context& context, std::size_t examples)
    : context_(context), examples_n_(examples),
      runstate_(context.classes->find(ltt::layer::xen, "runstate_change")),
      tsc_params_(context.classes->find(ltt::layer::xen, "time_tsc_params")),
      domain_create_(context.classes->find(ltt::layer::xen, "domain_create")) {
    if (domain_create_ != nullptr) {
        const auto index = domain_create_->field_index("dom_id");
        if (index)
            f_create_dom_ = *index;
        else
            domain_create_ = nullptr;
    }
    if (runstate_ != nullptr) {
        f_dom_ = *runstate_->field_index("domid");
        f_vcpu_ = *runstate_->field_index("vcpu");
    }
    if (tsc_params_ != nullptr) {
        std::size_t i = 0;
        for (std::string_view n : {"domid", "vcpu", "ratio", "frac_bits", "offset", "emulated"}) {
            const auto index = tsc_params_->field_index(n);
            if (!index) {
                tsc_params_ = nullptr;
                break;
            }
            f_tsc_[i++] = *index;
        }
    }
}

std::size_t time_audit::slot_of(std::uint32_t domid) {
    for (std::size_t i = 0; i < domains_.size(); ++i)
        if (domains_[i].domid == domid)
            return i;
    domains_.push_back({domid, 0, 0, 0, 0, 0, 0});
    domain_checked_.emplace_back(0, 0);
    return domains_.size() - 1;
}

void time_audit::on_event(const event& e) {
    if (!have_first_) {
        first_ts_ = e.ts;
        have_first_ = true;
    }
    if (e.stream->index >= last_ts_.size())
        last_ts_.resize(e.stream->index + 1, 0);
    std::uint64_t& last = last_ts_[e.stream->index];
    if (e.ts < last)
        ++out_of_order_;
    last = std::max(last, e.ts);

    const source_info& s = e.source();
    if (s.layer == ltt::layer::xen) {
        have_hypervisor_ = true;
        if (e.stream->index >= marks_.size())
            marks_.resize(e.stream->index + 1);
        hypervisor_mark& mark = marks_[e.stream->index];
        mark.last_ts = e.ts;
        mark.checked = guest_checked_;
        mark.violations = outside_running_;
        mark.seen = true;
        mark.by_domain = domain_checked_;
        after_hypervisor_ = 0; // guest events after this one are inside the span
        for (domain_counts& d : domains_)
            d.after = 0;
        if (context_.classes->is_loss(e.cls)) {
            hypervisor_loss_ = true; // every vCPU's state is in doubt until it changes
            refreshed_.clear();
            return;
        }
        if (e.cls == domain_create_ && domain_create_ != nullptr) {
            // The guest events of that domain merged before its creation
            // (they had no runstate yet): a guest clock Xen's does not
            // agree with, e.g. a PVH guest's TSC left unconverted.
            domain_counts& d = domains_[slot_of(
                static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_create_dom_)))];
            d.before_created += d.no_state_yet;
            before_created_ += d.no_state_yet;
            d.unchecked -= d.no_state_yet;
            guest_unchecked_ -= d.no_state_yet;
            d.no_state_yet = 0;
        } else if (e.cls == runstate_ && runstate_ != nullptr) {
            const vcpu_key v{static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_dom_)),
                             static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_vcpu_))};
            refreshed_.insert(v);
        } else if (e.cls == tsc_params_ && tsc_params_ != nullptr) {
            ++tsc_params_events_;
            const auto u = [&](int i) { return unsigned_at(*e.cls, e.payload, f_tsc_[i]); };
            const vcpu_key v{static_cast<std::uint32_t>(u(0)), static_cast<std::uint32_t>(u(1))};
            const auto now = std::make_tuple(u(2), u(3), signed_at(*e.cls, e.payload, f_tsc_[4]),
                                             static_cast<std::uint32_t>(u(5)));
            const auto [it, fresh] = tsc_params_seen_.try_emplace(v, now);
            if (!fresh && it->second != now) {
                ++tsc_params_changes_;
                it->second = now;
            }
        }
        return;
    }
    if (s.layer != ltt::layer::kernel || !s.domid || context_.classes->is_loss(e.cls))
        return;
    const std::size_t slot = slot_of(*s.domid);
    domain_counts& d = domains_[slot];
    if (!have_hypervisor_) {
        ++before_hypervisor_;
        ++d.before;
    } else {
        ++after_hypervisor_;
        ++d.after;
    }
    const vcpu_key v{*s.domid, e.cpu};
    const auto st =
        context_.cpus != nullptr ? context_.cpus->state_of({v.first, v.second}) : std::nullopt;
    if (!st || (hypervisor_loss_ && !refreshed_.contains(v))) {
        ++guest_unchecked_;
        ++d.unchecked;
        if (!st)
            ++d.no_state_yet;
        return;
    }
    ++guest_checked_;
    ++domain_checked_[slot].first;
    if (st->state != runstate::running) {
        ++outside_running_;
        ++domain_checked_[slot].second;
        if (examples_.size() < examples_n_)
            examples_.push_back({e.ts, s.domain_name, std::string(e.cls->name), v.first, v.second,
                                 std::string(state_name(st->state))});
    }
}

result time_audit::finish() {
    // Guest events after the earliest end of a hypervisor CPU's trace.
    const hypervisor_mark* earliest = nullptr;
    for (const hypervisor_mark& m : marks_)
        if (m.seen && (earliest == nullptr || m.last_ts < earliest->last_ts))
            earliest = &m;
    if (earliest != nullptr) {
        const std::uint64_t checked_after = guest_checked_ - earliest->checked;
        outside_running_ = earliest->violations;
        guest_checked_ = earliest->checked;
        guest_unchecked_ += checked_after;
        after_end_ += checked_after;
        for (std::size_t i = 0; i < domains_.size(); ++i) {
            // A domain first seen after the mark had nothing checked by then.
            const auto then = i < earliest->by_domain.size()
                                  ? earliest->by_domain[i]
                                  : std::pair<std::uint64_t, std::uint64_t>{};
            const std::uint64_t after = domain_checked_[i].first - then.first;
            domain_checked_[i] = then;
            domains_[i].unchecked += after;
            domains_[i].after_end += after;
        }
        const std::uint64_t cutoff = earliest->last_ts;
        std::erase_if(examples_, [cutoff](const example& ex) { return ex.ts > cutoff; });
        marks_.clear(); // finish() runs once; a second call changes nothing
    }
    result r;
    r.name = "audit";
    r.title = "Time base audit";
    table t{"checks", "Checks", {}, {}, {}};
    t.columns = {{"check", "check", unit::text},
                 {"count", "count", unit::count},
                 {"verdict", "verdict", unit::text},
                 {"detail", "detail", unit::text}};
    const auto verdict = [](bool ok) { return std::string(ok ? "ok" : "VIOLATION"); };
    t.rows.push_back(
        {"guest events while their vCPU was not running", outside_running_,
         guest_checked_ == 0 ? std::string("not checked") : verdict(outside_running_ == 0),
         fmt::format("{} guest events checked against Xen's runstates, {} not "
                     "checkable (no runstate yet, after a hypervisor loss, or {} after a "
                     "hypervisor CPU's trace ended)",
                     guest_checked_, guest_unchecked_, after_end_)});
    t.rows.push_back({"guest events before their domain was created", before_created_,
                      verdict(before_created_ == 0),
                      "merged before the hypervisor trace's domain_create of their domain"});
    const std::uint64_t outside = have_hypervisor_ ? before_hypervisor_ + after_hypervisor_ : 0;
    t.rows.push_back({"guest events outside the hypervisor trace's span", outside,
                      have_hypervisor_ ? (outside == 0 ? std::string("ok") : std::string("note"))
                                       : std::string("no hypervisor trace"),
                      fmt::format("{} before its first event, {} after its last",
                                  before_hypervisor_, have_hypervisor_ ? after_hypervisor_ : 0)});
    t.rows.push_back({"events out of order in their own stream", out_of_order_,
                      out_of_order_ == 0 ? std::string("ok") : std::string("note"),
                      "overlapping packets; merged where their timestamps fall"});
    t.rows.push_back({"tsc_params changes (PVH/HVM guest TSC)", tsc_params_changes_,
                      tsc_params_changes_ == 0 ? std::string("ok") : std::string("note"),
                      fmt::format("{} tsc_params events", tsc_params_events_)});
    std::uint64_t odd_clocks = 0;
    std::string clock_detail;
    std::uint64_t hz = 0;
    bool hz_mismatch = false;
    for (const source_info* s : context_.sources) {
        if (s->clock.unit != time_unit::tsc || !s->clock.host_tsc) {
            ++odd_clocks;
            clock_detail += fmt::format("{}{}: {}", clock_detail.empty() ? "" : "; ", s->path,
                                        s->clock.unit == time_unit::ns
                                            ? fmt::format("clock `{}` in ns", s->clock.name)
                                            : std::string("guest TSC, not converted"));
        }
        if (s->clock.unit == time_unit::tsc && s->clock.freq_hz != 0) {
            if (hz != 0 && hz != s->clock.freq_hz)
                hz_mismatch = true;
            hz = s->clock.freq_hz;
        }
    }
    t.rows.push_back(
        {"sources not on the host TSC", odd_clocks,
         odd_clocks == 0 ? std::string("ok") : std::string("note"),
         clock_detail.empty() ? std::string("every source is on the host TSC") : clock_detail});
    t.rows.push_back({"TSC frequencies that disagree", std::uint64_t{hz_mismatch ? 1u : 0u},
                      verdict(!hz_mismatch), "between sources that recorded one"});
    r.tables.push_back(std::move(t));
    // The first row's counts per guest domain, in columns a script can
    // read without parsing the detail text.
    table g{"guest_events", "Guest kernel events against Xen's runstates, per domain", {}, {}, {}};
    g.columns = {{"domain", "domain", unit::id},
                 {"source_clock", "clock", unit::text},
                 {"checked", "checked", unit::count},
                 {"while_not_running", "while not running", unit::count},
                 {"not_checkable", "not checkable", unit::count},
                 {"after_hypervisor_end", "after a hypervisor CPU's end", unit::count},
                 {"before_hypervisor", "before the hypervisor trace", unit::count},
                 {"after_hypervisor", "after the hypervisor trace", unit::count},
                 {"before_domain_created", "before its creation", unit::count}};
    for (std::size_t i = 0; i < domains_.size(); ++i) {
        const domain_counts& d = domains_[i];
        // Whether that domain's kernel sources are on the host TSC.
        std::string clock = "host TSC";
        for (const source_info* s : context_.sources)
            if (s->layer == ltt::layer::kernel && s->domid == d.domid && !s->clock.host_tsc)
                clock = "guest TSC, not converted";
        g.rows.push_back({std::uint64_t{d.domid}, clock, domain_checked_[i].first,
                          domain_checked_[i].second, d.unchecked, d.after_end,
                          have_hypervisor_ ? d.before : 0, have_hypervisor_ ? d.after : 0,
                          d.before_created});
    }
    r.tables.push_back(std::move(g));
    if (!examples_.empty()) {
        table x{"violations", "First violations", {}, {}, {}};
        x.columns = {{"time", "time", unit::time},   {"source", "source", unit::text},
                     {"domid", "dom", unit::id},     {"vcpu", "vcpu", unit::id},
                     {"event", "event", unit::text}, {"xen_state", "Xen says", unit::text}};
        for (const example& ex : examples_)
            x.rows.push_back({ex.ts - first_ts_, ex.source, std::uint64_t{ex.domid},
                              std::uint64_t{ex.vcpu}, ex.event, ex.state});
        r.tables.push_back(std::move(x));
    }
    return r;
}

} // namespace ltt::viewer
