// readers/open.hpp - from the paths a user gives to the streams to merge.
//
// Each path is recognised by its content, not its name:
//   - a directory with index.json: an ltt-xen session, read whole (every
//     trace under it: hypervisor/, dom0/kernel/, domU-N/kernel/, ust/...);
//   - a directory with `metadata`: one CTF trace (ltt-xen's native reader
//     when it can, libbabeltrace2 otherwise, with a one-line notice);
//   - another directory: every CTF trace found under it (as babeltrace2 does);
//   - a file: xentrace binary, ftrace text (plain or gzip'd), trace-cmd .dat.
// Then what the sources could not know alone is filled in (a TSC frequency
// from --cpu-hz or from another source on the same TSC), and the sources
// must share one time base: TSC sources merge with TSC sources, nanosecond
// ones with nanosecond ones, never silently mixed.
#pragma once

#include "reader.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ltt::viewer {

class class_registry;

// A path that is not a trace, or inputs that cannot be read together.
class input_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct opened_inputs {
    std::vector<std::unique_ptr<trace_reader>> readers;
    std::vector<event_stream*> streams; // every reader's, with merge indices set
    time_unit unit = time_unit::tsc;    // the one time base of them all
    std::uint64_t freq_hz = 0;          // cycles per second of that base (0: unknown)
    std::vector<std::string> notices;   // every source's, prefixed with its path
};

opened_inputs open_inputs(const std::vector<std::string>& paths, class_registry& classes,
                          const read_options& options);

} // namespace ltt::viewer
