#include "facility_catalog.hpp"

#include <ltt/errors.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <system_error>

namespace lttd {

facility_catalog::facility_catalog(const channel_info& channel,
                                   const std::vector<std::filesystem::path>& dirs) {
    if (dirs.empty())
        throw catalog_error("no facility directory to look in (create --facilities DIR)");
    for (const auto& slot : channel.facilities) {
        const std::string file = slot.name + ".tsdl";
        const std::string layer(ltt::to_string(slot.layer));
        std::filesystem::path found;
        std::vector<std::string> tried;
        for (const auto& dir : dirs) {
            for (const auto& candidate : {dir / layer / file, dir / file}) {
                std::error_code ec;
                if (std::filesystem::is_regular_file(candidate, ec)) {
                    found = candidate;
                    break;
                }
                tried.push_back(candidate.string());
            }
            if (!found.empty())
                break;
        }
        if (found.empty())
            throw catalog_error(fmt::format("facility {}: no CTF declarations found (tried {})",
                                            slot.name, fmt::join(tried, ", ")));
        ltt::facility_fragment frag;
        try {
            frag = ltt::load_fragment(found);
        } catch (const ltt::parse_error& e) {
            throw catalog_error(e.what());
        } catch (const std::system_error& e) {
            throw catalog_error(e.what());
        }
        // DESIGN.md section 5: never describe a facility whose checksum is
        // not the one the producer was built with.
        if (frag.name != slot.name)
            throw catalog_error(fmt::format("{}: declares facility {}, not {}", found.string(),
                                            frag.name, slot.name));
        if (frag.layer != slot.layer)
            throw catalog_error(fmt::format("{}: facility {} has layer {}, the channel says {}",
                                            found.string(), slot.name, ltt::to_string(frag.layer),
                                            ltt::to_string(slot.layer)));
        if (frag.checksum != slot.checksum)
            throw catalog_error(fmt::format(
                "facility {}: checksum mismatch: the producer was built with {}, but {} has {} "
                "(rebuild one of them from the same XML)",
                slot.name, ltt::format_checksum(slot.checksum), found.string(),
                ltt::format_checksum(frag.checksum)));
        if (frag.events.size() != slot.events)
            throw catalog_error(fmt::format("facility {}: {} has {} events, the producer says {}",
                                            slot.name, found.string(), frag.events.size(),
                                            slot.events));
        expected_[slot.name] = slot.checksum;
        fragments_.push_back(std::move(frag));
    }
    ltt::channel_layout layout;
    try {
        layout = ltt::layout_channel(fragments_);
    } catch (const ltt::mismatch_error& e) {
        throw catalog_error(e.what());
    }
    if (layout.header != channel.header)
        throw catalog_error(fmt::format("the channel's event header is {}, but its {} events "
                                        "need {}",
                                        ltt::to_string(channel.header), layout.event_count,
                                        ltt::to_string(layout.header)));
    slots_ = layout.facilities;
    for (std::size_t i = 0; i < slots_.size(); i++)
        if (slots_[i].base != channel.facilities[i].base)
            throw catalog_error(fmt::format("facility {}: base {} in the channel, {} from the "
                                            "declarations",
                                            slots_[i].name, channel.facilities[i].base,
                                            slots_[i].base));
    names_.resize(layout.event_count);
    for (std::size_t i = 0; i < fragments_.size(); i++)
        for (const auto& ev : fragments_[i].events)
            names_.at(slots_[i].base + ev.local_id) = fmt::format("{}:{}", slots_[i].name, ev.name);
}

std::string facility_catalog::metadata(const ltt::metadata_params& params) const {
    try {
        return ltt::write_metadata(params, fragments_, expected_);
    } catch (const ltt::mismatch_error& e) {
        throw catalog_error(e.what());
    } catch (const std::invalid_argument& e) {
        throw catalog_error(fmt::format("metadata: {}", e.what()));
    }
}

std::vector<std::uint32_t> facility_catalog::resolve(std::string_view pattern) const {
    std::vector<std::uint32_t> ids;
    if (pattern == "*" || pattern == "all") {
        for (std::uint32_t id = 0; id < names_.size(); id++)
            ids.push_back(id);
        return ids;
    }
    const auto colon = pattern.find(':');
    for (std::size_t i = 0; i < fragments_.size(); i++) {
        const auto& frag = fragments_[i];
        const std::uint32_t base = slots_[i].base;
        if (colon == std::string_view::npos && pattern == frag.name) {
            for (const auto& ev : frag.events)
                ids.push_back(base + ev.local_id);
            return ids;
        }
        for (const auto& ev : frag.events) {
            const bool match =
                colon == std::string_view::npos
                    ? pattern == ev.name
                    : pattern.substr(0, colon) == frag.name && pattern.substr(colon + 1) == ev.name;
            if (match)
                ids.push_back(base + ev.local_id);
        }
    }
    if (ids.empty()) {
        std::vector<std::string_view> facilities;
        for (const auto& f : fragments_)
            facilities.push_back(f.name);
        throw catalog_error(fmt::format("no facility or event `{}` in this channel (facilities: "
                                        "{}; events as NAME or FACILITY:NAME; * for all)",
                                        pattern.size() > 80 ? pattern.substr(0, 80) : pattern,
                                        fmt::join(facilities, ", ")));
    }
    if (ids.size() > 1)
        throw catalog_error(
            fmt::format("event name `{}` is ambiguous: say FACILITY:EVENT", pattern));
    return ids;
}

} // namespace lttd
