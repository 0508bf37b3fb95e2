#include "xentrace_encode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace ltt::viewer {

namespace xt = ltt::xentrace;

namespace {

// "Not recorded" for a field of this kind (see the header).
std::uint64_t unknown_value(ltt::field_kind kind) {
    switch (kind) {
    case ltt::field_kind::s8:
        return 0x80;
    case ltt::field_kind::s16:
        return 0x8000;
    case ltt::field_kind::s32:
        return 0x80000000u;
    case ltt::field_kind::s64:
        return 0x8000000000000000ull;
    default:
        return ~std::uint64_t{0};
    }
}

constexpr std::uint64_t clamp_u8(std::uint64_t v) {
    return std::min<std::uint64_t>(v, 255);
}

constexpr std::uint64_t sign_extend_32(std::uint32_t v) {
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(v)));
}

constexpr std::uint64_t wide(std::uint32_t lo, std::uint32_t hi) {
    return lo | (static_cast<std::uint64_t>(hi) << 32);
}

// Data words each target reads.
unsigned words_needed(xt::target t) {
    switch (t) {
    case xt::target::runstate_change:
    case xt::target::runstate_continue_running:
    case xt::target::sched_dom_add:
    case xt::target::sched_dom_rem:
    case xt::target::sched_adjdom:
    case xt::target::domain_create:
    case xt::target::domain_destroy:
    case xt::target::memory_grant_map:
    case xt::target::memory_grant_unmap:
    case xt::target::memory_grant_transfer:
    case xt::target::hvm_intr_inject:
    case xt::target::irq_entry:
    case xt::target::hypercall_v2:
    case xt::target::hypercall_vmcall:
        return 1;
    case xt::target::sched_sleep:
    case xt::target::sched_wake:
    case xt::target::sched_yield:
    case xt::target::sched_block:
    case xt::target::hvm_vmexit:
    case xt::target::hvm_exc_inject:
    case xt::target::hvm_pf_inject:
    case xt::target::hypercall:
        return 2;
    case xt::target::sched_shutdown:
    case xt::target::sched_shutdown_code:
    case xt::target::sched_switch_infprev:
    case xt::target::hvm_vmexit64:
    case xt::target::hvm_pf_inject64:
    case xt::target::hypercall64:
        return 3;
    case xt::target::sched_switch:
    case xt::target::sched_switch_infnext:
    case xt::target::sched_switch_infcont:
        return 4;
    default:
        return 0;
    }
}

} // namespace

xentrace_encoder::layout xentrace_encoder::resolve(const class_registry& classes,
                                                   std::string_view event,
                                                   std::initializer_list<std::string_view> values) {
    layout l;
    l.cls = classes.find(ltt::layer::xen, event);
    if (l.cls == nullptr)
        throw std::logic_error(
            fmt::format("the xentrace mapping names xen event {}, which the viewer lacks", event));
    if (l.cls->desc->variable_size || l.cls->desc->fixed_size > payload_buffer::capacity)
        throw std::logic_error(fmt::format("xen event {} does not fit the xentrace reader's "
                                           "payload buffer",
                                           event));
    for (const std::string_view v : values)
        if (!l.cls->field_index(v))
            throw std::logic_error(
                fmt::format("the xentrace mapping fills field {} of {}, which has none", v, event));
    for (const ltt::field_desc& f : l.cls->desc->fields) {
        std::uint8_t slot = not_recorded;
        std::uint8_t i = 0;
        for (const std::string_view v : values) {
            if (f.name == v)
                slot = i;
            ++i;
        }
        l.slot.push_back(slot);
    }
    return l;
}

xentrace_encoder::xentrace_encoder(const class_registry& classes) {
    using t = xt::target;
    const auto set = [&](t target, std::string_view event,
                         std::initializer_list<std::string_view> values) {
        layouts_.at(static_cast<std::size_t>(target)) = resolve(classes, event, values);
    };
    set(t::runstate_change, "runstate_change", {"domid", "vcpu", "old_state", "new_state"});
    set(t::runstate_continue_running, "runstate_continue_running", {"domid", "vcpu"});
    set(t::sched_dom_add, "sched_dom_add", {"dom_id"});
    set(t::sched_dom_rem, "sched_dom_rem", {"dom_id"});
    set(t::sched_sleep, "sched_sleep", {"dom_id", "cpu_id"});
    set(t::sched_wake, "sched_wake", {"dom_id", "cpu_id"});
    set(t::sched_yield, "sched_yield", {"dom_id", "cpu_id"});
    set(t::sched_block, "sched_block", {"dom_id", "cpu_id"});
    set(t::sched_shutdown, "sched_shutdown", {"dom_id", "cpu_id", "shutdown_reason"});
    set(t::sched_ctl, "sched_ctl", {});
    set(t::sched_adjdom, "sched_adjdom", {"dom_id"});
    set(t::sched_switch, "sched_switch",
        {"prev_dom_id", "prev_cpu_id", "next_dom_id", "next_cpu_id"});
    set(t::sched_s_timer_fn, "sched_s_timer_fn", {});
    set(t::sched_t_timer_fn, "sched_t_timer_fn", {});
    set(t::sched_dom_timer_fn, "sched_dom_timer_fn", {});
    set(t::sched_switch_infprev, "sched_switch_infprev", {"prev_dom_id", "state_entry_time"});
    set(t::sched_switch_infnext, "sched_switch_infnext",
        {"next_dom_id", "next_state_entry_time", "r_time"});
    set(t::sched_shutdown_code, "sched_shutdown_code", {"dom_id", "cpu_id", "shutdown_reason"});
    set(t::sched_switch_infcont, "sched_switch_infcont",
        {"dom_id", "cpu_id", "state_entry_time", "r_time"});
    set(t::domain_create, "domain_create", {"dom_id"});
    set(t::domain_destroy, "domain_destroy", {"dom_id"});
    set(t::memory_grant_map, "memory_grant_map", {"dom_id", "map_dom_id"});
    set(t::memory_grant_unmap, "memory_grant_unmap", {"dom_id", "map_dom_id"});
    set(t::memory_grant_transfer, "memory_grant_transfer", {"dom_id", "from_dom_id"});
    set(t::hvm_vmentry, "hvm_vmentry", {});
    set(t::hvm_vmexit, "hvm_vmexit", {"dom_id", "vcpu", "exit_reason", "rip"});
    set(t::hvm_vmexit64, "hvm_vmexit", {"dom_id", "vcpu", "exit_reason", "rip"});
    svm_vmexit_ = resolve(classes, "hvm_svm_vmexit", {"dom_id", "vcpu", "exit_reason", "rip"});
    set(t::hvm_intr_inject, "hvm_intr_inject", {"dom_id", "vcpu", "vector"});
    set(t::hvm_exc_inject, "hvm_exc_inject",
        {"dom_id", "vcpu", "vector", "error_code", "fault_addr"});
    set(t::hvm_pf_inject, "hvm_exc_inject",
        {"dom_id", "vcpu", "vector", "error_code", "fault_addr", "event_type"});
    set(t::hvm_pf_inject64, "hvm_exc_inject",
        {"dom_id", "vcpu", "vector", "error_code", "fault_addr", "event_type"});
    set(t::irq_entry, "irq_entry", {"vector"});
    set(t::hypercall, "hypercall_entry", {"number"});
    set(t::hypercall64, "hypercall_entry", {"number"});
    set(t::hypercall_v2, "hypercall_entry", {"number"});
    set(t::hypercall_vmcall, "hypercall_entry", {"number"});
}

const event_class* xentrace_encoder::class_of(xt::target t, bool svm) const {
    if (svm && (t == xt::target::hvm_vmexit || t == xt::target::hvm_vmexit64))
        return svm_vmexit_.cls;
    return layouts_.at(static_cast<std::size_t>(t)).cls;
}

void xentrace_encoder::put(const layout& l, const std::array<std::uint64_t, max_values>& values,
                           std::uint32_t unknown, payload_buffer& out) {
    for (std::size_t i = 0; i < l.slot.size(); ++i) {
        const ltt::field_kind kind = l.cls->desc->fields[i].kind;
        const std::uint8_t s = l.slot[i];
        const bool known = s != not_recorded && (unknown & (1u << s)) == 0;
        out.put(kind, known ? values[s] : unknown_value(kind));
    }
}

bool xentrace_encoder::encode(xt::target t, const xt::record& rec, const cpu_context& context,
                              payload_buffer& out) const {
    if (rec.n_extra < words_needed(t))
        return false;
    const layout* l = &layouts_.at(static_cast<std::size_t>(t));
    if (l->cls == nullptr)
        return false;
    const auto& w = rec.extra;
    std::array<std::uint64_t, max_values> v{};
    // Values of v that are not known (bit i: v[i]).
    std::uint32_t unknown = 0;
    const bool have = context.current.has_value();
    const std::uint64_t domid = have ? context.current->domid : 0;
    const std::uint64_t vcpu = have ? context.current->vcpu : 0;
    const std::uint32_t running_unknown = have ? 0 : 0b11; // v[0], v[1]: domain, vCPU
    using tg = xt::target;
    switch (t) {
    case tg::runstate_change:
        // trace_runstate_change(): vcpu in the low half, domain in the high
        // half; the old and new states in bits 8-11 and 4-7 of the event id.
        v = {w[0] >> 16, w[0] & 0xffffu, (rec.event >> 8) & 0xfu, (rec.event >> 4) & 0xfu};
        break;
    case tg::runstate_continue_running:
        v = {w[0] >> 16, w[0] & 0xffffu};
        break;
    case tg::sched_switch_infprev:
        v = {w[0], w[2]};
        break;
    case tg::sched_switch_infnext:
        v = {w[0], w[2], sign_extend_32(w[3])};
        break;
    case tg::sched_switch_infcont:
        v = {w[0], w[1], w[2], sign_extend_32(w[3])};
        break;
    case tg::memory_grant_map:
    case tg::memory_grant_unmap:
    case tg::memory_grant_transfer:
        v = {w[0], domid};
        unknown = have ? 0 : 0b10;
        break;
    case tg::hvm_vmexit:
    case tg::hvm_vmexit64: {
        if (context.svm)
            l = &svm_vmexit_;
        const std::uint64_t reason =
            context.svm ? static_cast<std::uint16_t>(w[0]) : w[0] & 0xffffu;
        v = {domid, vcpu, reason, t == tg::hvm_vmexit ? w[1] : wide(w[1], w[2])};
        unknown = running_unknown;
        break;
    }
    case tg::hvm_intr_inject:
        v = {domid, vcpu, w[0] & 0xffu};
        unknown = running_unknown;
        break;
    case tg::hvm_exc_inject:
        // INJ_EXC is every injected event but a page fault (fault_addr 0).
        v = {domid, vcpu, w[0] & 0xffu, w[1], 0};
        unknown = running_unknown;
        break;
    case tg::hvm_pf_inject:
    case tg::hvm_pf_inject64:
        // A #PF hardware exception (vector 14, X86_EVENTTYPE_HW_EXCEPTION).
        v = {domid, vcpu, 14, w[0], t == tg::hvm_pf_inject ? w[1] : wide(w[1], w[2]), 3};
        unknown = running_unknown;
        break;
    case tg::irq_entry:
        v = {w[0] & 0xffu};
        break;
    case tg::hypercall:
        v = {clamp_u8(w[1])};
        break;
    case tg::hypercall64:
        v = {clamp_u8(w[2])};
        break;
    case tg::hypercall_v2:
        // The low bits are the number; bits 20-31 say which arguments follow.
        v = {clamp_u8(w[0] & 0x000fffffu)};
        break;
    case tg::hypercall_vmcall:
        v = {clamp_u8(w[0])};
        break;
    default:
        // The verbose scheduler and domain records: data words in order.
        for (unsigned i = 0; i < std::min<unsigned>(rec.n_extra, max_values); ++i)
            v[i] = w[i];
        break;
    }
    out.clear();
    put(*l, v, unknown, out);
    return true;
}

} // namespace ltt::viewer
