#include <ltt/descriptor_sizes.hpp>

namespace ltt {

payload_layout layout_of(const EventDesc& event) {
    payload_layout layout;
    for (const FieldDesc& f : event.fields) {
        if (f.is_string())
            layout.string();
        else
            layout.fixed(f.size);
    }
    return layout;
}

payload_sizes channel_payload_sizes(std::span<const FacilityDesc* const> facilities) {
    payload_sizes sizes;
    std::uint32_t base = 0;
    for (const FacilityDesc* facility : facilities) {
        for (const EventDesc& e : facility->events)
            sizes.set(base + e.local_id, layout_of(e));
        base += static_cast<std::uint32_t>(facility->events.size());
    }
    return sizes;
}

} // namespace ltt
