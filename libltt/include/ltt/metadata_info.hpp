// ltt/metadata_info.hpp - reads back what a native reader needs from the
// metadata of an ltt-xen trace (as write_metadata() writes it): the event
// header kind, the facilities with their bases and checksums (from the
// `ltt-facility` comments), the uuids, the clock and the env values. Not a
// TSDL parser: traces written by other tools go through libbabeltrace2.
#pragma once

#include <ltt/event_header.hpp>
#include <ltt/metadata_writer.hpp>
#include <ltt/tsc_clock.hpp>
#include <ltt/uuid.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ltt {

struct metadata_info {
    ltt::uuid trace_uuid{};
    ltt::uuid clock_uuid{};
    event_header_kind header = event_header_kind::compact;
    ltt::layer domain = layer::xen;
    std::uint32_t xen_domid = 0;
    std::string hostname;
    std::uint64_t tsc_hz = 0; // the clock's freq
    clock_offset offset;      // the clock's offset_s and offset
    std::optional<guest_tsc_params> guest_tsc;
    std::vector<facility_slot> facilities; // in channel order

    // The facility an event id belongs to, or nullptr.
    const facility_slot* facility_of(std::uint32_t id) const noexcept;
};

// Parses ltt-xen metadata text; ltt::parse_error ("source:line: problem") when
// it is not plain-text CTF 1.8 written by ltt-xen or misses a value.
metadata_info parse_metadata_info(std::string_view text, std::string source);

// Reads <trace_dir>/metadata.
metadata_info read_metadata_info(const std::filesystem::path& trace_dir);

} // namespace ltt
