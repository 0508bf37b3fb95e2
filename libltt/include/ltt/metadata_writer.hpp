// ltt/metadata_writer.hpp - assembles a trace's complete CTF 1.8 metadata
// (TSDL text) from the facility fragments genevent writes, in channel order,
// and the values only known at run time (uuids, TSC frequency and origin,
// host, domain). DESIGN.md sections 3 and 4.
#pragma once

#include <ltt/event_header.hpp>
#include <ltt/facility_fragment.hpp>
#include <ltt/tsc_clock.hpp>
#include <ltt/uuid.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ltt {

// HVM guests: guest_tsc = ((host_tsc * ratio) >> frac_bits) + offset.
struct guest_tsc_params {
    std::uint64_t ratio = 0;
    std::uint32_t frac_bits = 0;
    std::int64_t offset = 0;
};

using env_value = std::variant<std::int64_t, std::string>;

struct metadata_params {
    ltt::uuid trace_uuid{};         // the uuid every packet header of the trace carries
    ltt::uuid clock_uuid{};         // shared by every trace of the session
    ltt::layer domain = layer::xen; // env `domain`: domain_name(domain)
    std::uint32_t xen_domid = 0;
    std::string hostname;
    std::uint64_t tsc_hz = 0; // from Xen's physinfo, never guessed
    clock_origin origin;      // Unix time and TSC sampled together at session start
    std::optional<guest_tsc_params> guest_tsc;
    std::string creation_datetime; // env trace_creation_datetime, omitted when empty
    std::string trace_name;        // env trace_name, omitted when empty
    // More env entries (name: lower-case identifier not used above).
    std::vector<std::pair<std::string, env_value>> extra_env;
};

// Where a facility's events sit in a channel.
struct facility_slot {
    std::string name;
    ltt::layer layer = layer::xen;
    std::uint32_t checksum = 0;
    std::uint32_t base = 0;   // channel id of its local event 0
    std::uint32_t events = 0; // number of events
};

struct channel_layout {
    event_header_kind header = event_header_kind::compact;
    std::uint64_t event_count = 0;
    std::vector<facility_slot> facilities; // in channel order
};

// Bases and header kind of a channel made of these facilities, in this order.
// Throws mismatch_error on a facility named twice.
channel_layout layout_channel(std::span<const facility_fragment> fragments);

// Checksums the fragments must have, by facility name (e.g. the list the
// hypervisor reports). Facilities not named here are not checked.
using expected_checksums = std::map<std::string, std::uint32_t, std::less<>>;

// The complete metadata text, starting with `/* CTF 1.8 */`. Deterministic:
// the same inputs give the same bytes. Throws mismatch_error when a fragment
// does not belong to this domain's layer, when a checksum differs from the
// expected one (naming the facility and both checksums), or when no
// facility is given; std::invalid_argument on bad parameters.
std::string write_metadata(const metadata_params& params,
                           std::span<const facility_fragment> fragments,
                           const expected_checksums& expected = {});

// A TSDL string literal's contents for `s`: quotes and backslashes escaped,
// control characters (which no env value needs) replaced by '?'.
std::string escape_tsdl_string(std::string_view s);

} // namespace ltt
