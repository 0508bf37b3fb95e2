#include <ltt/descriptor_sizes.hpp>

namespace ltt {

payload_layout layout_of(const event_desc& event) {
    payload_layout layout;
    for (const field_desc& f : event.fields) {
        if (f.is_string())
            layout.string();
        else
            layout.fixed(f.size);
    }
    return layout;
}

payload_sizes channel_payload_sizes(std::span<const facility_desc* const> facilities) {
    payload_sizes sizes;
    std::uint32_t base = 0;
    for (const facility_desc* facility : facilities) {
        for (const event_desc& e : facility->events)
            sizes.set(base + e.local_id, layout_of(e));
        base += static_cast<std::uint32_t>(facility->events.size());
    }
    return sizes;
}

} // namespace ltt
