#include "sched_latency.hpp"

#include "../core/event_class.hpp"
#include "../core/payload.hpp"
#include "../state/cpu_tracker.hpp"
#include "histogram.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ltt::viewer {

sched_latency::sched_latency(const analysis_context& context, std::size_t worst, bool histograms,
                             bool xenalyze_compat)
    : context_(context), worst_n_(worst), histograms_(histograms), compat_(xenalyze_compat),
      runstate_(context.classes->find(ltt::layer::xen, "runstate_change")),
      continue_(context.classes->find(ltt::layer::xen, "runstate_continue_running")) {
    if (runstate_ != nullptr) {
        f_dom_ = *runstate_->field_index("domid");
        f_vcpu_ = *runstate_->field_index("vcpu");
        f_old_ = *runstate_->field_index("old_state");
        f_new_ = *runstate_->field_index("new_state");
    }
    if (continue_ != nullptr) {
        f_cont_dom_ = *continue_->field_index("domid");
        f_cont_vcpu_ = *continue_->field_index("vcpu");
    }
}

void sched_latency::on_event(const event& e) {
    if (!have_first_) {
        first_ts_ = e.ts;
        have_first_ = true;
    }
    if (context_.classes->is_loss(e.cls)) {
        if (e.source().layer != ltt::layer::xen)
            return;
        // The running change of a wake seen on this CPU may be among the
        // lost records.
        for (auto& [key, v] : vcpus_) {
            if (v.woken_at && v.woken_on == e.cpu) {
                v.woken_at.reset();
                ++dropped_;
            }
        }
        return;
    }
    if (e.cls == nullptr)
        return;
    if (e.cls == runstate_) {
        const vcpu_key key{static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_dom_)),
                           static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_vcpu_))};
        if (key.first == domid_idle)
            return;
        const auto from = static_cast<runstate>(unsigned_at(*e.cls, e.payload, f_old_));
        const auto to = static_cast<runstate>(unsigned_at(*e.cls, e.payload, f_new_));
        per_vcpu& v = vcpus_[key];
        if (compat_)
            change_compat(e, v, key, from, to);
        else
            change(e, v, key, from, to);
    } else if (compat_ && e.cls == continue_) {
        // xenalyze treats a decision to keep a vCPU running as a change to
        // running from whatever state it believed.
        const vcpu_key key{
            static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_cont_dom_)),
            static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_cont_vcpu_))};
        if (key.first == domid_idle)
            return;
        per_vcpu& v = vcpus_[key];
        if (v.followed && v.believed == runstate::runnable)
            end_wake(e, v, key);
        v.followed = true;
        v.believed = runstate::running;
    }
}

void sched_latency::end_wake(const event& e, per_vcpu& v, const vcpu_key& key) {
    if (!v.woken_at)
        return;
    const std::uint64_t latency = e.ts - *v.woken_at;
    if (!compat_ || latency != 0) {
        v.latency.add(latency);
        worst_.push_back({latency, *v.woken_at, key.first, key.second, e.cpu});
        if (worst_.size() > 4 * worst_n_ + 64) {
            std::nth_element(worst_.begin(), worst_.begin() + static_cast<long>(worst_n_),
                             worst_.end(),
                             [](const auto& a, const auto& b) { return a.latency > b.latency; });
            worst_.resize(worst_n_);
        }
    }
    v.woken_at.reset();
}

void sched_latency::change(const event& e, per_vcpu& v, const vcpu_key& key, runstate from,
                           runstate to) {
    if ((from == runstate::blocked || from == runstate::offline) && to == runstate::runnable) {
        v.woken_at = e.ts;
        v.woken_on = e.cpu;
    } else if (to == runstate::running) {
        end_wake(e, v, key);
    } else {
        v.woken_at.reset(); // blocked or offline again before running
    }
}

void sched_latency::change_compat(const event& e, per_vcpu& v, const vcpu_key& key, runstate from,
                                  runstate to) {
    if (!v.followed) {
        if (to != runstate::running)
            return;
        v.followed = true;
        v.believed = runstate::running;
        return;
    }
    if (v.believed != from && v.believed == runstate::running)
        return; // xenalyze does not update a vCPU it believes running
    if (v.believed == runstate::runnable)
        end_wake(e, v, key);
    if (to == runstate::runnable &&
        (v.believed == runstate::blocked || v.believed == runstate::offline)) {
        v.woken_at = e.ts;
        v.woken_on = e.cpu;
    }
    v.believed = to;
}

result sched_latency::finish() {
    result r;
    r.name = "sched_latency";
    r.title = "vCPU scheduling latency (wake -> running)";
    if (compat_)
        r.notes.push_back("xenalyze-compatible: wakes as xenalyze --summary counts them (a vCPU "
                          "from its first run; runnable after blocked or offline until the next "
                          "change; zero-length wakes not counted)");
    else
        r.notes.push_back("a wake is a runstate change blocked -> runnable; its latency is the "
                          "time to the vCPU's next change to running; preemptions are not wakes");
    if (dropped_ != 0)
        r.notes.push_back(fmt::format("{} wakes dropped: their change to running may be among "
                                      "lost records",
                                      dropped_));
    const auto opt = [](std::optional<std::uint64_t> v) -> cell {
        return v ? cell(*v) : cell(std::monostate{});
    };
    const auto figures = [&](duration_set& s) -> std::vector<cell> {
        return {std::uint64_t{s.count()}, s.mean(),    opt(s.percentile(50)), opt(s.percentile(95)),
                opt(s.percentile(99)),    opt(s.max())};
    };

    table d{"by_domain", "Per domain", {}, {}, {}};
    d.columns = {{"domid", "dom", unit::id},   {"wakes", "wakes", unit::count},
                 {"mean", "mean", unit::time}, {"p50", "p50", unit::time},
                 {"p95", "p95", unit::time},   {"p99", "p99", unit::time},
                 {"max", "max", unit::time}};
    std::map<std::uint32_t, duration_set> domains;
    for (const auto& [key, v] : vcpus_)
        domains[key.first].merge(v.latency);
    for (auto& [domid, s] : domains) {
        if (s.empty())
            continue;
        s.finish();
        std::vector<cell> row{std::uint64_t{domid}};
        for (cell& c : figures(s))
            row.push_back(std::move(c));
        d.rows.push_back(std::move(row));
    }

    table t{"by_vcpu", "Per vCPU", {}, {}, {}};
    t.columns = {{"domid", "dom", unit::id},      {"vcpu", "vcpu", unit::id},
                 {"wakes", "wakes", unit::count}, {"mean", "mean", unit::time},
                 {"p50", "p50", unit::time},      {"p95", "p95", unit::time},
                 {"p99", "p99", unit::time},      {"max", "max", unit::time}};
    table h = histogram_table("histogram", "Wake latency histograms per vCPU",
                              {{"domid", "dom", unit::id}, {"vcpu", "vcpu", unit::id}});
    for (auto& [key, v] : vcpus_) {
        if (v.latency.empty())
            continue;
        v.latency.finish();
        if (histograms_)
            add_histogram(h, {std::uint64_t{key.first}, std::uint64_t{key.second}}, v.latency,
                          context_.freq_hz);
        std::vector<cell> row{std::uint64_t{key.first}, std::uint64_t{key.second}};
        for (cell& c : figures(v.latency))
            row.push_back(std::move(c));
        t.rows.push_back(std::move(row));
    }

    table w{"worst", "Worst wakes", {}, {}, {}};
    w.columns = {{"domid", "dom", unit::id},
                 {"vcpu", "vcpu", unit::id},
                 {"pcpu", "cpu", unit::id},
                 {"woken", "woken at", unit::time},
                 {"latency", "latency", unit::time}};
    std::sort(worst_.begin(), worst_.end(),
              [](const auto& a, const auto& b) { return a.latency > b.latency; });
    if (worst_.size() > worst_n_)
        worst_.resize(worst_n_);
    for (const worst_case& c : worst_)
        w.rows.push_back({std::uint64_t{c.domid}, std::uint64_t{c.vcpu}, std::uint64_t{c.pcpu},
                          c.at - first_ts_, c.latency});
    r.tables = {std::move(d), std::move(t), std::move(w)};
    if (histograms_)
        r.tables.push_back(std::move(h));
    return r;
}

} // namespace ltt::viewer
