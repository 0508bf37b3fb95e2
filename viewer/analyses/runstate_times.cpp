#include "runstate_times.hpp"

#include "../core/event_class.hpp"
#include "../core/loss.hpp"
#include "../core/payload.hpp"
#include "xenalyze_percentile.hpp"

#include <fmt/format.h>

namespace ltt::viewer {

namespace {

// RUNSTATE_* (xen/include/public/vcpu.h), as runstate_change carries them.
constexpr std::uint8_t rs_running = 0;
constexpr std::uint8_t rs_runnable = 1;
constexpr std::uint8_t rs_blocked = 2;
constexpr std::uint8_t rs_offline = 3;

bool is_loss(const event& e) {
    return e.cls->facility == loss_facility && e.cls->name == loss_desc.name;
}

} // namespace

runstate_times::runstate_times(const analysis_context& context, bool xenalyze_compat)
    : context_(context), compat_(xenalyze_compat) {
    change_cls_ = context.classes->find(ltt::layer::xen, "runstate_change");
    continue_cls_ = context.classes->find(ltt::layer::xen, "runstate_continue_running");
    if (change_cls_ != nullptr) {
        f_domid_ = *change_cls_->field_index("domid");
        f_vcpu_ = *change_cls_->field_index("vcpu");
        f_old_ = *change_cls_->field_index("old_state");
        f_new_ = *change_cls_->field_index("new_state");
    }
    if (continue_cls_ != nullptr) {
        f_cont_domid_ = *continue_cls_->field_index("domid");
        f_cont_vcpu_ = *continue_cls_->field_index("vcpu");
    }
}

runstate_times::cpu_times& runstate_times::cpu(std::uint32_t n) {
    constexpr std::uint32_t near = 4096; // Xen's NR_CPUS ceiling
    if (n >= near)
        return far_cpus_[n];
    if (n >= cpus_.size())
        cpus_.resize(n + 1);
    if (!cpus_[n])
        cpus_[n].emplace();
    return *cpus_[n];
}

void runstate_times::on_event(const event& e) {
    if (e.source().layer != ltt::layer::xen)
        return;
    cpu_times& c = cpu(e.cpu);
    if (!c.seen) {
        c.first = e.ts;
        c.seen = true;
    }
    c.last = e.ts;
    if (e.cls == change_cls_) {
        const vcpu_id v{static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_domid_)),
                        static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_vcpu_))};
        change(e, v, static_cast<std::uint8_t>(unsigned_at(*e.cls, e.payload, f_old_)),
               static_cast<std::uint8_t>(unsigned_at(*e.cls, e.payload, f_new_)));
    } else if (e.cls == continue_cls_) {
        keep_running(e, {static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_cont_domid_)),
                         static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_cont_vcpu_))});
    } else if (is_loss(e)) {
        // Any vCPU may have changed state in what was lost.
        ++losses_;
        for (auto& [v, s] : vcpus_)
            s.started = false;
    }
}

std::uint64_t runstate_times::first_ts_of(std::uint32_t n) {
    return cpu(n).first;
}

void runstate_times::enter(vcpu_id v, vcpu_state& s, std::uint8_t next, std::uint64_t ts,
                           std::uint8_t came_from) {
    // xenalyze counts an interval only when it has a length.
    const bool counted = compat_ ? ts > s.since : ts >= s.since;
    if (counted) {
        auto& st = stats_[v];
        const std::uint64_t d = ts - s.since;
        if (s.state < wake) // running, runnable, blocked, offline
            st[s.state].add(d);
        if (s.state == rs_runnable)
            st[s.runnable_kind].add(d);
    }
    s.runnable_kind = came_from == rs_running                              ? preempt
                      : came_from == rs_blocked || came_from == rs_offline ? wake
                                                                           : other;
    s.state = next;
    s.since = ts;
}

void runstate_times::change(const event& e, vcpu_id v, std::uint8_t old_state,
                            std::uint8_t new_state) {
    vcpu_state& s = vcpus_[v];
    if (!compat_) {
        if (s.started && s.state != old_state) {
            ++mismatches_;
            s.started = false;
        }
        if (s.started) {
            enter(v, s, new_state, e.ts, old_state);
        } else {
            s.started = true;
            s.state = new_state;
            s.since = e.ts;
            s.runnable_kind = old_state == rs_running                              ? preempt
                              : old_state == rs_blocked || old_state == rs_offline ? wake
                                                                                   : other;
        }
        return;
    }
    // xenalyze: a vCPU is followed from the first time it is seen to run.
    if (!s.started) {
        if (new_state != rs_running)
            return;
        s.started = true;
        s.state = rs_running;
        s.since = old_state == rs_running ? first_ts_of(e.cpu) : e.ts;
        return;
    }
    if (s.state != old_state) {
        ++mismatches_;
        if (s.state == rs_running)
            return; // xenalyze does not update a vCPU it believes running
    }
    enter(v, s, new_state, e.ts, s.state);
}

void runstate_times::keep_running(const event& e, vcpu_id v) {
    vcpu_state& s = vcpus_[v];
    if (!s.started) {
        s.started = true;
        s.state = rs_running;
        s.since = compat_ ? first_ts_of(e.cpu) : e.ts;
        return;
    }
    if (s.state != rs_running) {
        ++mismatches_;
        if (!compat_) {
            s.state = rs_running;
            s.since = e.ts;
            return;
        }
    }
    if (compat_)
        enter(v, s, rs_running, e.ts, s.state);
}

result runstate_times::finish() {
    if (compat_ && context_.cpus != nullptr) {
        // xenalyze closes the interval of the vCPU each CPU runs at the CPU's
        // last record.
        std::vector<std::pair<std::uint32_t, cpu_times>> all;
        for (std::uint32_t n = 0; n < cpus_.size(); ++n)
            if (cpus_[n] && cpus_[n]->seen)
                all.emplace_back(n, *cpus_[n]);
        all.insert(all.end(), far_cpus_.begin(), far_cpus_.end());
        for (const auto& [n, t] : all) {
            const auto v = context_.cpus->running_on(n);
            if (!v)
                continue;
            auto it = vcpus_.find(*v);
            if (it != vcpus_.end() && it->second.started)
                enter(*v, it->second, rs_offline, t.last, it->second.state);
        }
    }

    result r;
    r.name = "runstates";
    r.title = "vCPU runstates";
    table t{"vcpu_runstates", "Per domain and vCPU: time in each runstate", {}, {}, {}};
    t.columns = {{"domain", "domain", unit::id}, {"vcpu", "vcpu", unit::id},
                 {"state", "state", unit::text}, {"count", "count", unit::count},
                 {"time", "time", unit::time},   {"avg", "avg", unit::time},
                 {"p5", "p5", unit::time},       {"p50", "p50", unit::time},
                 {"p95", "p95", unit::time}};
    table d{"domain_runstates", "Per domain: time in each runstate (all its vCPUs)", {}, {}, {}};
    d.columns = {{"domain", "domain", unit::id},
                 {"state", "state", unit::text},
                 {"count", "count", unit::count},
                 {"time", "time", unit::time}};
    static constexpr std::pair<row, std::string_view> order[] = {
        {running, "running"}, {runnable, "runnable"}, {wake, "wake"},       {preempt, "preempt"},
        {other, "other"},     {blocked, "blocked"},   {offline, "offline"},
    };
    std::map<std::uint32_t, std::array<std::pair<std::uint64_t, std::uint64_t>, rows>> domains;
    for (const auto& [v, st] : stats_) {
        for (const auto& [row_index, label] : order) {
            const duration_stats& s = st[row_index];
            if (s.count() == 0)
                continue;
            std::array<std::uint64_t, 3> p{};
            if (compat_)
                p = xenalyze_weighted_percentiles(s.samples());
            else
                p = {s.weighted_percentile(5), s.weighted_percentile(50),
                     s.weighted_percentile(95)};
            t.rows.push_back({std::uint64_t{v.domid}, std::uint64_t{v.vcpu}, std::string(label),
                              s.count(), s.total(), s.total() / s.count(), p[0], p[1], p[2]});
            auto& dom = domains[v.domid][row_index];
            dom.first += s.count();
            dom.second += s.total();
        }
    }
    for (const auto& [domid, st] : domains)
        for (const auto& [row_index, label] : order)
            if (row_index < wake && st[row_index].first != 0)
                d.rows.push_back({std::uint64_t{domid}, std::string(label), st[row_index].first,
                                  st[row_index].second});
    t.notes.push_back(
        "intervals from one runstate change of a vCPU to its next; percentiles are "
        "duration-weighted (an interval weighs its length); wake: runnable after blocked or "
        "offline, preempt: runnable after running");
    if (compat_)
        t.notes.push_back("xenalyze-compatible: intervals and percentiles as xenalyze --summary "
                          "counts them (a vCPU from its first run, a running interval split at "
                          "each continue_running, the last running intervals closed at each "
                          "CPU's last event, xenalyze's percentile selection)");
    else
        t.notes.push_back("complete intervals only: before a vCPU's first change and after its "
                          "last, its state is not counted");
    if (mismatches_ != 0)
        t.notes.push_back(fmt::format("{} changes came from another state than the vCPU was "
                                      "known to be in (records lost): their intervals are not "
                                      "counted",
                                      mismatches_));
    if (losses_ != 0)
        t.notes.push_back(fmt::format("{} loss reports: every vCPU's state was unknown after "
                                      "each until its next change",
                                      losses_));
    r.tables = {std::move(t), std::move(d)};
    return r;
}

} // namespace ltt::viewer
