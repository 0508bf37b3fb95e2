// readers/bt2/field_text.hpp - a babeltrace2 field as text.
//
// The viewer's payload encoding holds integers and strings only
// (core/event_class.hpp). Fields a CTF trace may carry beyond that -
// structures, variants, sequences and arrays, options, floating point
// numbers - become one string field holding their text, in the spirit of
// babeltrace2's pretty output: `{ a = 1, b = "x" }`, `[ 1, 2 ]`, `1.5`,
// enumerations as `LABEL(value)`. Readable and filterable as text, never
// a wrong number.
#pragma once

#include <babeltrace2/babeltrace.h>

#include <string>

namespace ltt::viewer::bt2 {

// Appends the text of `field` to `out`.
void append_field_text(std::string& out, const bt_field* field);

// The labels of the mappings of an enumeration field's value, joined by
// "|" (none: empty).
void append_enum_labels(std::string& out, const bt_field* field);

} // namespace ltt::viewer::bt2
