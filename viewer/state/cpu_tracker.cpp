#include "cpu_tracker.hpp"

#include "../core/payload.hpp"

namespace ltt::viewer {

namespace {
constexpr std::uint64_t runstate_running = 0; // RUNSTATE_running
}

cpu_tracker::cpu_tracker(const class_registry& classes)
    : runstate_change_(classes.find(ltt::layer::xen, "runstate_change")),
      continue_running_(classes.find(ltt::layer::xen, "runstate_continue_running")) {
    if (runstate_change_ != nullptr) {
        f_domid_ = *runstate_change_->field_index("domid");
        f_vcpu_ = *runstate_change_->field_index("vcpu");
        f_new_ = *runstate_change_->field_index("new_state");
    }
    if (continue_running_ != nullptr) {
        f_continue_domid_ = *continue_running_->field_index("domid");
        f_continue_vcpu_ = *continue_running_->field_index("vcpu");
    }
}

void cpu_tracker::update(const event& e) {
    if (e.cls == nullptr)
        return;
    vcpu_id v;
    bool running = false;
    if (e.cls == runstate_change_) {
        v = {static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_domid_)),
             static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_vcpu_))};
        running = unsigned_at(*e.cls, e.payload, f_new_) == runstate_running;
    } else if (e.cls == continue_running_) {
        // The vCPU keeps running on this CPU: it ran there (a trace that
        // starts while it runs learns it here).
        v = {static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_continue_domid_)),
             static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f_continue_vcpu_))};
        running = true;
    } else {
        return;
    }
    if (running) {
        if (e.cpu >= running_.size())
            running_.resize(e.cpu + 1);
        running_[e.cpu] = v;
        where_[v] = e.cpu;
    } else if (const auto it = where_.find(v); it != where_.end()) {
        if (it->second < running_.size() && running_[it->second] == v)
            running_[it->second].reset();
        where_.erase(it);
    }
}

std::optional<vcpu_id> cpu_tracker::running_on(std::uint32_t pcpu) const {
    return pcpu < running_.size() ? running_[pcpu] : std::nullopt;
}

std::optional<std::uint32_t> cpu_tracker::pcpu_of(vcpu_id v) const {
    const auto it = where_.find(v);
    return it == where_.end() ? std::nullopt : std::optional(it->second);
}

} // namespace ltt::viewer
