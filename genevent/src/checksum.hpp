// A facility's identity: the canonical text of everything that affects the
// binary layout of its records and the identity of its events, and the CRC-32
// of that text. Descriptions, locations and display hints are left out, so
// editing documentation never changes a checksum; reordering, renaming or
// retyping anything does.
#pragma once

#include "model.hpp"

#include <cstdint>
#include <string>

namespace genevent {

// One item per line, each '\n'-terminated:
//   facility <name> <layer>
//   enum <name> <type>            (each enum, document order)
//   value <name> <value>          (its values, document order)
//   event <name>                  (each event, document order)
//   field <name> <type|enum:NAME> <length, 1 for scalars>
// Needs a resolved facility (after check_and_resolve).
std::string canonical_form(const Facility& facility);

// zlib's crc32 of canonical_form().
uint32_t checksum(const Facility& facility);

} // namespace genevent
