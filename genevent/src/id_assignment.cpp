#include "id_assignment.hpp"

#include "checksum.hpp"

namespace genevent {

void assign_ids(FacilitySet& set) {
    uint32_t base = 0;
    for (Facility& facility : set.facilities) {
        facility.base = base;
        uint32_t local = 0;
        for (Event& event : facility.events) {
            event.local_id = local++;
        }
        base += local;
        facility.checksum = checksum(facility);
    }
}

} // namespace genevent
