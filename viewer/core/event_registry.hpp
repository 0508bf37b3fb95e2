// The event descriptors ltt-view decodes records with: every facility genevent
// generated C++ descriptors for (facilities/xen and facilities/kernel),
// looked up by name and checksum, by event name, and by a channel's event id.
#pragma once

#include <ltt/event_desc.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ltt::viewer {

struct event_ref {
    const facility_desc* facility = nullptr;
    const event_desc* event = nullptr;
};

class event_registry {
public:
    // Event names must be unique per layer (genevent checks this within a
    // set); a later duplicate is ignored by find_event().
    explicit event_registry(std::vector<const facility_desc*> facilities);

    // The facilities compiled into the viewer (generated from facilities/).
    static const event_registry& builtin();

    std::span<const facility_desc* const> facilities() const { return facilities_; }

    // nullptr when the layer has no facility of that name.
    const facility_desc* find_facility(ltt::layer layer, std::string_view name) const;
    // The same, but only if its checksum matches too: a trace recorded with
    // a different version of the facility must not be decoded with this one.
    const facility_desc* find_facility(ltt::layer layer, std::string_view name,
                                       std::uint32_t checksum) const;
    std::optional<event_ref> find_event(ltt::layer layer, std::string_view event_name) const;

private:
    std::vector<const facility_desc*> facilities_;
    std::map<std::pair<ltt::layer, std::string_view>, const facility_desc*> by_facility_;
    std::map<std::pair<ltt::layer, std::string_view>, event_ref> by_event_;
};

// What a producer says about one facility of a channel: its name and the
// checksum it was compiled with (LTT_FOR_EACH_FACILITY, or the list the
// hypervisor exposes).
struct channel_facility {
    std::string name;
    std::uint32_t checksum = 0;
};

// The event ids of one channel: the producer's facilities in its order, each
// one's events at base + local id, base = events of the facilities before it.
class channel_events {
public:
    // Throws std::invalid_argument naming the first facility the registry
    // does not know in `layer`, or knows with another checksum.
    channel_events(const event_registry& registry, ltt::layer layer,
                   std::span<const channel_facility> order);

    // The channel as genevent numbered the builtin set of `layer`.
    static channel_events builtin(ltt::layer layer);

    // nullptr when `id` is past the channel's last event.
    const event_ref* find(std::uint32_t id) const;
    std::optional<std::uint32_t> id_of(std::string_view event_name) const;
    // First id of a facility of the channel.
    std::optional<std::uint32_t> base_of(std::string_view facility_name) const;
    std::uint32_t size() const { return static_cast<std::uint32_t>(events_.size()); }

private:
    channel_events() = default;
    void append(const facility_desc& facility);

    std::vector<event_ref> events_;
    std::vector<std::pair<const facility_desc*, std::uint32_t>> bases_;
};

} // namespace ltt::viewer
