// lttd/channel_file.hpp - channel.json, the first file of a directory source:
// what a producer's per-CPU buffers hold and how they are laid out. The
// producer writes it (atomically, before any buffer file); lttd reads it,
// validates every field and checks each buffer file against it.
//
//   {
//     "format": "ltt-xen-channel", "version": 1,
//     "name": "ltt-stress",            channel (program) name, [a-z0-9_-]
//     "domain": "ust",                 "ust" or "kernel"
//     "xen_domid": 0,                  kernel channels: 0 = dom0 (optional)
//     "pid": 1234,                     the producer's process id
//     "tsc_hz": 2400000000,
//     "uuid": "8-4-4-4-12",            the trace uuid every packet carries
//     "mode": "discard",               or "overwrite"
//     "header": "compact",             or "large" (from the event count)
//     "subbuf_order": 12,              log2 of the sub-buffer size
//     "subbuf_count": 4,               sub-buffers per CPU, a power of two
//     "facilities": [                  in channel order
//       {"name": "ltt_stress", "layer": "ust", "checksum": "0x1234abcd",
//        "base": 0, "events": 3}
//     ]
//   }
#pragma once

#include <ltt/ring_mode.hpp>

#include <ltt/event_header.hpp>
#include <ltt/metadata_writer.hpp>
#include <ltt/uuid.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lttd {

// A channel.json that is not valid: the message names the file (when read
// from one) and the field, e.g. "dir/channel.json: subbuf_order: 30 is
// outside [9, 26]".
class channel_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct channel_file {
    std::string name;
    ltt::layer domain = ltt::layer::ust;
    std::uint32_t xen_domid = 0;
    std::int64_t pid = 0;
    std::uint64_t tsc_hz = 0;
    ltt::uuid uuid{};
    ltt::ring_mode mode = ltt::ring_mode::discard;
    ltt::event_header_kind header = ltt::event_header_kind::compact;
    std::uint32_t subbuf_order = 0;
    std::uint32_t subbuf_count = 0;
    std::vector<ltt::facility_slot> facilities;

    std::uint32_t nr_subbufs_order() const noexcept;
    std::uint64_t subbuf_size() const noexcept { return std::uint64_t{1} << subbuf_order; }
    std::uint64_t event_count() const noexcept;
};

inline constexpr std::uint64_t channel_file_max_bytes = 1 << 20;

nlohmann::json to_json(const channel_file& channel);

// Validates everything (types, ranges, the facilities' bases follow each
// other from 0, the header kind matches the event count, the layers match the
// domain, no unknown keys); throws channel_error "field: problem".
channel_file channel_from_json(const nlohmann::json& json);

// Parses text; channel_error "source: problem".
channel_file parse_channel_text(std::string_view text, std::string_view source);

// Reads and parses a file (at most channel_file_max_bytes); channel_error
// "path: problem", including for a missing or unreadable file.
channel_file read_channel_file(const std::filesystem::path& path);

// Writes the file atomically (temporary + rename), as a producer must, so a
// reader never sees half of it. std::system_error naming the path.
void write_channel_file(const std::filesystem::path& path, const channel_file& channel);

} // namespace lttd
