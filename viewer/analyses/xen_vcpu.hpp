// analyses/xen_vcpu.hpp - which vCPU a hypervisor event is about: its own
// domain and vCPU fields when it has them and they were recorded, else the
// vCPU running on its physical CPU then (state/cpu_tracker), else unknown;
// and how analyses show a vCPU in their tables.
#pragma once

#include "../core/event.hpp"
#include "../core/table.hpp"
#include "../state/cpu_tracker.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

namespace ltt::viewer {

// A u16 domain id field that says "not recorded" (all ones: what the
// xentrace reader fills in when it does not know): use the CPU instead.
inline constexpr std::uint32_t domid_not_recorded = 0xffff;

// The domain and vCPU fields of one class, looked up once.
struct vcpu_fields {
    std::optional<std::size_t> domid;
    std::optional<std::size_t> vcpu;

    // Fields named `domid`/`dom_id` and `vcpu`.
    static vcpu_fields of(const event_class* cls);
};

std::optional<vcpu_id> event_vcpu(const event& e, const vcpu_fields& fields,
                                  const cpu_tracker* cpus);

// Table cells: the domain and vCPU ids, or "-" for an unknown vCPU.
cell domain_cell(const std::optional<vcpu_id>& v);
cell vcpu_cell(const std::optional<vcpu_id>& v);

// The name an enum field gives a value (its number when it has none).
std::string enum_text(const event_class* cls, std::string_view field, std::int64_t value);

} // namespace ltt::viewer
