// readers/ltt/ltt_reader.hpp - the native reader of ltt-xen CTF traces: the
// stream files are mapped and walked with libltt's packet reader, payloads
// handed out in place (they are already the viewer's encoding: genevent's
// packed layout), events decoded with the descriptors compiled into the
// viewer, matched to the trace by the facility checksums in its metadata.
#pragma once

#include "../reader.hpp"

#include <filesystem>
#include <memory>
#include <stdexcept>

namespace ltt::viewer {

class class_registry;

// The trace was written by ltt-xen but with facilities this viewer was not
// built with (another version of a facility, or one it does not know): the
// generic CTF reader must read it instead (never a wrong decode).
class unknown_facility_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// True when `dir`'s metadata is ltt-xen's plain-text CTF (the native reader
// may be able to read it).
bool is_ltt_trace(const std::filesystem::path& dir);

// Opens the trace directory `dir` (its metadata and stream files).
// unknown_facility_error as above; ltt::parse_error / format_error /
// std::system_error naming the file for bad or unreadable input.
std::unique_ptr<trace_reader> open_ltt_trace(const std::filesystem::path& dir,
                                             const class_registry& classes);

} // namespace ltt::viewer
