// ltt/layer.hpp - where events come from: the hypervisor, a Linux kernel
// (dom0 or a domU) or a user-space program. One name for the idea across
// genevent (a facility's `layer` attribute), the descriptors the viewer
// decodes with, the CTF metadata (`env.domain`) and index.json.
//
// Header-only and constexpr so genevent and the generated descriptors can
// use it without linking libltt.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ltt {

enum class layer : std::uint8_t { xen, kernel, ust };

// "xen", "kernel", "ust": the facility XML's layer attribute.
constexpr std::string_view to_string(layer l) noexcept {
    switch (l) {
    case layer::xen:
        return "xen";
    case layer::kernel:
        return "kernel";
    case layer::ust:
        return "ust";
    }
    return "?";
}

// "hypervisor", "kernel", "ust": a trace's env `domain` value and the
// layer's directory in a session (DESIGN.md section 3).
constexpr std::string_view domain_name(layer l) noexcept {
    return l == layer::xen ? std::string_view{"hypervisor"} : to_string(l);
}

constexpr std::optional<layer> parse_layer(std::string_view text) noexcept {
    for (const layer l : {layer::xen, layer::kernel, layer::ust}) {
        if (text == to_string(l))
            return l;
    }
    return std::nullopt;
}

constexpr std::optional<layer> layer_from_domain_name(std::string_view text) noexcept {
    for (const layer l : {layer::xen, layer::kernel, layer::ust}) {
        if (text == domain_name(l))
            return l;
    }
    return std::nullopt;
}

} // namespace ltt
