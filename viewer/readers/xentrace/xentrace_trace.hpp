// readers/xentrace/xentrace_trace.hpp - Xen's xentrace binary files as a
// source of per-CPU streams (one per physical CPU, found through the file's
// CPU-change windows, so memory does not grow with the file).
//
// Records ltt-xen has a facility for become those builtin events (a runstate
// change record is the xen runstate_change event; mapping in
// xentrace_mapping.hpp, encoding in xentrace_encode.hpp); the others become
// classes of facility `xentrace` named from Xen's formats file with their
// data words as u32 fields (xentrace_formats.hpp); ids nothing names are
// `unknown` events carrying the raw id and words, counted in a notice.
// Lost-records records become lost_events (count, and the interval from the
// first lost record's TSC to the report), buffer-wrap records `wrap_buffer`
// events. Records without a TSC take the time of the previous record of
// their CPU (a CPU's first records, its first TSC). The whole file is
// checked when it is opened (xentrace_scan.hpp), so a bad file is refused
// with the offset of the problem before anything is shown. The TSC
// frequency comes from --cpu-hz or a hypervisor trace of the same session;
// when neither is known the source says so and times stay in cycles.
#pragma once

#include "../reader.hpp"

#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace ltt::xentrace {
class formats;
}

namespace ltt::viewer {

class class_registry;

// True when the file starts like a xentrace file (a CPU-change record).
bool is_xentrace_file(const std::filesystem::path& file);

std::unique_ptr<trace_reader> open_xentrace_file(const std::filesystem::path& file,
                                                 class_registry& classes,
                                                 const read_options& options);

// The same over bytes already in memory, which must outlive the reader;
// `name` names them in errors and notices; `names` is Xen's formats file,
// already read (it must outlive the reader too; null: none), in place of
// options.xentrace_formats (the fuzzer reads this way).
std::unique_ptr<trace_reader> open_xentrace_bytes(std::span<const std::byte> bytes,
                                                  const std::string& name, class_registry& classes,
                                                  const read_options& options,
                                                  const ltt::xentrace::formats* names);

} // namespace ltt::viewer
