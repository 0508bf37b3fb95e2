// time/hypervisor_time_scan.hpp - what the hypervisor trace says about its
// guests' clocks, read in a pass of its own before the merge (a guest
// event's host time must be known before it is merged, and the records
// that apply to it may come later in the hypervisor trace than the event):
// every vCPU's time_tsc_params records, and each domain's kind (PV, HVM,
// PVH) from the statedump and domain_create.
#pragma once

#include "tsc_params.hpp"

#include <cstdint>
#include <map>

namespace ltt::viewer {

class trace_reader;

// domain_guest_type of facilities/xen/domain.xml.
enum class guest_kind : std::uint8_t { pv = 0, hvm = 1, pvh = 2, system = 3 };

struct hypervisor_time_facts {
    tsc_params_table params;
    std::map<std::uint32_t, guest_kind> kinds; // by domid
};

// Reads every stream of `hypervisor` to its end (a reader opened for this
// pass only: its streams cannot be rewound) and adds what it says to
// `facts`. Events are recognised by name, so the generic CTF reader's
// classes serve as well as the native reader's.
void scan_hypervisor_time(trace_reader& hypervisor, hypervisor_time_facts& facts);

} // namespace ltt::viewer
