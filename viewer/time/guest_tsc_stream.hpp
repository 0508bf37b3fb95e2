// time/guest_tsc_stream.hpp - a guest kernel's stream with its timestamps
// on the host TSC: each event's raw guest TSC goes through its vCPU's
// tsc_params before the merge sees it (the merge orders by host TSC).
//
// The vCPU is the event's cpu (a guest trace has a stream per vCPU). An
// event of a vCPU without parameters keeps its timestamp (counted). The
// payloads are untouched: a loss report's begin/end stay guest time.
#pragma once

#include "tsc_params.hpp"

#include "../readers/reader.hpp"

#include <cstdint>
#include <map>

namespace ltt::viewer {

class guest_tsc_stream final : public event_stream {
public:
    // `vcpus`: the domain's converters by vCPU id.
    guest_tsc_stream(event_stream& inner, const std::map<std::uint32_t, vcpu_tsc_map>& vcpus);

    bool next(event& out) override;

    std::uint64_t unconverted() const noexcept { return unconverted_; }

private:
    event_stream& inner_;
    const std::map<std::uint32_t, vcpu_tsc_map>& vcpus_;
    std::uint32_t cached_cpu_ = 0;
    const vcpu_tsc_map* cached_ = nullptr; // cached_cpu_'s converter
    std::uint64_t unconverted_ = 0;
};

} // namespace ltt::viewer
