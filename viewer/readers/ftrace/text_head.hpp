// readers/ftrace/text_head.hpp - what the beginning of an ftrace text file
// says: its header, and the form of its timestamps (from its first event
// line), which decides the clock before any event is read.
#pragma once

#include "text_line.hpp"

#include <filesystem>
#include <optional>

namespace ltt::viewer {

struct text_head {
    trace_header header;
    // The form of the first event line's timestamp; nullopt when no event
    // line was found within the lines looked at.
    std::optional<timestamp_form> form;
};

// Reads up to `max_lines` lines, stopping at the first event line. Throws
// what line_reader throws, and ltt::parse_error for a malformed header or
// first event line.
text_head read_text_head(const std::filesystem::path& file, std::size_t max_lines);

} // namespace ltt::viewer
