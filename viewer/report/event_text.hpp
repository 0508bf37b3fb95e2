// report/event_text.hpp - one line per event, as `ltt-view events` prints
// them (a faster babeltrace2 text output):
//
//   12.345678901 hypervisor/cpu1 runstate_change: domid=0 vcpu=1 old_state=runnable ...
//
// time since the first event of the merge (seconds; cycles when the TSC
// frequency is unknown, or the raw timestamp with `absolute`), the source's
// domain and the event's CPU (physical for the hypervisor, vCPU for guests),
// the event's name, its fields by name: enums by their value's name, hex
// fields in hex, arrays in brackets, strings quoted.
#pragma once

#include "../core/event.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace ltt::viewer {

struct event_text_style {
    std::uint64_t origin = 0;  // time 0 (the first event's timestamp)
    std::uint64_t freq_hz = 0; // 0: cycles
    bool absolute = false;     // raw timestamps instead of seconds since origin
};

void append_event_line(fmt::memory_buffer& out, const event& e, const event_text_style& style);

// What follows the time and source in a line: "name: field=value ...".
void append_event_body(fmt::memory_buffer& out, const event& e);

} // namespace ltt::viewer
