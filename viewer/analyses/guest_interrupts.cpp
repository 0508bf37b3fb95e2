#include "guest_interrupts.hpp"

#include "../core/event_class.hpp"
#include "../core/payload.hpp"

namespace ltt::viewer {

guest_interrupts::guest_interrupts(const analysis_context& context) : context_(context) {
    inject_ = context.classes->find(ltt::layer::xen, "hvm_intr_inject");
    fields_ = vcpu_fields::of(inject_);
    if (inject_ != nullptr)
        f_vector_ = *inject_->field_index("vector");
}

void guest_interrupts::on_event(const event& e) {
    if (e.cls == nullptr || e.cls != inject_)
        return;
    ++counts_[{event_vcpu(e, fields_, context_.cpus), unsigned_at(*e.cls, e.payload, f_vector_)}];
}

result guest_interrupts::finish() {
    result r;
    r.name = "guest_interrupts";
    r.title = "Interrupts injected into HVM guests";
    table t{"guest_interrupt_vectors",
            "Per domain and vCPU: injected interrupt vectors",
            {{"domain", "domain", unit::id},
             {"vcpu", "vcpu", unit::id},
             {"vector", "vector", unit::id},
             {"count", "count", unit::count}},
            {},
            {}};
    for (const auto& [key, n] : counts_) {
        const auto& [v, vector] = key;
        t.rows.push_back({domain_cell(v), vcpu_cell(v), vector, n});
    }
    r.tables = {std::move(t)};
    return r;
}

} // namespace ltt::viewer
