// tests/babeltrace2_reference.hpp - what babeltrace2 itself (the CLI, run
// as a separate program) says about a CTF trace: the figures ltt-view's
// generic CTF reader must reproduce, computed without any of ltt-view's code.
//
// The graph is src.ctf.fs with each of its ports connected straight to its
// own sink.text.pretty writing to its own file - no muxer, which stops on
// traces whose packets overlap (testdata/SOURCES.md, vm-scp). Events are the
// files' lines; losses are the "Tracer discarded N events|packets" and
// "Tracer may have discarded events" warnings pretty prints on stderr.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ltt::viewer::test {

struct babeltrace2_figures {
    std::vector<std::string> ports;      // src.ctf.fs's output port names
    std::uint64_t events = 0;            // event messages, every stream
    std::uint64_t discarded_events = 0;  // the counts of "Tracer discarded N events"
    std::uint64_t discarded_packets = 0; // the counts of "Tracer discarded N packets"
    std::uint64_t unknown_discards = 0;  // "Tracer may have discarded events" warnings
    // Events whose timestamp is earlier than the previous event of the same
    // stream (what ltt-view's merge counts as out of order).
    std::uint64_t events_backwards = 0;
    // The first event's time of each stream that has events, sorted: Unix
    // ns (clock-seconds), or raw clock values with `cycles`.
    std::vector<std::uint64_t> first_times;
};

// Runs `babeltrace2` (the BABELTRACE2 program) on the CTF trace `trace`;
// `work` is a scratch directory; `cycles`: times as raw clock values.
// Throws std::runtime_error when babeltrace2 fails.
babeltrace2_figures babeltrace2_reference(const std::string& babeltrace2,
                                          const std::filesystem::path& trace,
                                          const std::filesystem::path& work, bool cycles = false);

// A port name as a literal in the CLI's --connect port glob.
std::string escape_port_glob(const std::string& name);

} // namespace ltt::viewer::test
