// Target `ctf`: <facility>.tsdl, the TSDL event declarations of a facility.
// libltt assembles them into a trace's metadata (adding trace, clock and
// stream blocks, and rewriting each `\tid = N;` line to base + N), so the
// layout of this file is a contract: see genevent/README.md.
#pragma once

#include "model.hpp"
#include "text.hpp"

namespace genevent {

Outputs emit_ctf(const FacilitySet& set);

} // namespace genevent
