// The guests source's description parser against hostile descriptions: a
// domU writes every byte of it (include/ltt/guest_grant.h).
#include <lttd/guest_description.hpp>

#include <ltt/directory_layout.h>
#include <ltt/guest_grant.h>

#include <gtest/gtest.h>

#include <functional>
#include <string>

using lttd::guest_description_error;
using lttd::guest_keys;
using lttd::parse_decimal_list;
using lttd::parse_guest_description;
using lttd::parse_guests_spec;

namespace {

constexpr std::uint32_t domid = 3;

std::string channel_text(const std::string& extra_domid = "3", const std::string& mode = "discard",
                         int subbuf_order = 12) {
    return R"({"format": "ltt-xen-channel", "version": 1, "name": "kernel", "domain": "kernel",
      "xen_domid": )" +
           extra_domid + R"(, "pid": 1, "tsc_hz": 2400000000,
      "uuid": "01234567-89ab-cdef-0123-456789abcdef", "mode": ")" +
           mode + R"(", "header": "compact", "subbuf_order": )" + std::to_string(subbuf_order) +
           R"(, "subbuf_count": 4, "facilities": [
        {"name": "irq", "layer": "kernel", "checksum": "0x1234abcd", "base": 0, "events": 3}]})";
}

// 4 KiB x 4 sub-buffers: what a cpu<N>.ltt file of that geometry holds.
std::uint32_t pages_for(std::uint32_t subbuf_order) {
    return static_cast<std::uint32_t>(ltt_dir_layout_for(subbuf_order, 2).file_size / 4096);
}

guest_keys valid() {
    const auto pages = std::to_string(pages_for(12));
    return {{"state", "ready"},   {"channel", channel_text()},
            {"control-ref", "8"}, {"event-channel", "11"},
            {"cpus", "0 1"},      {"cpu/0/pages", pages},
            {"cpu/0/refs", "9"},  {"cpu/1/pages", pages},
            {"cpu/1/refs", "10"}};
}

std::string error_of(const std::function<void(guest_keys&)>& mutate, std::uint32_t id = domid) {
    guest_keys k = valid();
    mutate(k);
    try {
        parse_guest_description(id, k);
    } catch (const guest_description_error& e) {
        return e.what();
    }
    return "(accepted)";
}

} // namespace

TEST(GuestDescription, ValidParses) {
    const auto d = parse_guest_description(domid, valid());
    EXPECT_EQ(d.domid, domid);
    EXPECT_EQ(d.channel.xen_domid, domid);
    EXPECT_EQ(d.control_ref, 8u);
    EXPECT_EQ(d.event_channel, 11u);
    ASSERT_EQ(d.cpus.size(), 2u);
    EXPECT_EQ(d.cpus[1].cpu, 1u);
    EXPECT_EQ(d.cpus[1].pages, pages_for(12));
    EXPECT_EQ(d.cpus[1].list_refs, std::vector<std::uint32_t>{10});
}

TEST(GuestDescription, HostileValuesAreRefusedNamingTheKey) {
    const std::vector<std::pair<std::function<void(guest_keys&)>, std::string>> cases = {
        {[](guest_keys& k) { k["state"] = "closing"; }, "data/ltt/state: `closing`"},
        {[](guest_keys& k) { k.erase("state"); }, "data/ltt/state: missing"},
        {[](guest_keys& k) { k["channel"] = "{"; }, "data/ltt/channel: not valid JSON"},
        {[](guest_keys& k) { k["channel"] = channel_text("4"); }, "xen_domid: 4, but"},
        {[](guest_keys& k) { k["channel"] = channel_text("3", "overwrite"); }, "discard mode only"},
        {[](guest_keys& k) { k["channel"] = channel_text("3", "discard", 40); }, "subbuf_order"},
        {[](guest_keys& k) { k["channel"] = std::string(5000, ' '); }, "more than 4096"},
        {[](guest_keys& k) { k["control-ref"] = "-1"; }, "control-ref: `-1` is not a decimal"},
        {[](guest_keys& k) { k["control-ref"] = "4294967296"; }, "control-ref"},
        {[](guest_keys& k) { k["control-ref"] = "08"; }, "control-ref"},
        {[](guest_keys& k) { k["control-ref"] = "8 "; }, "control-ref"},
        {[](guest_keys& k) { k["control-ref"] = std::string("8\0", 2); }, "control-ref"},
        {[](guest_keys& k) { k["event-channel"] = "0"; }, "port 0"},
        {[](guest_keys& k) { k.erase("event-channel"); }, "event-channel: missing"},
        {[](guest_keys& k) { k["cpus"] = ""; }, "data/ltt/cpus"},
        {[](guest_keys& k) { k["cpus"] = "1 0"; }, "ascending"},
        {[](guest_keys& k) { k["cpus"] = "0 0"; }, "once each"},
        {[](guest_keys& k) { k["cpus"] = "128"; }, "below 128"},
        {[](guest_keys& k) { k["cpus"] = "0  1"; }, "data/ltt/cpus"},
        {[](guest_keys& k) { k["cpus"] = "0 1 2"; }, "cpu/2/pages: missing"},
        {[](guest_keys& k) { k["cpu/1/pages"] = "4000000"; }, "cpu/1/pages: 4000000 pages"},
        {[](guest_keys& k) { k["cpu/1/pages"] = "0"; }, "cpu/1/pages: 0 pages"},
        {[](guest_keys& k) { k["cpu/0/refs"] = "9 10"; }, "cpu/0/refs: `9 10` is not 1"},
        {[](guest_keys& k) { k["cpu/0/refs"] = ""; }, "cpu/0/refs"},
        {[](guest_keys& k) { k["cpu/0/refs"] = "\x1b[2J"; }, "`?[2J`"},
    };
    for (const auto& [mutate, expected] : cases) {
        const std::string msg = error_of(mutate);
        EXPECT_NE(msg.find(expected), std::string::npos)
            << "expected `" << expected << "` in: " << msg;
        EXPECT_NE(msg.find("domU 3: "), std::string::npos) << msg;
    }
}

TEST(GuestDescription, OnlyGuestDomainIds) {
    EXPECT_NE(error_of([](guest_keys&) {}, 0).find("not a guest's domain id"), std::string::npos);
    EXPECT_NE(error_of([](guest_keys&) {}, 0x7ff0).find("not a guest's domain id"),
              std::string::npos);
}

TEST(GuestDescription, LargeBuffersNeedSeveralRefPages) {
    // 2^20-byte sub-buffers x 4: more than one page of references.
    guest_keys k = valid();
    const auto pages = ltt_dir_layout_for(20, 2).file_size / 4096;
    const auto lists = (pages + LTT_GG_REFS_PER_PAGE - 1) / LTT_GG_REFS_PER_PAGE;
    ASSERT_GT(lists, 1u);
    k["channel"] = channel_text("3", "discard", 20);
    k["cpus"] = "0";
    k.erase("cpu/1/pages");
    k.erase("cpu/1/refs");
    k["cpu/0/pages"] = std::to_string(pages);
    std::string refs;
    for (std::uint64_t i = 0; i < lists; i++)
        refs += (i ? " " : "") + std::to_string(100 + i);
    k["cpu/0/refs"] = refs;
    EXPECT_EQ(parse_guest_description(domid, k).cpus[0].list_refs.size(), lists);
    k["cpu/0/refs"] = "100";
    EXPECT_THROW(parse_guest_description(domid, k), guest_description_error);
}

TEST(GuestDescription, DecimalLists) {
    EXPECT_EQ(parse_decimal_list("", 10, 4)->size(), 0u);
    EXPECT_EQ(*parse_decimal_list("0 9", 10, 4), (std::vector<std::uint32_t>{0, 9}));
    EXPECT_FALSE(parse_decimal_list("10", 10, 4));
    EXPECT_FALSE(parse_decimal_list("1 2 3", 10, 2));
    EXPECT_FALSE(parse_decimal_list("+1", 10, 2));
    EXPECT_FALSE(parse_decimal_list("1,2", 10, 2));
    EXPECT_FALSE(parse_decimal_list("99999999999", std::uint64_t{1} << 40, 2));
}

TEST(GuestDescription, GuestsSpec) {
    EXPECT_FALSE(parse_guests_spec("guests"));
    EXPECT_EQ(*parse_guests_spec("guests:5,3"), (std::vector<std::uint32_t>{3, 5}));
    EXPECT_THROW(parse_guests_spec("guests:"), std::invalid_argument);
    EXPECT_THROW(parse_guests_spec("guests:0"), std::invalid_argument);
    EXPECT_THROW(parse_guests_spec("guests:3,3"), std::invalid_argument);
    EXPECT_THROW(parse_guests_spec("guests:32752"), std::invalid_argument);
    EXPECT_THROW(parse_guests_spec("guests:a"), std::invalid_argument);
    EXPECT_THROW(parse_guests_spec("guest"), std::invalid_argument);
}
