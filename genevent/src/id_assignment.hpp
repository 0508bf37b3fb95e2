// Event ids. A channel carries the events of one layer's facilities; ids are
// given in command-line order of the facilities and document order of their
// events: facility k's base is the number of events of facilities 0..k-1 and
// its events get base + 0, base + 1, ... So a facility's local ids only
// change when its canonical form (and so its checksum) changes, and a
// channel's ids only change when the set or its order does.
#pragma once

#include "model.hpp"

namespace genevent {

// Sets Event::local_id, Facility::base and Facility::checksum.
void assign_ids(FacilitySet& set);

} // namespace genevent
