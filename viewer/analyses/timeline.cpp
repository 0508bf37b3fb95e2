#include "timeline.hpp"

#include "../core/loss.hpp"
#include "class_fields.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ltt::viewer {

namespace {

std::string vcpu_label(const vcpu_id& v) {
    return fmt::format("dom{} vCPU {}", v.domid, v.vcpu);
}

std::string string_field(const event& e, std::string_view name) {
    const auto index = e.cls->field_index(name);
    field_value v;
    if (index && field_at(*e.cls, e.payload, *index, v) && v.what == field_value::kind::string)
        return std::string(v.str);
    return {};
}

} // namespace

struct timeline::classes {
    class_fields irq_entry, runstate;
    class_fields upcall_entry, upcall_exit, handler_entry, handler_exit;
    explicit classes(const class_registry& r)
        : irq_entry(r, ltt::layer::xen, "irq_entry", {"vector", "irq"}),
          runstate(r, ltt::layer::xen, "runstate_change", {"domid", "vcpu", "new_state"}),
          upcall_entry(r, ltt::layer::kernel, "xen_evtchn_upcall_entry", {}),
          upcall_exit(r, ltt::layer::kernel, "xen_evtchn_upcall_exit", {}),
          handler_entry(r, ltt::layer::kernel, "irq_handler_entry", {"irq"}),
          handler_exit(r, ltt::layer::kernel, "irq_handler_exit", {"irq"}) {}
};

timeline::timeline(const analysis_context& context, timeline_sink& sink)
    : context_(context), sink_(sink), c_(std::make_unique<classes>(*context.classes)),
      lanes_(*context.classes, *this) {
    for (const source_info* s : context.sources) {
        if (s->layer == ltt::layer::kernel && s->domid && !traced_.contains(*s->domid))
            traced_[*s->domid] = s;
    }
}

timeline::~timeline() = default;

timeline::cpu_lane& timeline::cpu_lane_of(std::uint32_t cpu) {
    const auto it = cpus_.find(cpu);
    if (it != cpus_.end())
        return it->second;
    cpu_lane& l = cpus_[cpu];
    l.id = next_id_++;
    timeline_lane info;
    info.id = l.id;
    info.kind = lane_kind::physical_cpu;
    info.cpu = cpu;
    info.name = fmt::format("CPU {}", cpu);
    info.group = "hypervisor";
    sink_.lane(info);
    return l;
}

timeline::vcpu_lane& timeline::vcpu_lane_of(const source_info& s,
                                            std::optional<std::uint32_t> domid,
                                            std::uint32_t vcpu) {
    const auto key = std::make_pair(&s, vcpu);
    const auto it = vcpus_.find(key);
    if (it != vcpus_.end())
        return it->second;
    vcpu_lane& l = vcpus_[key];
    l.id = next_id_++;
    l.domid = domid;
    if (domid)
        by_vcpu_[{*domid, vcpu}] = &l;
    timeline_lane info;
    info.id = l.id;
    info.kind = lane_kind::vcpu;
    info.cpu = vcpu;
    info.domid = domid;
    const std::string domain =
        s.domain_name.empty() ? (domid ? fmt::format("dom{}", *domid) : s.path) : s.domain_name;
    info.name = fmt::format("{} vCPU {}", domain, vcpu);
    info.group = fmt::format("{} kernel", domain);
    info.rows = 3;
    sink_.lane(info);
    return l;
}

void timeline::on_event(const event& e) {
    if (!have_first_) {
        first_ = e.ts;
        have_first_ = true;
    }
    last_ = std::max(last_, e.ts);
    const ltt::layer layer = e.source().layer;
    if (layer == ltt::layer::xen)
        on_xen(e);
    else if (layer == ltt::layer::kernel)
        on_guest(e);
}

void timeline::on_xen(const event& e) {
    cpu_lane& l = cpu_lane_of(e.cpu);
    const bool loss = context_.classes->is_loss(e.cls);
    if (loss)
        on_xen_loss(e); // before the lane moves: it needs the last event before the loss
    lanes_.on_event(e);
    last_xen_ = std::max(last_xen_, e.ts);
    ++l.n.events;
    sink_.lane_event(l.id, e);
    if (loss) {
        const loss_info info = decode_loss(e.payload);
        ++l.n.instants;
        sink_.instant({l.id, e.ts, mark_kind::loss,
                       fmt::format("lost {} {} ({})", info.count,
                                   info.reason == loss_reason::packets_lost ? "packets" : "events",
                                   to_string(info.reason)),
                       nullptr});
        return;
    }
    const classes& c = *c_;
    if (c.irq_entry.is(e)) {
        const std::int64_t irq = c.irq_entry.s(e, 1);
        const std::string label = irq >= 0 ? fmt::format("irq {}", irq)
                                           : fmt::format("vector {:#x}", c.irq_entry.u(e, 0));
        ++l.n.instants;
        sink_.instant({l.id, e.ts, mark_kind::interrupt, label, &e});
    } else if (c.runstate.is(e)) {
        on_runstate(e);
    }
}

void timeline::on_xen_loss(const event& e) {
    // vCPUs whose last change this CPU recorded: their state is not known
    // from this CPU's last event before the loss on.
    const auto span = lanes_.span_of(e.cpu);
    const std::uint64_t from = span ? span->last : e.ts;
    for (auto& [key, l] : vcpus_) {
        if (l.have_state && l.changed_on == e.cpu && l.state != mark_kind::lost)
            set_state(l, std::max(from, l.since), mark_kind::lost, "lost", e.cpu);
    }
}

void timeline::on_runstate(const event& e) {
    const classes& c = *c_;
    const vcpu_id v{static_cast<std::uint32_t>(c.runstate.u(e, 0)),
                    static_cast<std::uint32_t>(c.runstate.u(e, 1))};
    vcpu_lane* l = nullptr;
    if (const auto it = by_vcpu_.find(v); it != by_vcpu_.end()) {
        l = it->second;
    } else if (const auto t = traced_.find(v.domid); t != traced_.end()) {
        l = &vcpu_lane_of(*t->second, v.domid, v.vcpu);
    }
    if (l == nullptr)
        return;
    switch (static_cast<runstate>(c.runstate.u(e, 2))) {
    case runstate::running:
        set_state(*l, e.ts, mark_kind::guest, fmt::format("running on CPU {}", e.cpu), e.cpu);
        break;
    case runstate::runnable:
        set_state(*l, e.ts, mark_kind::runnable, "runnable", e.cpu);
        break;
    case runstate::blocked:
        set_state(*l, e.ts, mark_kind::blocked, "blocked", e.cpu);
        break;
    case runstate::offline:
        set_state(*l, e.ts, mark_kind::blocked, "offline", e.cpu);
        break;
    default:
        set_state(*l, e.ts, mark_kind::unknown, "unknown", e.cpu);
        break;
    }
}

void timeline::emit(vcpu_lane& l, std::uint32_t row, std::uint64_t start, std::uint64_t end,
                    mark_kind kind, std::string_view label) {
    if (end <= start)
        return;
    ++l.n.slices;
    timeline_slice s;
    s.lane = l.id;
    s.row = row;
    s.start = start;
    s.end = end;
    s.kind = kind;
    s.domid = l.domid;
    s.label = label;
    sink_.slice(s);
}

void timeline::set_state(vcpu_lane& l, std::uint64_t ts, mark_kind state, std::string label,
                         std::uint32_t pcpu) {
    if (l.have_state)
        emit(l, 0, l.since, ts, l.state, l.state_label);
    l.have_state = true;
    l.state = state;
    l.state_label = std::move(label);
    l.since = ts;
    l.changed_on = pcpu;
}

void timeline::on_guest(const event& e) {
    const source_info& s = e.source();
    vcpu_lane& l = vcpu_lane_of(s, s.domid, e.cpu);
    ++l.n.events;
    sink_.lane_event(l.id, e);
    const classes& c = *c_;
    const auto open = [&](open_pair& p, std::int64_t irq, std::string label) {
        if (p.open)
            ++l.n.unpaired;
        p.open = true;
        p.start = e.ts;
        p.irq = irq;
        p.label = std::move(label);
    };
    const auto close = [&](open_pair& p, std::uint32_t row, mark_kind kind, std::int64_t irq) {
        if (!p.open || p.irq != irq) {
            ++l.n.unpaired;
            return;
        }
        p.open = false;
        emit(l, row, p.start, e.ts, kind, p.label);
    };
    if (context_.classes->is_loss(e.cls)) {
        // The exits of what is open may be among the lost events.
        l.n.unpaired += (l.upcall.open ? 1 : 0) + (l.handler.open ? 1 : 0);
        l.upcall.open = l.handler.open = false;
        const loss_info info = decode_loss(e.payload);
        ++l.n.instants;
        sink_.instant({l.id, e.ts, mark_kind::loss,
                       fmt::format("lost {} {} ({})", info.count,
                                   info.reason == loss_reason::packets_lost ? "packets" : "events",
                                   to_string(info.reason)),
                       nullptr});
    } else if (c.upcall_entry.is(e)) {
        open(l.upcall, 0, "upcall");
    } else if (c.upcall_exit.is(e)) {
        close(l.upcall, 1, mark_kind::upcall, 0);
    } else if (c.handler_entry.is(e)) {
        const std::int64_t irq = c.handler_entry.s(e, 0);
        const std::string name = string_field(e, "name");
        open(l.handler, irq,
             name.empty() ? fmt::format("irq {}", irq) : fmt::format("irq {} {}", irq, name));
    } else if (c.handler_exit.is(e)) {
        close(l.handler, 2, mark_kind::irq_handler, c.handler_exit.s(e, 0));
    } else {
        ++l.n.instants;
        sink_.instant({l.id, e.ts, mark_kind::event, e.cls->name, &e});
    }
}

void timeline::interval(const lane_interval& i) {
    cpu_lane& l = cpu_lane_of(i.cpu);
    if (l.open && l.end == i.from && l.state == i.state && l.owner == i.owner && l.kind == i.kind &&
        l.episode == i.episode) {
        l.end = i.to;
        return;
    }
    flush(l);
    l.open = true;
    l.start = i.from;
    l.end = i.to;
    l.state = i.state;
    l.owner = i.owner;
    l.kind = i.kind;
    l.episode.assign(i.episode);
}

void timeline::flush(cpu_lane& l) {
    if (!l.open)
        return;
    l.open = false;
    timeline_slice s;
    s.lane = l.id;
    s.start = l.start;
    s.end = l.end;
    std::string label;
    switch (l.state) {
    case lane_state::guest:
        s.kind = mark_kind::guest;
        s.domid = l.owner->domid;
        label = vcpu_label(*l.owner);
        break;
    case lane_state::idle:
        s.kind = mark_kind::idle;
        label = "idle";
        break;
    case lane_state::lost:
        s.kind = mark_kind::lost;
        label = "lost";
        break;
    case lane_state::unknown:
        s.kind = mark_kind::unknown;
        label = "unknown";
        break;
    case lane_state::hypervisor:
        switch (l.kind) {
        case episode_kind::interrupt:
            s.kind = mark_kind::interrupt;
            break;
        case episode_kind::hypercall:
            s.kind = mark_kind::hypercall;
            break;
        case episode_kind::exit:
            s.kind = mark_kind::exit;
            break;
        default:
            s.kind = mark_kind::scheduler;
            break;
        }
        label = l.episode;
        break;
    }
    s.label = label;
    ++l.n.slices;
    sink_.slice(s);
}

result timeline::finish() {
    for (auto& [cpu, l] : cpus_)
        flush(l);
    std::uint64_t unpaired = 0;
    for (auto& [key, l] : vcpus_) {
        if (l.have_state) {
            // What Xen says ends with the trace of the CPU that said it last.
            const auto span = lanes_.span_of(l.changed_on);
            emit(l, 0, l.since, span ? span->last : last_xen_, l.state, l.state_label);
        }
        l.n.unpaired += (l.upcall.open ? 1 : 0) + (l.handler.open ? 1 : 0);
        unpaired += l.n.unpaired;
    }
    sink_.finish(first_, last_);

    result r;
    r.name = "timeline";
    r.title = "Timeline lanes";
    table t{"lanes", "Lanes", {}, {}, {}};
    t.columns = {{"lane", "lane", unit::text},
                 {"slices", "slices", unit::count},
                 {"instants", "instants", unit::count},
                 {"events", "events", unit::count},
                 {"unpaired", "unpaired entries/exits", unit::count}};
    for (const auto& [cpu, l] : cpus_)
        t.rows.push_back(
            {fmt::format("CPU {}", cpu), l.n.slices, l.n.instants, l.n.events, std::uint64_t{0}});
    for (const auto& [key, l] : vcpus_) {
        const source_info& s = *key.first;
        t.rows.push_back({fmt::format("{} vCPU {}", s.domain_name, key.second), l.n.slices,
                          l.n.instants, l.n.events, l.n.unpaired});
    }
    if (unpaired != 0)
        r.notes.push_back(fmt::format(
            "{} upcall or irq handler entries/exits had no partner (a second entry first, a "
            "loss, the trace's end): they make no slice",
            unpaired));
    r.tables.push_back(std::move(t));
    return r;
}

} // namespace ltt::viewer
