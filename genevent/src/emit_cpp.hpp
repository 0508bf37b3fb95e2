// Target `cpp`: constexpr C++ event descriptors (types from
// libltt/include/ltt/event_desc.hpp) that the viewer uses to decode records:
// <facility>.hpp per facility, namespace ltt::facilities::<layer>::<facility>,
// and facilities.hpp, which includes them all and lists the set in id order
// as ltt::facility_sets::<layer>.
#pragma once

#include "model.hpp"
#include "text.hpp"

namespace genevent {

Outputs emit_cpp(const FacilitySet& set);

} // namespace genevent
