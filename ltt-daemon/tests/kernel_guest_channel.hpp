// kernel_guest_channel.hpp - the channel of a guest's kernel trace as lttd
// sees it from the guests source (untrusted packet bodies), with genevent's
// kernel facilities in their build order: what the body check's fuzzer and
// benchmark run against. Header-only: the fuzzer is compiled by its own
// command (ltt-daemon/fuzz/CMakeLists.txt), not as a CMake target.
#pragma once

#include "source.hpp"

#include <ltt/descriptor_sizes.hpp>

#include <kernel/facilities.hpp>

#include <cstdint>
#include <string>

namespace lttd::testing {

inline channel_info kernel_guest_channel() {
    channel_info ch;
    ch.domain = ltt::layer::kernel;
    for (std::size_t i = 0; i < ch.uuid.size(); i++)
        ch.uuid[i] = static_cast<std::uint8_t>(0x40 + i);
    std::uint32_t base = 0;
    for (const ltt::facility_desc* f : ltt::facility_sets::kernel) {
        const auto events = static_cast<std::uint32_t>(f->events.size());
        ch.facilities.push_back({std::string(f->name), f->layer, f->checksum, base, events});
        base += events;
    }
    ch.header = ltt::header_kind_for(base);
    ch.untrusted_bodies = true;
    return ch;
}

} // namespace lttd::testing
