// readers/bt2/ctf_reader.hpp - any CTF 1.8 trace, through libbabeltrace2's
// C library (the only code of the viewer that links it): LTTng kernel and
// user-space traces, ltt-xen traces the native reader cannot decode.
//
// Each of the source's streams is read on its own (no muxer: a trace whose
// streams overlap in time, which babeltrace2's muxer stops on, is read whole
// and the merge counts the overlap). Event classes come from the trace's
// metadata; events whose names and fields match a builtin class (an LTTng
// kernel irq_handler_entry is the kernel facility's) use it, the others get
// classes of their own (fields the viewer's encoding cannot hold as they are
// - structures, variants, sequences, floats - become strings). Discarded
// events and lost packets become lost_events. A clock that is not a TSC
// makes a nanosecond source (time_unit::ns), labelled as such.
#pragma once

#include "../reader.hpp"

#include <filesystem>
#include <memory>

namespace ltt::viewer {

class class_registry;

// Opens the CTF trace in directory `dir` (the one holding `metadata`).
// ltt::format_error / std::runtime_error naming the trace on bad input.
std::unique_ptr<trace_reader> open_ctf_trace(const std::filesystem::path& dir,
                                             class_registry& classes, const read_options& options);

} // namespace ltt::viewer
