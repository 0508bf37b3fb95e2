// packet_body_check.hpp - the events of a packet from memory lttd does not
// trust (a domU's buffers, which the guest may rewrite at any time), walked
// before the packet is written.
//
// trace_output checks every packet's header; a header that is right over a
// body that is not (an unknown event id, a string without its NUL, a record
// running past the content, time going backwards) still makes a stream that
// babeltrace2 refuses, and babeltrace2 then refuses the whole session,
// dom0's and the hypervisor's traces included. So for such channels every
// record is decoded with libltt's packet_reader, against genevent's
// descriptors of the channel's facilities, over lttd's own copy of the
// packet. Sources whose memory lttd trusts (Xen, directories) skip it: it
// costs a pass over every byte.
#pragma once

#include "source.hpp"

#include <ltt/event_header.hpp>
#include <ltt/payload_layout.hpp>
#include <ltt/uuid.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

namespace lttd {

// The channel's bodies cannot be checked: one of its facilities is not one
// this lttd was built with (name and checksum), or its base or event count
// differs from the descriptors'. We cannot validate what we cannot decode.
class body_check_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class packet_body_check {
public:
    // The payload layouts of `channel`'s events, from the built-in
    // descriptors of its layer. body_check_error naming the facility.
    explicit packet_body_check(const channel_info& channel);

    // What is wrong with the events of `packet` (one whole packet, header
    // included, as written to the stream), or nullopt when every record
    // decodes, lies within the content and between timestamp_begin and
    // timestamp_end in order. The message gives the byte offset in the
    // packet and the problem.
    std::optional<std::string> check(std::span<const std::byte> packet);

    // Records walked by the last successful check(), for tests and benches.
    std::size_t last_records() const noexcept { return last_records_; }

private:
    ltt::uuid uuid_;
    ltt::event_header_kind header_;
    ltt::payload_sizes sizes_;
    std::size_t last_records_ = 0;
};

} // namespace lttd
