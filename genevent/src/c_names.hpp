// Names of the C macros genevent generates for the xen and kernel targets.
// Shared by the emitter and the semantic checks, so that a facility whose
// names would make two macros collide is rejected before anything is written.
#pragma once

#include <string>
#include <string_view>

namespace genevent {

std::string upper(std::string_view name);

// LTT_FACILITY_<NAME>: prefix of _CHECKSUM, _BASE, _NR_EVENTS and the guard.
std::string facility_macro(std::string_view facility);
// LTT_EV_<EVENT>: the event's channel-wide id.
std::string event_macro(std::string_view event);
// LTT_<ENUM>_<VALUE>: an enum constant.
std::string enum_value_macro(std::string_view enumeration, std::string_view value);

// First words of macro families that genevent's outputs and include/ltt/
// already use (LTT_EV_*, LTT_PKT_*, ...). An enum whose name starts with one
// of them would generate LTT_<ENUM>_<VALUE> constants inside that family.
bool enum_name_in_macro_family(std::string_view enumeration);

} // namespace genevent
