// ltt/descriptor_sizes.hpp - the packet reader's payload sizes from
// genevent's C++ event descriptors (ltt/event_desc.hpp), for a channel made
// of facilities in a given order (the same order as its CTF metadata).
#pragma once

#include <ltt/event_desc.hpp>
#include <ltt/payload_layout.hpp>

#include <span>

namespace ltt {

// One event's payload layout: its fields in order, strings NUL-terminated.
payload_layout layout_of(const event_desc& event);

// Payload sizes by channel id (facility base + local id, bases counted in
// the order given).
payload_sizes channel_payload_sizes(std::span<const facility_desc* const> facilities);

} // namespace ltt
