#include "cpu_usage.hpp"

#include "class_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace ltt::viewer {

namespace {

constexpr std::uint64_t evtchn_interdomain = 3; // ECS_INTERDOMAIN

} // namespace

struct cpu_usage::classes {
    class_fields statedump_evtchn, grant_map, grant_unmap;
    class_fields handle_port, handler_entry, handler_exit;
    explicit classes(const class_registry& r)
        : statedump_evtchn(r, ltt::layer::xen, "domain_statedump_evtchn",
                           {"dom_id", "port", "state", "remote_dom_id"}),
          grant_map(r, ltt::layer::xen, "memory_grant_map", {"dom_id", "map_dom_id"}),
          grant_unmap(r, ltt::layer::xen, "memory_grant_unmap", {"dom_id", "map_dom_id"}),
          handle_port(r, ltt::layer::kernel, "xen_evtchn_handle_port", {"port"}),
          handler_entry(r, ltt::layer::kernel, "irq_handler_entry", {"irq"}),
          handler_exit(r, ltt::layer::kernel, "irq_handler_exit", {"irq"}) {}
};

cpu_usage::cpu_usage(const analysis_context& context, std::uint64_t interval)
    : context_(context), interval_(interval), c_(std::make_unique<classes>(*context.classes)),
      lanes_(*context.classes, *this) {}
cpu_usage::~cpu_usage() = default;

void cpu_usage::interval(const lane_interval& i) {
    lane& l = totals_[i.cpu];
    const std::uint64_t d = i.to - i.from;
    if (i.state == lane_state::hypervisor) {
        const auto it = l.hypervisor.find(i.episode);
        if (it != l.hypervisor.end())
            it->second += d;
        else
            l.hypervisor.emplace(std::string(i.episode), d);
    } else if (i.state == lane_state::guest) {
        l.guest[*i.owner] += d;
    }
    const auto s = static_cast<std::size_t>(i.state);
    l.by_state[s] += d;
    if (interval_ != 0) {
        // Split across the buckets [from, to) covers.
        std::uint64_t a = i.from;
        while (a < i.to) {
            const std::uint64_t bucket = (a - origin_) / interval_;
            const std::uint64_t bucket_end = origin_ + (bucket + 1) * interval_;
            const std::uint64_t b = std::min(i.to, bucket_end);
            l.buckets[bucket][s] += b - a;
            a = b;
        }
    }
}

void cpu_usage::episode_begin(std::uint32_t cpu, const event&) {
    totals_[cpu].behalf.reset();
}

void cpu_usage::episode_end(std::uint32_t cpu, std::uint64_t start, const event& e) {
    lane& l = totals_[cpu];
    if (l.behalf) {
        behalf_grants_[*l.behalf] += e.ts - start;
        l.behalf.reset();
    }
}

void cpu_usage::on_event(const event& e) {
    if (!have_origin_) {
        origin_ = e.ts;
        have_origin_ = true;
    }
    if (e.source().layer == ltt::layer::kernel) {
        on_guest(e);
        return;
    }
    if (e.source().layer != ltt::layer::xen)
        return;
    lanes_.on_event(e);
    if (!context_.classes->is_loss(e.cls))
        on_xen(e);
}

void cpu_usage::on_xen(const event& e) {
    const classes& c = *c_;
    if (c.statedump_evtchn.is(e)) {
        if (c.statedump_evtchn.u(e, 2) == evtchn_interdomain)
            interdomain_[{static_cast<std::uint32_t>(c.statedump_evtchn.u(e, 0)),
                          static_cast<std::uint32_t>(c.statedump_evtchn.u(e, 1))}] =
                static_cast<std::uint32_t>(c.statedump_evtchn.u(e, 3));
    } else if (c.grant_map.is(e) || c.grant_unmap.is(e)) {
        const class_fields& f = c.grant_map.is(e) ? c.grant_map : c.grant_unmap;
        const auto granting = static_cast<std::uint32_t>(f.u(e, 0));
        const auto mapping = static_cast<std::uint32_t>(f.u(e, 1));
        if (mapping == 0 && granting != 0 && lanes_.in_episode(e.cpu))
            totals_[e.cpu].behalf = granting;
    }
}

void cpu_usage::on_guest(const event& e) {
    const classes& c = *c_;
    const source_info& s = e.source();
    if (!s.domid || *s.domid != 0)
        return;
    const std::pair<std::uint32_t, std::uint32_t> v{0, e.cpu};
    if (c.handle_port.is(e)) {
        dispatching_[v] = static_cast<std::uint32_t>(c.handle_port.u(e, 0));
    } else if (c.handler_entry.is(e)) {
        handler_since_[v] = e.ts;
    } else if (c.handler_exit.is(e)) {
        const auto d = dispatching_.find(v);
        const auto h = handler_since_.find(v);
        if (d != dispatching_.end() && h != handler_since_.end()) {
            if (const auto it = interdomain_.find({0, d->second}); it != interdomain_.end())
                behalf_evtchn_[it->second] += e.ts - h->second;
        }
        handler_since_.erase(v);
        dispatching_.erase(v);
    }
}

result cpu_usage::finish() {
    result r;
    r.name = "cpu";
    r.title = "CPU use per physical CPU, domain and vCPU";
    r.notes.push_back("per CPU: guest + hypervisor + idle + lost + unknown = span (hypervisor: "
                      "interrupts, hypercalls, HVM exits, and the scheduler between vCPUs; "
                      "lost: from the last event before a loss until the trace says again who "
                      "runs)");
    for (const source_info* s : context_.sources)
        if (s->layer == ltt::layer::xen && !s->records_episode_ends)
            r.notes.push_back(fmt::format(
                "{}: {} records where hypercalls and interrupts start, not where they end: "
                "their time counts as the guest's (hypervisor: HVM exits and the scheduler)",
                s->path, s->format));
    const auto pct = [](std::uint64_t part, std::uint64_t whole) -> cell {
        return whole == 0 ? cell(std::monostate{})
                          : cell(100.0 * static_cast<double>(part) / static_cast<double>(whole));
    };

    table lanes{"lanes", "Per physical CPU", {}, {}, {}};
    lanes.columns = {{"cpu", "cpu", unit::id},
                     {"span", "span", unit::time},
                     {"guest", "guest", unit::time},
                     {"hypervisor", "hypervisor", unit::time},
                     {"idle", "idle", unit::time},
                     {"lost", "lost", unit::time},
                     {"unknown", "unknown", unit::time},
                     {"guest_pct", "guest %", unit::percent},
                     {"hypervisor_pct", "hyp %", unit::percent},
                     {"idle_pct", "idle %", unit::percent}};
    table vcpus{
        "vcpus", "Per domain and vCPU (time running, less hypervisor episodes)", {}, {}, {}};
    vcpus.columns = {{"domid", "dom", unit::id},
                     {"vcpu", "vcpu", unit::id},
                     {"cpu", "cpu", unit::id},
                     {"time", "time", unit::time},
                     {"share", "share of CPU", unit::percent}};
    table domains{"domains", "Per domain", {}, {}, {}};
    domains.columns = {{"domid", "dom", unit::id},
                       {"time", "time", unit::time},
                       {"share", "share of all CPUs", unit::percent}};
    table hyp{"hypervisor", "Hypervisor time by kind", {}, {}, {}};
    hyp.columns = {{"cpu", "cpu", unit::id},
                   {"kind", "kind", unit::text},
                   {"time", "time", unit::time},
                   {"share", "share of CPU", unit::percent}};
    std::map<std::uint32_t, std::uint64_t> per_domain;
    std::uint64_t all_spans = 0;
    for (const auto& [cpu, sp] : lanes_.spans()) {
        lane& l = totals_[cpu];
        const std::uint64_t span = sp.last - sp.first;
        all_spans += span;
        const auto st = [&](state s) { return l.by_state[static_cast<int>(s)]; };
        lanes.rows.push_back({std::uint64_t{cpu}, span, st(state::guest), st(state::hypervisor),
                              st(state::idle), st(state::lost), st(state::unknown),
                              pct(st(state::guest), span), pct(st(state::hypervisor), span),
                              pct(st(state::idle), span)});
        for (const auto& [v, t] : l.guest) {
            vcpus.rows.push_back({std::uint64_t{v.domid}, std::uint64_t{v.vcpu}, std::uint64_t{cpu},
                                  t, pct(t, span)});
            per_domain[v.domid] += t;
        }
        std::vector<std::pair<std::string, std::uint64_t>> kinds(l.hypervisor.begin(),
                                                                 l.hypervisor.end());
        std::sort(kinds.begin(), kinds.end(),
                  [](const auto& a, const auto& b) { return a.second > b.second; });
        for (const auto& [kind, t] : kinds)
            hyp.rows.push_back({std::uint64_t{cpu}, kind, t, pct(t, span)});
    }
    for (const auto& [domid, t] : per_domain)
        domains.rows.push_back({std::uint64_t{domid}, t, pct(t, all_spans)});
    r.tables = {std::move(lanes), std::move(domains), std::move(vcpus), std::move(hyp)};

    table behalf{"dom0_on_behalf", "Dom0 time on a guest's behalf", {}, {}, {}};
    behalf.columns = {{"domid", "guest", unit::id},
                      {"grant_hypercalls", "grant map/unmap hypercalls", unit::time},
                      {"evtchn_handlers", "handlers of its event channels", unit::time}};
    std::map<std::uint32_t, std::pair<std::uint64_t, std::uint64_t>> b;
    for (const auto& [d, t] : behalf_grants_)
        b[d].first += t;
    for (const auto& [d, t] : behalf_evtchn_)
        b[d].second += t;
    for (const auto& [d, t] : b)
        behalf.rows.push_back({std::uint64_t{d}, t.first, t.second});
    behalf.notes.push_back(
        "method: the whole of each dom0 hypercall in which Xen records a memory_grant_map or "
        "memory_grant_unmap of the guest's grants, and dom0's irq handlers for event channels "
        "the statedump shows are interdomain with the guest (needs dom0's ltt-guest trace)");
    r.tables.push_back(std::move(behalf));

    if (interval_ != 0) {
        table iv{"intervals", "Per interval", {}, {}, {}};
        iv.columns = {{"cpu", "cpu", unit::id},
                      {"start", "start", unit::time},
                      {"guest_pct", "guest %", unit::percent},
                      {"hypervisor_pct", "hyp %", unit::percent},
                      {"idle_pct", "idle %", unit::percent},
                      {"lost_pct", "lost %", unit::percent},
                      {"unknown_pct", "unknown %", unit::percent}};
        for (const auto& [cpu, l] : totals_) {
            for (const auto& [bucket, s] : l.buckets) {
                std::uint64_t whole = 0;
                for (std::uint64_t x : s)
                    whole += x;
                iv.rows.push_back({std::uint64_t{cpu}, bucket * interval_,
                                   pct(s[static_cast<int>(state::guest)], whole),
                                   pct(s[static_cast<int>(state::hypervisor)], whole),
                                   pct(s[static_cast<int>(state::idle)], whole),
                                   pct(s[static_cast<int>(state::lost)], whole),
                                   pct(s[static_cast<int>(state::unknown)], whole)});
            }
        }
        r.tables.push_back(std::move(iv));
    }
    return r;
}

} // namespace ltt::viewer
