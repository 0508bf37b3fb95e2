// readers/bt2/init_probe.hpp - src.ctf.fs opened in a child process first.
//
// babeltrace2 2.0.4 aborts the whole process on some bad input instead of
// returning an error - a packet whose packet_size or content_size field has
// its top bit set fails an assertion (msg-iter.c, "set_current_packet_content
// _sizes") while src.ctf.fs indexes a trace's packets - and loops forever,
// allocating, on a packet whose packet_size is 0. Opening (which reads the
// metadata and every packet's header and context) is therefore tried in a
// forked child first, with limits on its CPU time (a budget that grows with
// the trace's size, in CPU seconds so that a busy host does not shrink it)
// and on its heap (RLIMIT_DATA; under a sanitizer, which maps its shadow
// memory as data, an allocation hook); a child killed by a signal or over
// a limit becomes an error of ours, with what babeltrace2 printed. The
// child shares the parent's loaded plugin (fork), exits with _exit, and
// costs one more indexing of the trace - small next to reading its events.
// The opener must hold no lock another thread may want in the child:
// ltt-view is single-threaded; its fuzzer has libFuzzer's RSS thread too,
// which only sleeps and calls getrusage.
#pragma once

#include <babeltrace2/babeltrace.h>

#include <cstdint>
#include <string>

namespace ltt::viewer::bt2 {

struct probe_result {
    bool opened = false;   // src.ctf.fs initialised
    bool crashed = false;  // the child died (an assertion, a fault, a limit)
    bool too_long = false; // it used up its CPU time
    bool too_big = false;  // it went over its heap limit (child_heap_mib())
    std::string output;    // what the child wrote on stderr (its last 4 KiB)
};

// Adds src.ctf.fs (class `fs`) with `params` to a graph in a child process.
// A result with neither flag set: it failed normally (the parent, doing the
// same, gets babeltrace2's causes). When no child can be made, the result
// says it opened (the caller goes on without the safety net).
// `cpu_seconds` bounds the child's CPU time.
probe_result probe_in_child(const bt_component_class_source* fs, const bt_value* params,
                            unsigned cpu_seconds);

// The CPU time opening a trace of `stream_bytes` may take: far more than
// babeltrace2 needs to index packets on any machine, far less than forever.
// Scaled by cpu_budget_factor().
unsigned opening_cpu_budget(std::uint64_t stream_bytes);

// How many times the budget a build gives: 1, and 5 under a sanitizer
// (which slows babeltrace2's indexing down several times).
unsigned cpu_budget_factor();

// The heap a child may use, in MiB.
unsigned child_heap_mib();

// The lines of a child's output that say why it died ("...: Assertion `...'
// failed."), joined; the last line when none matches.
std::string crash_reason(const std::string& output);

} // namespace ltt::viewer::bt2
