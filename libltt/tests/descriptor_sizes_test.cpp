#include <ltt/descriptor_sizes.hpp>
#include <ltt/errors.hpp>

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace {

constexpr std::array<ltt::field_desc, 3> switch_fields{{
    {"prev", ltt::field_kind::u16, nullptr, 0, false, 2},
    {"args", ltt::field_kind::u32, nullptr, 4, true, 16},
    {"name", ltt::field_kind::string, nullptr, 0, false, 0},
}};
constexpr std::array<ltt::field_desc, 1> wake_fields{{
    {"dom", ltt::field_kind::u16, nullptr, 0, false, 2},
}};
constexpr std::array<ltt::event_desc, 2> sched_events{{
    {"switch", 1, switch_fields, 18, true},
    {"wake", 0, wake_fields, 2, false},
}};
constexpr std::array<ltt::event_desc, 1> hvm_events{{{"vmentry", 0, {}, 0, false}}};
constexpr ltt::facility_desc sched{"sched", ltt::layer::xen, 1, sched_events, {}};
constexpr ltt::facility_desc hvm{"hvm", ltt::layer::xen, 2, hvm_events, {}};

std::vector<std::byte> bytes(std::initializer_list<int> v) {
    std::vector<std::byte> out;
    for (int x : v)
        out.push_back(static_cast<std::byte>(x));
    return out;
}

} // namespace

TEST(DescriptorSizes, LayoutsFollowFieldsAndChannelOrder) {
    EXPECT_EQ(ltt::layout_of(sched_events[1]).fixed_size(), 2u);
    EXPECT_FALSE(ltt::layout_of(sched_events[0]).fixed_size());

    const std::array<const ltt::facility_desc*, 2> channel{&sched, &hvm};
    const auto sizes = ltt::channel_payload_sizes(channel);
    std::vector<std::byte> payload(18, std::byte{1});
    payload.push_back(std::byte{'x'});
    payload.push_back(std::byte{0});
    payload.push_back(std::byte{7});           // next record
    EXPECT_EQ(sizes(1, payload), 20u);         // sched.switch
    EXPECT_EQ(sizes(0, bytes({1, 2, 3})), 2u); // sched.wake
    EXPECT_EQ(sizes(2, bytes({})), 0u);        // hvm.vmentry at base 2
    EXPECT_THROW(sizes(3, bytes({})), ltt::payload_error);
}
