// Target `ust`: an lttng-ust 2.13 tracepoint provider per facility, so a
// program instrumented with it is traced by the real LTTng tools:
// <facility>-tp.h (TRACEPOINT_EVENT declarations, provider = facility name)
// and <facility>-tp.c (instantiates the probes; compile and link it into the
// program, or into a probe library, with -llttng-ust -ldl).
#pragma once

#include "model.hpp"
#include "text.hpp"

namespace genevent {

Outputs emit_ust(const FacilitySet& set);

} // namespace genevent
