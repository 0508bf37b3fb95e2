// Names a facility may not use for anything (facility, enum, value, event or
// field), because the generated C, C++, lttng-ust or CTF code would not
// compile, would not parse, or would silently mean something else.
#pragma once

#include <optional>
#include <string_view>

namespace genevent {

// Why `name` is reserved ("a C keyword", "a CTF reserved word", ...), or
// nullopt when it is free.
std::optional<std::string_view> reserved_reason(std::string_view name);

} // namespace genevent
