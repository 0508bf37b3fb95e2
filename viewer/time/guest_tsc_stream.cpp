#include "guest_tsc_stream.hpp"

namespace ltt::viewer {

guest_tsc_stream::guest_tsc_stream(event_stream& inner,
                                   const std::map<std::uint32_t, vcpu_tsc_map>& vcpus)
    : inner_(inner), vcpus_(vcpus) {
    // Same name, source and merge index: ties order as they did.
    info_ = inner.info();
}

bool guest_tsc_stream::next(event& out) {
    if (!inner_.next(out))
        return false;
    // Streams are per vCPU: the lookup is cached across events.
    if (cached_ == nullptr || out.cpu != cached_cpu_) {
        const auto it = vcpus_.find(out.cpu);
        cached_ = it == vcpus_.end() ? nullptr : &it->second;
        cached_cpu_ = out.cpu;
    }
    if (cached_ == nullptr) {
        ++unconverted_;
        return true;
    }
    out.ts = cached_->to_host(out.ts);
    return true;
}

} // namespace ltt::viewer
