// facility_catalog.hpp - the CTF declarations of a channel's facilities,
// found in the directories genevent's `ctf` target wrote, checked against
// the checksums, event counts and bases the producer announced, and the
// event names `enable`/`disable` accept.
#pragma once

#include "source.hpp"

#include <ltt/facility_fragment.hpp>
#include <ltt/metadata_writer.hpp>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lttd {

// A facility cannot be described: missing fragment, checksum mismatch...
class catalog_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class facility_catalog {
public:
    // Looks for each facility as <dir>/<layer>/<name>.tsdl, then
    // <dir>/<name>.tsdl, in each directory in turn.
    facility_catalog(const channel_info& channel, const std::vector<std::filesystem::path>& dirs);

    // The complete metadata; params.domain etc. come from the caller.
    std::string metadata(const ltt::metadata_params& params) const;

    // Event ids named by `pattern`: "*" (all), a facility name, an event name,
    // or "facility:event". catalog_error naming what is unknown or ambiguous.
    std::vector<std::uint32_t> resolve(std::string_view pattern) const;

    std::uint64_t event_count() const noexcept { return names_.size(); }
    // "facility:event" of a channel event id.
    const std::string& event_name(std::uint32_t id) const { return names_.at(id); }

private:
    std::vector<ltt::facility_fragment> fragments_;
    std::vector<ltt::facility_slot> slots_;
    ltt::expected_checksums expected_;
    std::vector<std::string> names_; // by channel id
};

} // namespace lttd
