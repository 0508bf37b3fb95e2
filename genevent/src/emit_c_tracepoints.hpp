// Targets `xen` and `kernel`: C tracepoint headers built on
// include/ltt/tracepoint.h, one <facility>.h per facility and the channel's
// registry ltt-facilities.h. Both targets share the record-writing code; the
// kernel one additionally pins the writer to its CPU (Linux code is
// preemptible, Xen code is not).
#pragma once

#include "model.hpp"
#include "text.hpp"

namespace genevent {

Outputs emit_c_tracepoints(const FacilitySet& set, Target target);

} // namespace genevent
