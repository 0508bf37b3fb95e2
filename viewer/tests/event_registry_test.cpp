// The viewer's event registry: the builtin (real) facility sets, and channel
// id mapping with genevent's sample facilities (their per-facility headers
// only: a second ltt::facility_sets::xen would clash with the builtin one).
#include "core/event_registry.hpp"

#include <cpp/kernel/sample_kernel.hpp>
#include <cpp/xen/sample_mem.hpp>
#include <cpp/xen/sample_sched.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace ltt::viewer {
namespace {

namespace sample_sched = ltt::facilities::xen::sample_sched;
namespace sample_mem = ltt::facilities::xen::sample_mem;

TEST(BuiltinRegistry, FindsXenSchedSwitch) {
    const event_registry& registry = event_registry::builtin();
    const auto ref = registry.find_event(layer::xen, "sched_switch");
    ASSERT_TRUE(ref.has_value());
    EXPECT_EQ(ref->facility->name, "sched");
    ASSERT_EQ(ref->event->fields.size(), 4u);
    for (const field_desc& field : ref->event->fields) {
        EXPECT_EQ(field.kind, field_kind::u16) << field.name;
        EXPECT_EQ(field.size, 2u) << field.name;
        EXPECT_FALSE(field.is_array());
        EXPECT_EQ(field.enumeration, nullptr);
    }
    EXPECT_EQ(ref->event->fields[0].name, "prev_dom_id");
    EXPECT_EQ(ref->event->fixed_size, 8u);
    EXPECT_FALSE(ref->event->variable_size);
    EXPECT_EQ(registry.find_facility(layer::xen, "sched", ref->facility->checksum), ref->facility);
    EXPECT_EQ(registry.find_facility(layer::xen, "sched", ref->facility->checksum + 1), nullptr);
    // The kernel layer has its own sched_switch (LTTng's).
    const auto kernel = registry.find_event(layer::kernel, "sched_switch");
    ASSERT_TRUE(kernel.has_value());
    EXPECT_NE(kernel->event, ref->event);
    EXPECT_FALSE(registry.find_event(layer::xen, "no_such_event").has_value());
}

TEST(BuiltinRegistry, EnumsAreResolved) {
    const auto ref = event_registry::builtin().find_event(layer::xen, "sched_shutdown");
    ASSERT_TRUE(ref.has_value());
    const field_desc* reason = ref->event->field("shutdown_reason");
    ASSERT_NE(reason, nullptr);
    ASSERT_NE(reason->enumeration, nullptr);
    EXPECT_EQ(reason->enumeration->kind, reason->kind);
    EXPECT_EQ(reason->enumeration->name_of(3), "crash");
    EXPECT_EQ(reason->enumeration->name_of(200), "");
}

// Sizes are consistent for every builtin event, whatever the facilities are.
TEST(BuiltinRegistry, EveryEventIsConsistent) {
    const event_registry& registry = event_registry::builtin();
    ASSERT_FALSE(registry.facilities().empty());
    for (const facility_desc* facility : registry.facilities()) {
        for (std::uint32_t i = 0; i < facility->events.size(); ++i) {
            const event_desc& event = facility->events[i];
            EXPECT_EQ(event.local_id, i) << event.name;
            std::uint32_t fixed = 0;
            bool strings = false;
            for (const field_desc& field : event.fields) {
                if (field.is_string()) {
                    strings = true;
                    EXPECT_EQ(field.size, 0u) << field.name;
                    continue;
                }
                EXPECT_EQ(field.size, kind_size(field.kind) * (field.is_array() ? field.length : 1))
                    << event.name << "." << field.name;
                if (field.enumeration) {
                    EXPECT_EQ(field.enumeration->kind, field.kind) << field.name;
                }
                fixed += field.size;
            }
            EXPECT_EQ(event.fixed_size, fixed) << event.name;
            EXPECT_EQ(event.variable_size, strings) << event.name;
            EXPECT_EQ(registry.find_event(facility->layer, event.name)->event, &event);
        }
    }
}

TEST(BuiltinChannel, IdsFollowGeneventsOrder) {
    const channel_events xen = channel_events::builtin(layer::xen);
    ASSERT_GT(xen.size(), 0u);
    EXPECT_EQ(xen.base_of("sched"), 0u); // sched is the first Xen facility
    const auto id = xen.id_of("sched_switch");
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(xen.find(*id)->event->name, "sched_switch");
    EXPECT_EQ(xen.find(xen.size()), nullptr);
}

TEST(Channel, MapsIdsInTheProducersOrder) {
    const event_registry registry({&sample_sched::facility, &sample_mem::facility});
    const channel_facility order[] = {{"sample_mem", sample_mem::checksum},
                                      {"sample_sched", sample_sched::checksum}};
    const channel_events channel(registry, layer::xen, order);
    ASSERT_EQ(channel.size(), 7u);
    EXPECT_EQ(channel.base_of("sample_mem"), 0u);
    EXPECT_EQ(channel.base_of("sample_sched"), 2u);
    EXPECT_EQ(channel.find(1)->event->name, "sample_grant_unmap");
    EXPECT_EQ(channel.find(2)->event, &sample_sched::event_sample_switch);
    EXPECT_EQ(channel.find(2)->facility, &sample_sched::facility);
    EXPECT_EQ(channel.id_of("sample_tick"), 6u);
    EXPECT_FALSE(channel.id_of("sched_switch").has_value());
}

TEST(Channel, RefusesUnknownFacilitiesAndOtherChecksums) {
    const event_registry registry({&sample_sched::facility, &sample_mem::facility,
                                   &ltt::facilities::kernel::sample_kernel::facility});
    const channel_facility wrong_sum[] = {{"sample_sched", sample_sched::checksum ^ 1u}};
    EXPECT_THROW(channel_events(registry, layer::xen, wrong_sum), std::invalid_argument);
    const channel_facility unknown[] = {{"nothing", 0}};
    EXPECT_THROW(channel_events(registry, layer::xen, unknown), std::invalid_argument);
    const channel_facility other_layer[] = {
        {"sample_kernel", ltt::facilities::kernel::sample_kernel::checksum}};
    EXPECT_THROW(channel_events(registry, layer::xen, other_layer), std::invalid_argument);
    EXPECT_NO_THROW(channel_events(registry, layer::kernel, other_layer));
}

TEST(Descriptors, SampleTypesAndSizes) {
    const event_desc& widths = sample_sched::events[1];
    ASSERT_EQ(widths.name, "sample_all_widths");
    EXPECT_EQ(widths.fixed_size, 1u + 8 + 1 + 2 + 2 + 4 + 4 + 8);
    const field_kind expected[] = {field_kind::u8,  field_kind::u64, field_kind::s8,
                                   field_kind::u16, field_kind::s16, field_kind::u32,
                                   field_kind::s32, field_kind::s64};
    ASSERT_EQ(widths.fields.size(), std::size(expected));
    for (size_t i = 0; i < std::size(expected); ++i) {
        EXPECT_EQ(widths.fields[i].kind, expected[i]);
        EXPECT_EQ(kind_is_signed(widths.fields[i].kind), widths.fields[i].name[2] == 's');
    }
    const event_desc& arrays = sample_sched::event_sample_hex_and_arrays;
    EXPECT_TRUE(arrays.field("mfn")->hex);
    EXPECT_EQ(arrays.field("args")->length, 4u);
    EXPECT_EQ(arrays.field("args")->size, 16u);
    EXPECT_EQ(arrays.field("states")->enumeration, &sample_sched::enum_vcpu_state);
    EXPECT_EQ(sample_sched::enum_signed_wide.values[0].value, INT64_MIN);
    EXPECT_TRUE(sample_sched::event_sample_tick.fields.empty());

    const event_desc& strings = ltt::facilities::kernel::sample_kernel::events[1];
    EXPECT_TRUE(strings.variable_size);
    EXPECT_EQ(strings.field("comm")->size, 0u);
    EXPECT_TRUE(strings.field("comm")->is_string());
}

} // namespace
} // namespace ltt::viewer
