// What the schema cannot express: uniqueness, ranges, cross-references,
// per-layer rules, reserved names, and which target accepts which layer.
// Stops at the first problem (throws Diagnostic) and, when everything is
// fine, resolves each field's kind, integer type and enum.
#pragma once

#include "model.hpp"

namespace genevent {

// lttng-ust's TP_ARGS takes at most this many arguments.
inline constexpr size_t kMaxUstFields = 10;

void check_and_resolve(FacilitySet& set, Target target);

} // namespace genevent
