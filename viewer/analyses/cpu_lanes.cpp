#include "cpu_lanes.hpp"

#include "class_fields.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ltt::viewer {

namespace {

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

constexpr std::string_view scheduler_episode = "scheduler";

} // namespace

struct cpu_lanes::classes {
    class_fields irq_entry, irq_exit, hc_entry, hc_exit, vmexit, svm_vmexit, vmentry, runstate,
        statedump_vcpu;
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
                         {"dom_id", "vcpu", "processor", "runstate"}) {}
};

struct cpu_lanes::lane {
    std::uint32_t cpu = 0;
    bool started = false;
    std::uint64_t first = 0, last = 0;
    bool known = false, lost_mode = false;
    std::optional<vcpu_id> owner;
    int depth = 0;
    episode_kind kind = episode_kind::none;
    std::string episode; // what the outermost hypervisor episode is
    std::uint64_t episode_start = 0;
};

cpu_lanes::cpu_lanes(const class_registry& registry, listener& to)
    : registry_(registry), to_(to), c_(std::make_unique<classes>(registry)) {}
cpu_lanes::~cpu_lanes() = default;

cpu_lanes::lane& cpu_lanes::lane_of(std::uint32_t cpu) {
    auto& slot = lanes_[cpu];
    if (!slot) {
        slot = std::make_unique<lane>();
        slot->cpu = cpu;
    }
    return *slot;
}

// The time from the lane's last event to `to`, in the state it was in.
void cpu_lanes::add(lane& l, std::uint64_t to) {
    const std::uint64_t from = l.last;
    l.last = std::max(l.last, to);
    if (to <= from)
        return;
    lane_interval i;
    i.cpu = l.cpu;
    i.from = from;
    i.to = to;
    if (l.depth > 0) {
        i.state = lane_state::hypervisor;
        i.kind = l.kind;
        i.episode = l.episode;
    } else if (l.lost_mode) {
        i.state = lane_state::lost;
    } else if (!l.known) {
        i.state = lane_state::unknown;
    } else if (!l.owner) {
        i.state = lane_state::hypervisor;
        i.kind = episode_kind::scheduler;
        i.episode = scheduler_episode;
    } else {
        i.state = l.owner->domid == domid_idle ? lane_state::idle : lane_state::guest;
        i.owner = l.owner;
    }
    to_.interval(i);
}

void cpu_lanes::on_event(const event& e) {
    lane& l = lane_of(e.cpu);
    if (!l.started) {
        l.started = true;
        l.first = l.last = e.ts;
    }
    if (registry_.is_loss(e.cls)) {
        // Nothing is known from the last event before the loss on.
        l.lost_mode = true;
        l.depth = 0;
        l.owner.reset();
        add(l, e.ts);
        return;
    }
    add(l, e.ts);
    on_xen(e, l);
}

void cpu_lanes::on_xen(const event& e, lane& l) {
    const classes& c = *c_;
    const auto begin = [&](episode_kind kind, std::string name) {
        if (l.depth++ == 0) {
            l.kind = kind;
            l.episode = std::move(name);
            l.episode_start = e.ts;
            to_.episode_begin(l.cpu, e);
        }
    };
    const auto end = [&] {
        if (l.depth > 0 && --l.depth == 0)
            to_.episode_end(l.cpu, l.episode_start, e);
    };
    // A source that records no ends (xentrace) marks only where hypercalls
    // and interrupts start: counting from there to the next event as
    // hypervisor time would charge Xen with the guest's time.
    const bool has_ends = e.source().records_episode_ends;
    if (c.irq_entry.is(e)) {
        if (has_ends)
            begin(episode_kind::interrupt, "interrupts");
    } else if (c.irq_exit.is(e)) {
        end();
    } else if (c.hc_entry.is(e)) {
        if (has_ends)
            begin(episode_kind::hypercall, "hypercall " + value_name(e, c.hc_entry.f[0]));
    } else if (c.hc_exit.is(e)) {
        end();
    } else if (c.vmexit.is(e) || c.svm_vmexit.is(e)) {
        const class_fields& f = c.vmexit.is(e) ? c.vmexit : c.svm_vmexit;
        // An exit ends the guest's stretch; the entry ends the episode.
        l.depth = 0;
        begin(episode_kind::exit, "exit " + value_name(e, f.f[0]));
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
            lane& p = lane_of(processor);
            if (p.started && !p.known && !p.lost_mode) {
                add(p, e.ts);
                p.owner = vcpu_id{static_cast<std::uint32_t>(c.statedump_vcpu.u(e, 0)),
                                  static_cast<std::uint32_t>(c.statedump_vcpu.u(e, 1))};
                p.known = true;
            }
        }
    }
}

std::optional<cpu_lanes::span> cpu_lanes::span_of(std::uint32_t cpu) const {
    const auto it = lanes_.find(cpu);
    if (it == lanes_.end() || !it->second->started)
        return std::nullopt;
    return span{it->second->first, it->second->last};
}

bool cpu_lanes::in_episode(std::uint32_t cpu) const {
    const auto it = lanes_.find(cpu);
    return it != lanes_.end() && it->second->depth > 0;
}

std::map<std::uint32_t, cpu_lanes::span> cpu_lanes::spans() const {
    std::map<std::uint32_t, span> out;
    for (const auto& [cpu, l] : lanes_) {
        if (l->started)
            out.emplace(cpu, span{l->first, l->last});
    }
    return out;
}

} // namespace ltt::viewer
