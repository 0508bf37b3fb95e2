#include "cpu_usage.hpp"

#include "../core/event_class.hpp"
#include "../core/payload.hpp"
#include "../state/cpu_tracker.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace ltt::viewer {

namespace {

constexpr std::uint64_t evtchn_interdomain = 3; // ECS_INTERDOMAIN

struct fields {
    const event_class* cls = nullptr;
    std::array<std::size_t, 4> f{};
    fields(const class_registry& r, ltt::layer l, std::string_view name,
           std::initializer_list<std::string_view> names) {
        cls = r.find(l, name);
        std::size_t i = 0;
        for (std::string_view n : names) {
            const auto index = cls != nullptr ? cls->field_index(n) : std::nullopt;
            if (!index) {
                cls = nullptr;
                return;
            }
            f[i++] = *index;
        }
    }
    bool is(const event& e) const noexcept { return cls != nullptr && e.cls == cls; }
    std::uint64_t u(const event& e, std::size_t i) const {
        return unsigned_at(*cls, e.payload, f[i]);
    }
};

// The name of an enum field's value, or the number.
std::string value_name(const event& e, std::size_t field) {
    const ltt::field_desc& f = e.cls->desc->fields[field];
    const std::int64_t v = signed_at(*e.cls, e.payload, field);
    if (f.enumeration != nullptr) {
        const std::string_view n = f.enumeration->name_of(
            ltt::kind_is_signed(f.kind)
                ? v
                : static_cast<std::int64_t>(unsigned_at(*e.cls, e.payload, field)));
        if (!n.empty())
            return std::string(n);
    }
    return fmt::format("{}", v);
}

} // namespace

struct cpu_usage::classes {
    fields irq_entry, irq_exit, hc_entry, hc_exit, vmexit, svm_vmexit, vmentry, runstate,
        statedump_vcpu, statedump_evtchn, grant_map, grant_unmap;
    fields handle_port, handler_entry, handler_exit;
    explicit classes(const class_registry& r)
        : irq_entry(r, ltt::layer::xen, "irq_entry", {"vector"}),
          irq_exit(r, ltt::layer::xen, "irq_exit", {"vector"}),
          hc_entry(r, ltt::layer::xen, "hypercall_entry", {"number"}),
          hc_exit(r, ltt::layer::xen, "hypercall_exit", {"number"}),
          vmexit(r, ltt::layer::xen, "hvm_vmexit", {"exit_reason"}),
          svm_vmexit(r, ltt::layer::xen, "hvm_svm_vmexit", {"exit_reason"}),
          vmentry(r, ltt::layer::xen, "hvm_vmentry", {}),
          runstate(r, ltt::layer::xen, "runstate_change", {"domid", "vcpu", "new_state"}),
          statedump_vcpu(r, ltt::layer::xen, "domain_statedump_vcpu",
                         {"dom_id", "vcpu", "processor", "runstate"}),
          statedump_evtchn(r, ltt::layer::xen, "domain_statedump_evtchn",
                           {"dom_id", "port", "state", "remote_dom_id"}),
          grant_map(r, ltt::layer::xen, "memory_grant_map", {"dom_id", "map_dom_id"}),
          grant_unmap(r, ltt::layer::xen, "memory_grant_unmap", {"dom_id", "map_dom_id"}),
          handle_port(r, ltt::layer::kernel, "xen_evtchn_handle_port", {"port"}),
          handler_entry(r, ltt::layer::kernel, "irq_handler_entry", {"irq"}),
          handler_exit(r, ltt::layer::kernel, "irq_handler_exit", {"irq"}) {}
};

struct cpu_usage::lane {
    bool started = false;
    std::uint64_t first = 0, last = 0;
    bool known = false, lost_mode = false;
    std::optional<vcpu_id> owner;
    int depth = 0;
    std::string episode; // what the outermost hypervisor episode is
    std::uint64_t episode_start = 0;
    std::optional<std::uint32_t> behalf;     // guest whose grants dom0 maps in this episode
    std::array<std::uint64_t, 5> by_state{}; // by cpu_usage::state
    std::map<vcpu_id, std::uint64_t> guest;
    std::map<std::string, std::uint64_t> hypervisor;               // by episode kind
    std::map<std::uint64_t, std::array<std::uint64_t, 5>> buckets; // interval -> by state
};

cpu_usage::cpu_usage(const analysis_context& context, std::uint64_t interval)
    : context_(context), interval_(interval), c_(std::make_unique<classes>(*context.classes)) {}
cpu_usage::~cpu_usage() = default;

void cpu_usage::add(lane& l, std::uint64_t from, std::uint64_t to) {
    if (to <= from)
        return;
    const std::uint64_t d = to - from;
    state s;
    if (l.depth > 0) {
        s = state::hypervisor;
        l.hypervisor[l.episode] += d;
    } else if (l.lost_mode) {
        s = state::lost;
    } else if (!l.known) {
        s = state::unknown;
    } else if (!l.owner) {
        s = state::hypervisor;
        l.hypervisor["scheduler"] += d;
    } else if (l.owner->domid == domid_idle) {
        s = state::idle;
    } else {
        s = state::guest;
        l.guest[*l.owner] += d;
    }
    l.by_state[static_cast<int>(s)] += d;
    if (interval_ != 0) {
        // Split across the buckets [from, to) covers.
        std::uint64_t a = from;
        while (a < to) {
            const std::uint64_t bucket = (a - origin_) / interval_;
            const std::uint64_t bucket_end = origin_ + (bucket + 1) * interval_;
            const std::uint64_t b = std::min(to, bucket_end);
            l.buckets[bucket][static_cast<int>(s)] += b - a;
            a = b;
        }
    }
}

void cpu_usage::account(lane& l, std::uint64_t to) {
    add(l, l.last, to);
    l.last = std::max(l.last, to);
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
    auto& slot = lanes_[e.cpu];
    if (!slot)
        slot = std::make_unique<lane>();
    lane& l = *slot;
    if (!l.started) {
        l.started = true;
        l.first = l.last = e.ts;
    }
    if (context_.classes->is_loss(e.cls)) {
        // Nothing is known from the last event before the loss on.
        l.lost_mode = true;
        l.depth = 0;
        l.owner.reset();
        add(l, l.last, e.ts);
        l.last = std::max(l.last, e.ts);
        return;
    }
    account(l, e.ts);
    on_xen(e, l);
}

void cpu_usage::on_xen(const event& e, lane& l) {
    const classes& c = *c_;
    const auto begin = [&](std::string kind) {
        if (l.depth++ == 0) {
            l.episode = std::move(kind);
            l.episode_start = e.ts;
            l.behalf.reset();
        }
    };
    const auto end = [&] {
        if (l.depth > 0 && --l.depth == 0 && l.behalf) {
            behalf_grants_[*l.behalf] += e.ts - l.episode_start;
            l.behalf.reset();
        }
    };
    if (c.irq_entry.is(e)) {
        begin("interrupts");
    } else if (c.irq_exit.is(e)) {
        end();
    } else if (c.hc_entry.is(e)) {
        begin("hypercall " + value_name(e, c.hc_entry.f[0]));
    } else if (c.hc_exit.is(e)) {
        end();
    } else if (c.vmexit.is(e) || c.svm_vmexit.is(e)) {
        const fields& f = c.vmexit.is(e) ? c.vmexit : c.svm_vmexit;
        // An exit ends the guest's stretch; the entry ends the episode.
        l.depth = 0;
        begin("exit " + value_name(e, f.f[0]));
    } else if (c.vmentry.is(e)) {
        if (l.depth > 0)
            l.depth = 1;
        end();
    } else if (c.runstate.is(e)) {
        const vcpu_id v{static_cast<std::uint32_t>(c.runstate.u(e, 0)),
                        static_cast<std::uint32_t>(c.runstate.u(e, 1))};
        const auto to = static_cast<runstate>(c.runstate.u(e, 2));
        if (to == runstate::running) {
            l.owner = v;
            l.known = true;
            l.lost_mode = false;
            l.depth = 0;
        } else if (l.owner && *l.owner == v) {
            l.owner.reset(); // Xen's scheduler has the CPU until the next one runs
            l.known = true;
            l.depth = 0;
        }
    } else if (c.statedump_vcpu.is(e)) {
        const auto processor = static_cast<std::uint32_t>(c.statedump_vcpu.u(e, 2));
        const auto rs = static_cast<runstate>(c.statedump_vcpu.u(e, 3));
        if (rs == runstate::running) {
            auto& slot = lanes_[processor];
            if (!slot)
                slot = std::make_unique<lane>();
            lane& p = *slot;
            if (p.started && !p.known && !p.lost_mode) {
                account(p, e.ts);
                p.owner = vcpu_id{static_cast<std::uint32_t>(c.statedump_vcpu.u(e, 0)),
                                  static_cast<std::uint32_t>(c.statedump_vcpu.u(e, 1))};
                p.known = true;
            }
        }
    } else if (c.statedump_evtchn.is(e)) {
        if (c.statedump_evtchn.u(e, 2) == evtchn_interdomain)
            interdomain_[{static_cast<std::uint32_t>(c.statedump_evtchn.u(e, 0)),
                          static_cast<std::uint32_t>(c.statedump_evtchn.u(e, 1))}] =
                static_cast<std::uint32_t>(c.statedump_evtchn.u(e, 3));
    } else if (c.grant_map.is(e) || c.grant_unmap.is(e)) {
        const fields& f = c.grant_map.is(e) ? c.grant_map : c.grant_unmap;
        const auto granting = static_cast<std::uint32_t>(f.u(e, 0));
        const auto mapping = static_cast<std::uint32_t>(f.u(e, 1));
        if (mapping == 0 && granting != 0 && l.depth > 0)
            l.behalf = granting;
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
    for (auto& [cpu, lp] : lanes_) {
        lane& l = *lp;
        if (!l.started)
            continue;
        const std::uint64_t span = l.last - l.first;
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
        for (const auto& [cpu, lp] : lanes_) {
            for (const auto& [bucket, s] : lp->buckets) {
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
