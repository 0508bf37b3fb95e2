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

std::vector<const FacilityDesc*> builtin_set(Layer layer) {
    std::vector<const FacilityDesc*> set;
    switch (layer) {
    case Layer::Xen:
#ifdef LTT_VIEWER_HAS_XEN
        set.assign(std::begin(ltt::facility_sets::xen), std::end(ltt::facility_sets::xen));
#endif
        break;
    case Layer::Kernel:
#ifdef LTT_VIEWER_HAS_KERNEL
        set.assign(std::begin(ltt::facility_sets::kernel), std::end(ltt::facility_sets::kernel));
#endif
        break;
    case Layer::Ust:
        break;
    }
    return set;
}

} // namespace

EventRegistry::EventRegistry(std::vector<const FacilityDesc*> facilities)
    : facilities_(std::move(facilities)) {
    for (const FacilityDesc* facility : facilities_) {
        by_facility_.try_emplace({facility->layer, facility->name}, facility);
        for (const EventDesc& event : facility->events) {
            by_event_.try_emplace({facility->layer, event.name}, EventRef{facility, &event});
        }
    }
}

const EventRegistry& EventRegistry::builtin() {
    static const EventRegistry registry = [] {
        std::vector<const FacilityDesc*> all = builtin_set(Layer::Xen);
        const std::vector<const FacilityDesc*> kernel = builtin_set(Layer::Kernel);
        all.insert(all.end(), kernel.begin(), kernel.end());
        return EventRegistry(std::move(all));
    }();
    return registry;
}

const FacilityDesc* EventRegistry::find_facility(Layer layer, std::string_view name) const {
    const auto it = by_facility_.find({layer, name});
    return it == by_facility_.end() ? nullptr : it->second;
}

const FacilityDesc* EventRegistry::find_facility(Layer layer, std::string_view name,
                                                 std::uint32_t checksum) const {
    const FacilityDesc* facility = find_facility(layer, name);
    return facility && facility->checksum == checksum ? facility : nullptr;
}

std::optional<EventRef> EventRegistry::find_event(Layer layer, std::string_view event_name) const {
    const auto it = by_event_.find({layer, event_name});
    if (it == by_event_.end()) {
        return std::nullopt;
    }
    return it->second;
}

ChannelEvents::ChannelEvents(const EventRegistry& registry, Layer layer,
                             std::span<const ChannelFacility> order) {
    for (const ChannelFacility& entry : order) {
        const FacilityDesc* facility = registry.find_facility(layer, entry.name);
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

ChannelEvents ChannelEvents::builtin(Layer layer) {
    ChannelEvents channel;
    for (const FacilityDesc* facility : builtin_set(layer)) {
        channel.append(*facility);
    }
    return channel;
}

void ChannelEvents::append(const FacilityDesc& facility) {
    bases_.emplace_back(&facility, static_cast<std::uint32_t>(events_.size()));
    for (const EventDesc& event : facility.events) {
        events_.push_back(EventRef{&facility, &event});
    }
}

const EventRef* ChannelEvents::find(std::uint32_t id) const {
    return id < events_.size() ? &events_[id] : nullptr;
}

std::optional<std::uint32_t> ChannelEvents::id_of(std::string_view event_name) const {
    for (std::uint32_t id = 0; id < events_.size(); ++id) {
        if (events_[id].event->name == event_name) {
            return id;
        }
    }
    return std::nullopt;
}

std::optional<std::uint32_t> ChannelEvents::base_of(std::string_view facility_name) const {
    for (const auto& [facility, base] : bases_) {
        if (facility->name == facility_name) {
            return base;
        }
    }
    return std::nullopt;
}

} // namespace ltt::viewer
