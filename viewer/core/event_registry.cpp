#include "event_registry.hpp"

#include <fmt/format.h>

#include <stdexcept>

// The generated descriptor sets; a layer without facilities has none.
#if __has_include(<xen/facilities.hpp>)
#include <xen/facilities.hpp>
#define LTT_VIEWER_HAS_XEN 1
#endif
#if __has_include(<kernel/facilities.hpp>)
#include <kernel/facilities.hpp>
#define LTT_VIEWER_HAS_KERNEL 1
#endif

namespace ltt::viewer {

namespace {

std::vector<const facility_desc*> builtin_set(ltt::layer layer) {
    std::vector<const facility_desc*> set;
    switch (layer) {
    case layer::xen:
#ifdef LTT_VIEWER_HAS_XEN
        set.assign(std::begin(ltt::facility_sets::xen), std::end(ltt::facility_sets::xen));
#endif
        break;
    case layer::kernel:
#ifdef LTT_VIEWER_HAS_KERNEL
        set.assign(std::begin(ltt::facility_sets::kernel), std::end(ltt::facility_sets::kernel));
#endif
        break;
    case layer::ust:
        break;
    }
    return set;
}

} // namespace

event_registry::event_registry(std::vector<const facility_desc*> facilities)
    : facilities_(std::move(facilities)) {
    for (const facility_desc* facility : facilities_) {
        by_facility_.try_emplace({facility->layer, facility->name}, facility);
        for (const event_desc& event : facility->events) {
            by_event_.try_emplace({facility->layer, event.name}, event_ref{facility, &event});
        }
    }
}

const event_registry& event_registry::builtin() {
    static const event_registry registry = [] {
        std::vector<const facility_desc*> all = builtin_set(layer::xen);
        const std::vector<const facility_desc*> kernel = builtin_set(layer::kernel);
        all.insert(all.end(), kernel.begin(), kernel.end());
        return event_registry(std::move(all));
    }();
    return registry;
}

const facility_desc* event_registry::find_facility(ltt::layer layer, std::string_view name) const {
    const auto it = by_facility_.find({layer, name});
    return it == by_facility_.end() ? nullptr : it->second;
}

const facility_desc* event_registry::find_facility(ltt::layer layer, std::string_view name,
                                                   std::uint32_t checksum) const {
    const facility_desc* facility = find_facility(layer, name);
    return facility && facility->checksum == checksum ? facility : nullptr;
}

std::optional<event_ref> event_registry::find_event(ltt::layer layer,
                                                    std::string_view event_name) const {
    const auto it = by_event_.find({layer, event_name});
    if (it == by_event_.end()) {
        return std::nullopt;
    }
    return it->second;
}

channel_events::channel_events(const event_registry& registry, ltt::layer layer,
                               std::span<const channel_facility> order) {
    for (const channel_facility& entry : order) {
        const facility_desc* facility = registry.find_facility(layer, entry.name);
        if (facility == nullptr) {
            throw std::invalid_argument(
                fmt::format("unknown {} facility '{}'", to_string(layer), entry.name));
        }
        if (facility->checksum != entry.checksum) {
            throw std::invalid_argument(fmt::format(
                "{} facility '{}' has checksum {:#010x} in the trace but {:#010x} here: it was "
                "recorded with another version of {}",
                to_string(layer), entry.name, entry.checksum, facility->checksum, entry.name));
        }
        append(*facility);
    }
}

channel_events channel_events::builtin(ltt::layer layer) {
    channel_events channel;
    for (const facility_desc* facility : builtin_set(layer)) {
        channel.append(*facility);
    }
    return channel;
}

void channel_events::append(const facility_desc& facility) {
    bases_.emplace_back(&facility, static_cast<std::uint32_t>(events_.size()));
    for (const event_desc& event : facility.events) {
        events_.push_back(event_ref{&facility, &event});
    }
}

const event_ref* channel_events::find(std::uint32_t id) const {
    return id < events_.size() ? &events_[id] : nullptr;
}

std::optional<std::uint32_t> channel_events::id_of(std::string_view event_name) const {
    for (std::uint32_t id = 0; id < events_.size(); ++id) {
        if (events_[id].event->name == event_name) {
            return id;
        }
    }
    return std::nullopt;
}

std::optional<std::uint32_t> channel_events::base_of(std::string_view facility_name) const {
    for (const auto& [facility, base] : bases_) {
        if (facility->name == facility_name) {
            return base;
        }
    }
    return std::nullopt;
}

} // namespace ltt::viewer
