#include "xen_vcpu.hpp"

#include "../core/payload.hpp"

#include <string>

namespace ltt::viewer {

vcpu_fields vcpu_fields::of(const event_class* cls) {
    vcpu_fields f;
    if (cls == nullptr)
        return f;
    f.domid = cls->field_index("domid");
    if (!f.domid)
        f.domid = cls->field_index("dom_id");
    f.vcpu = cls->field_index("vcpu");
    return f;
}

std::optional<vcpu_id> event_vcpu(const event& e, const vcpu_fields& fields,
                                  const cpu_tracker* cpus) {
    if (fields.domid && fields.vcpu) {
        const auto domid =
            static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, *fields.domid));
        if (domid != domid_not_recorded)
            return vcpu_id{
                domid, static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, *fields.vcpu))};
    }
    if (cpus != nullptr && e.source().layer == ltt::layer::xen)
        return cpus->running_on(e.cpu);
    return std::nullopt;
}

cell domain_cell(const std::optional<vcpu_id>& v) {
    return v ? cell(std::uint64_t{v->domid}) : cell(std::monostate{});
}

cell vcpu_cell(const std::optional<vcpu_id>& v) {
    return v ? cell(std::uint64_t{v->vcpu}) : cell(std::monostate{});
}

std::string enum_text(const event_class* cls, std::string_view field, std::int64_t value) {
    if (cls != nullptr) {
        if (const ltt::field_desc* f = cls->desc->field(field); f && f->enumeration) {
            const std::string_view name = f->enumeration->name_of(value);
            if (!name.empty())
                return std::string(name);
        }
    }
    return std::to_string(value);
}

} // namespace ltt::viewer
