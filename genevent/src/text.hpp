// Small text helpers shared by the emitters: turning free-form descriptions
// into safe comment text, wrapping it, and spelling integers as literals.
#pragma once

#include "model.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace genevent {

// Description text made safe inside /* */ and // comments of any language
// genevent emits: control characters and line breaks become spaces, runs of
// white space collapse, and the comment delimiters "/*" and "*/" are broken
// up (they would end the comment or trigger -Wcomment).
std::string comment_text(std::string_view text);

// Greedy word wrap of (already comment-safe) text into lines of at most
// `width` characters; a longer word gets a line of its own.
std::vector<std::string> wrap(std::string_view text, size_t width);

// 0x0123abcd (always 8 hex digits).
std::string hex32(uint32_t value);

// A C literal of an enum value: plain decimal when it is an int (3, (-5)),
// otherwise suffixed so C gives it the enum type's signedness and width
// (4000000000u, 5000000000LL, (-9223372036854775807LL - 1)).
std::string c_enum_literal(int64_t value, IntType type);

// The files of one run: name (relative to the output directory) -> contents.
// Ordered, so that writing them is deterministic too.
struct OutputFile {
    std::string name;
    std::string contents;
};
using Outputs = std::vector<OutputFile>;

} // namespace genevent
