#include "cpu_tracker.hpp"

#include "../core/payload.hpp"

namespace ltt::viewer {

cpu_tracker::cpu_tracker(const class_registry& classes)
    : runstate_change_(classes.find(ltt::layer::xen, "runstate_change")),
      continue_running_(classes.find(ltt::layer::xen, "runstate_continue_running")),
      statedump_vcpu_(classes.find(ltt::layer::xen, "domain_statedump_vcpu")) {
    if (runstate_change_ != nullptr) {
        f_domid_ = *runstate_change_->field_index("domid");
        f_vcpu_ = *runstate_change_->field_index("vcpu");
        f_new_ = *runstate_change_->field_index("new_state");
    }
    if (statedump_vcpu_ != nullptr) {
        f_sd_dom_ = *statedump_vcpu_->field_index("dom_id");
        f_sd_vcpu_ = *statedump_vcpu_->field_index("vcpu");
        f_sd_cpu_ = *statedump_vcpu_->field_index("processor");
        f_sd_state_ = *statedump_vcpu_->field_index("runstate");
    }
    if (continue_running_ != nullptr) {
        f_continue_domid_ = *continue_running_->field_index("domid");
        f_continue_vcpu_ = *continue_running_->field_index("vcpu");
    }
}

void cpu_tracker::update(const event& e) {
    if (e.cls == nullptr)
        return;
    if (e.cls == runstate_change_ && runstate_change_ != nullptr) {
        const vcpu_id v{static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_domid_)),
                        static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_vcpu_))};
        set(v, static_cast<runstate>(unsigned_at(*e.cls, e.payload, f_new_)), e.cpu, e.ts);
    } else if (e.cls == continue_running_ && continue_running_ != nullptr) {
        // The vCPU keeps running on this CPU: it ran there (a trace that
        // starts while it runs learns it here).
        const vcpu_id v{
            static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_continue_domid_)),
            static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_continue_vcpu_))};
        const auto it = states_.find(v);
        if (it == states_.end() || it->second.state != runstate::running || pcpu_of(v) != e.cpu)
            set(v, runstate::running, e.cpu, e.ts);
    } else if (e.cls == statedump_vcpu_ && statedump_vcpu_ != nullptr) {
        // Only for vCPUs the trace has said nothing of yet: the statedump is
        // written from one CPU while the others go on, so for a vCPU that
        // changed state already, its own changes are the better word.
        const vcpu_id v{static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_sd_dom_)),
                        static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_sd_vcpu_))};
        if (!states_.contains(v))
            set(v, static_cast<runstate>(unsigned_at(*e.cls, e.payload, f_sd_state_)),
                static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_sd_cpu_)), e.ts);
    }
}

void cpu_tracker::set(vcpu_id v, runstate to, std::uint32_t pcpu, std::uint64_t ts) {
    states_[v] = {to, ts};
    if (to == runstate::running) {
        if (pcpu >= running_.size())
            running_.resize(pcpu + 1);
        running_[pcpu] = v;
        where_[v] = pcpu;
    } else if (const auto it = where_.find(v); it != where_.end()) {
        if (it->second < running_.size() && running_[it->second] == v)
            running_[it->second].reset();
        where_.erase(it);
    }
}

std::optional<vcpu_id> cpu_tracker::running_on(std::uint32_t pcpu) const {
    return pcpu < running_.size() ? running_[pcpu] : std::nullopt;
}

std::optional<cpu_tracker::vcpu_state> cpu_tracker::state_of(vcpu_id v) const {
    const auto it = states_.find(v);
    return it == states_.end() ? std::nullopt : std::optional(it->second);
}

std::optional<std::uint32_t> cpu_tracker::pcpu_of(vcpu_id v) const {
    const auto it = where_.find(v);
    return it == where_.end() ? std::nullopt : std::optional(it->second);
}

} // namespace ltt::viewer
