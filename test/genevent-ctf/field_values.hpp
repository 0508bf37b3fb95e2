// Known field values for the test: for each event and round, a payload
// encoded as genevent declares it (packed little-endian integers, NUL-
// terminated strings) and the text babeltrace2's pretty sink prints for it.
// Rounds walk every field through its extremes: minimum (negative for
// signed), maximum, a bit pattern, small values; enums through their labels
// (and one unmapped value); strings through empty, long, plain and UTF-8.
#pragma once

#include "tsdl_fields.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace ctf_test {

inline constexpr unsigned rounds = 4;

struct field_text {
    std::string name; // as babeltrace2 shows it (leading underscore removed)
    std::string value;
};

struct event_instance {
    std::vector<std::byte> payload;
    std::vector<field_text> fields;
};

event_instance make_instance(const event_decl& event, unsigned round);

// `{ a = 1, b = "x" }` (or `{ }`), as babeltrace2's pretty sink prints a payload.
std::string render_payload(const std::vector<field_text>& fields);

} // namespace ctf_test
