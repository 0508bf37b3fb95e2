// readers/bt2/trace_source.hpp - what a CTF trace read through babeltrace2
// is, for the rest of the viewer: its source_info (layer, domain, clock)
// from the trace's env and its streams' clock class.
//
// The clock decides the time base, never mixed silently:
//   - a clock named `tsc` (ltt-xen's, when the native reader cannot decode
//     the trace) or `x86-tsc`: time_unit::tsc, timestamps are the raw cycle
//     values, the frequency and the Unix time of TSC 0 come from the clock's
//     freq and offset, so the trace merges with native ltt-xen traces;
//   - any other clock (LTTng's `monotonic`...): time_unit::ns, timestamps
//     are nanoseconds from the clock's origin with its offset applied (the
//     Unix epoch when the clock says so; a notice otherwise), labelled
//     with the clock's name.
// Layer: env `domain` ("kernel", "ust", ltt-xen's "hypervisor"); a trace
// that does not say (not LTTng) is taken as user space. Domain name:
// ltt-xen's own naming for ltt-xen traces (hypervisor, dom0, domU-N),
// otherwise env `hostname`, else the directory's name.
#pragma once

#include "../../core/event.hpp"

#include <babeltrace2/babeltrace.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace ltt::viewer::bt2 {

struct trace_description {
    source_info source;
    // Facility of the trace's own classes: env `trace_name`, else
    // babeltrace2's trace name (LTTng: the hostname), else the directory's.
    std::string facility;
    bool lttng_kernel = false; // written by lttng-modules
};

// `clocks`: the default clock class of each stream (none null, at least
// one). bt2_error when they cannot share one time base.
trace_description describe_trace(const std::filesystem::path& dir, const bt_trace* trace,
                                 std::span<const bt_clock_class* const> clocks);

// A clock snapshot on the trace's time base (describe_trace's unit).
// bt2_error when it cannot be represented (before the origin, overflow).
std::uint64_t timestamp_of(const bt_clock_snapshot* snapshot, time_unit unit);

} // namespace ltt::viewer::bt2
