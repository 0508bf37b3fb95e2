// analyses/guest_interrupts.hpp - interrupt vectors injected into HVM
// guests (hvm_intr_inject) per domain and vCPU: how many of each vector,
// xenalyze's "Guest interrupt counts". The vCPU is the one the event names,
// or the one running on its physical CPU when it was not recorded.
#pragma once

#include "analysis.hpp"
#include "xen_vcpu.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <tuple>

namespace ltt::viewer {

class guest_interrupts final : public analysis {
public:
    explicit guest_interrupts(const analysis_context& context);
    std::string_view name() const noexcept override { return "guest_interrupts"; }
    void on_event(const event& e) override;
    result finish() override;

private:
    analysis_context context_;
    const event_class* inject_ = nullptr;
    vcpu_fields fields_;
    std::size_t f_vector_ = 0;
    std::map<std::tuple<std::optional<vcpu_id>, std::uint64_t>, std::uint64_t> counts_;
};

} // namespace ltt::viewer
