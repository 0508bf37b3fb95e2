#include "packet_body_check.hpp"

#include <ltt/descriptor_sizes.hpp>
#include <ltt/errors.hpp>
#include <ltt/packet_reader.hpp>

#include <fmt/format.h>

#include <vector>

// genevent's descriptors of each layer's facilities, as this lttd was built
// with them; a layer without facilities has none.
#if __has_include(<xen/facilities.hpp>)
#include <xen/facilities.hpp>
#define LTTD_HAS_XEN_FACILITIES 1
#endif
#if __has_include(<kernel/facilities.hpp>)
#include <kernel/facilities.hpp>
#define LTTD_HAS_KERNEL_FACILITIES 1
#endif
#if __has_include(<ust/facilities.hpp>)
#include <ust/facilities.hpp>
#define LTTD_HAS_UST_FACILITIES 1
#endif

namespace lttd {

namespace {

std::span<const ltt::facility_desc* const> builtin(ltt::layer layer) {
    switch (layer) {
    case ltt::layer::xen:
#ifdef LTTD_HAS_XEN_FACILITIES
        return ltt::facility_sets::xen;
#else
        break;
#endif
    case ltt::layer::kernel:
#ifdef LTTD_HAS_KERNEL_FACILITIES
        return ltt::facility_sets::kernel;
#else
        break;
#endif
    case ltt::layer::ust:
#ifdef LTTD_HAS_UST_FACILITIES
        return ltt::facility_sets::ust;
#else
        break;
#endif
    }
    return {};
}

const ltt::facility_desc* find(ltt::layer layer, std::string_view name) {
    for (const ltt::facility_desc* f : builtin(layer))
        if (f->name == name)
            return f;
    return nullptr;
}

} // namespace

packet_body_check::packet_body_check(const channel_info& channel)
    : uuid_(channel.uuid), header_(channel.header) {
    // The descriptors in channel order: channel_payload_sizes() counts the
    // bases from the event counts, so each slot's base must be that sum.
    std::vector<const ltt::facility_desc*> facilities;
    std::uint32_t base = 0;
    for (const ltt::facility_slot& slot : channel.facilities) {
        const ltt::facility_desc* f = find(channel.domain, slot.name);
        if (f == nullptr)
            throw body_check_error(fmt::format(
                "facility `{}` ({}) is not one this lttd was built with: its events cannot be "
                "checked",
                slot.name, to_string(channel.domain)));
        if (f->checksum != slot.checksum)
            throw body_check_error(fmt::format(
                "facility `{}` has checksum {:#010x}, this lttd knows {:#010x} (another "
                "version of it): its events cannot be checked",
                slot.name, slot.checksum, f->checksum));
        if (f->events.size() != slot.events || slot.base != base)
            throw body_check_error(fmt::format(
                "facility `{}` is said to have {} events from id {}; this lttd knows {} events, "
                "from id {} in this channel",
                slot.name, slot.events, slot.base, f->events.size(), base));
        facilities.push_back(f);
        base += slot.events;
    }
    sizes_ = ltt::channel_payload_sizes(facilities);
}

std::optional<std::string> packet_body_check::check(std::span<const std::byte> packet) {
    ltt::reader_options options;
    options.header = header_;
    // A copy (a few allocations per packet): the reader finds the fixed
    // sizes in it without a call per event, which costs more.
    options.payload_size = sizes_;
    options.expected_uuid = uuid_;
    options.check_order = true;
    std::size_t records = 0;
    try {
        ltt::packet_reader reader(packet, "packet", std::move(options));
        if (reader.next_packet() == nullptr)
            return "no packet";
        while (reader.next_event())
            records++;
        // The header says the packet is the whole copy, but a second one
        // must not hide behind it.
        if (reader.next_packet() != nullptr)
            return "a second packet follows the first";
    } catch (const ltt::format_error& e) {
        return fmt::format("byte {}: {}", e.offset(), e.problem());
    }
    last_records_ = records;
    return std::nullopt;
}

} // namespace lttd
