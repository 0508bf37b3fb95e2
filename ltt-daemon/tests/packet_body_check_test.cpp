// packet_body_check: a guest packet whose header is right but whose events
// are not is refused, saying at which byte and what is wrong; a good one
// passes; channels lttd trusts are not walked. Packets are built by hand
// (ltt::packet_builder) from genevent's kernel irq facility, and every
// offset expected is counted from what was appended.
#include "packet_body_check.hpp"
#include "trace_output.hpp"

#include <ltt/packet_builder.hpp>
#include <ltt/packet_header.hpp>

#include <kernel/facilities.hpp>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <string_view>
#include <unistd.h>
#include <vector>

using namespace lttd;

namespace {

const ltt::facility_desc& irq_facility() {
    for (const ltt::facility_desc* f : ltt::facility_sets::kernel)
        if (f->name == "irq")
            return *f;
    throw std::logic_error("no kernel irq facility");
}

std::uint32_t id_of(std::string_view event) {
    const ltt::event_desc* e = irq_facility().event(event);
    if (e == nullptr)
        throw std::logic_error("no such irq event");
    return e->local_id; // irq is the channel's first facility: base 0
}

channel_info guest_channel() {
    channel_info ch;
    ch.name = "kernel";
    ch.domain = ltt::layer::kernel;
    ch.xen_domid = 3;
    ch.domain_name = "domU-3";
    ch.trace_subdir = "domU-3/kernel";
    ch.stream_prefix = "cpu_";
    for (std::size_t i = 0; i < ch.uuid.size(); i++)
        ch.uuid[i] = static_cast<std::uint8_t>(0x40 + i);
    ch.tsc_hz = 1'000'000'000;
    ch.subbuf_order = 12;
    ch.nr_subbufs_order = 2;
    const ltt::facility_desc& irq = irq_facility();
    ch.facilities.push_back(ltt::facility_slot{std::string(irq.name), ltt::layer::kernel,
                                               irq.checksum, 0,
                                               static_cast<std::uint32_t>(irq.events.size())});
    ch.header = ltt::header_kind_for(irq.events.size());
    ch.untrusted_bodies = true;
    return ch;
}

std::vector<std::byte> bytes(std::initializer_list<int> values) {
    std::vector<std::byte> out;
    for (int v : values)
        out.push_back(static_cast<std::byte>(v));
    return out;
}

// irq_handler_entry: s32 irq, then the handler's name with its NUL.
std::vector<std::byte> handler_entry(std::int32_t irq, std::string_view name, bool nul = true) {
    std::vector<std::byte> out(4);
    std::memcpy(out.data(), &irq, 4);
    for (char c : name)
        out.push_back(static_cast<std::byte>(c));
    if (nul)
        out.push_back(std::byte{0});
    return out;
}

// softirq_entry: u32 vec.
std::vector<std::byte> softirq(std::uint32_t vec) {
    std::vector<std::byte> out(4);
    std::memcpy(out.data(), &vec, 4);
    return out;
}

// A packet being built, with the byte offset of the next record's header
// and of each record's payload counted as they are appended.
struct test_packet {
    channel_info channel = guest_channel();
    ltt::packet_builder builder;
    std::uint64_t next = ltt::packet_header_size;
    std::vector<std::uint64_t> header_at;
    std::vector<std::uint64_t> payload_at;

    explicit test_packet(std::uint64_t begin = 1000, std::uint64_t seq = 1,
                         std::uint64_t discarded = 0)
        : builder(channel.header, [&] {
              ltt::packet_header h;
              h.uuid = channel.uuid;
              h.stream_instance_id = 0;
              h.cpu_id = 0;
              h.packet_seq_num = seq;
              h.timestamp_begin = begin;
              h.events_discarded = discarded;
              return h;
          }()) {}

    void add(std::uint32_t id, std::uint64_t tsc, const std::vector<std::byte>& payload) {
        header_at.push_back(next);
        const bool extended = builder.add_event(id, tsc, payload);
        next += ltt::header_size(channel.header, extended);
        payload_at.push_back(next);
        next += payload.size();
    }
};

// The message says the byte and contains `what`.
void expect_refused(const std::optional<std::string>& why, std::uint64_t byte,
                    std::string_view what) {
    ASSERT_TRUE(why.has_value());
    EXPECT_NE(why->find(fmt::format("byte {}: ", byte)), std::string::npos) << *why;
    EXPECT_NE(why->find(what), std::string::npos) << *why;
}

TEST(PacketBodyCheck, AcceptsAGoodBody) {
    test_packet p;
    p.add(id_of("irq_handler_entry"), 1010, handler_entry(11, "eth0"));
    p.add(id_of("softirq_entry"), 1020, softirq(3));
    p.add(id_of("irq_handler_entry"), 1020, handler_entry(12, ""));
    const auto packet = p.builder.finish(1100);
    packet_body_check check(p.channel);
    EXPECT_EQ(check.check(packet), std::nullopt);
    EXPECT_EQ(check.last_records(), 3u);
}

TEST(PacketBodyCheck, AcceptsAnEmptyPacket) {
    test_packet p;
    const auto packet = p.builder.finish(1000);
    packet_body_check check(p.channel);
    EXPECT_EQ(check.check(packet), std::nullopt);
    EXPECT_EQ(check.last_records(), 0u);
}

TEST(PacketBodyCheck, RefusesATruncatedPayload) {
    test_packet p;
    p.add(id_of("softirq_entry"), 1010, softirq(3));
    p.add(id_of("softirq_entry"), 1020, bytes({1, 0})); // 2 of its 4 bytes
    const auto packet = p.builder.finish(1100);
    packet_body_check check(p.channel);
    expect_refused(check.check(packet), p.payload_at[1],
                   fmt::format("event id {}: payload of 4 bytes runs past the end of the "
                               "packet's content (2 bytes left)",
                               id_of("softirq_entry")));
}

TEST(PacketBodyCheck, RefusesAnUnknownEventId) {
    test_packet p;
    const auto unknown = static_cast<std::uint32_t>(irq_facility().events.size());
    p.add(id_of("softirq_entry"), 1010, softirq(3));
    p.add(unknown, 1020, softirq(4));
    const auto packet = p.builder.finish(1100);
    packet_body_check check(p.channel);
    expect_refused(check.check(packet), p.payload_at[1],
                   fmt::format("no event with id {} in this channel", unknown));
}

TEST(PacketBodyCheck, RefusesAnUnterminatedString) {
    test_packet p;
    p.add(id_of("irq_handler_entry"), 1010, handler_entry(11, "eth0"));
    p.add(id_of("irq_handler_entry"), 1020, handler_entry(12, "eth1", false));
    const auto packet = p.builder.finish(1100);
    packet_body_check check(p.channel);
    expect_refused(check.check(packet), p.payload_at[1], "string field not terminated");
}

TEST(PacketBodyCheck, RefusesTimeGoingBackwards) {
    // Far enough apart that both records carry their full TSC: the second
    // really says an earlier time (a truncated one would read as a wrap).
    const std::uint64_t late = (std::uint64_t{1} << 40) + 10;
    test_packet p(50);
    p.add(id_of("softirq_entry"), late, softirq(3));
    p.add(id_of("softirq_entry"), 100, softirq(4));
    const auto packet = p.builder.finish(late + 100);
    packet_body_check check(p.channel);
    expect_refused(check.check(packet), p.header_at[1],
                   fmt::format("event timestamp 100 goes back before {}", late));
}

TEST(PacketBodyCheck, RefusesAnEventAfterTimestampEnd) {
    test_packet p;
    p.add(id_of("softirq_entry"), 1010, softirq(3));
    p.add(id_of("softirq_entry"), 1200, softirq(4));
    const auto packet = p.builder.finish(1100);
    packet_body_check check(p.channel);
    expect_refused(check.check(packet), p.header_at[1],
                   "event timestamp 1200 is after the packet's timestamp_end 1100");
}

TEST(PacketBodyCheck, RefusesAFacilityItCannotDecode) {
    channel_info other = guest_channel();
    other.facilities[0].checksum ^= 1;
    try {
        packet_body_check check(other);
        FAIL() << "a checksum this lttd does not know was accepted";
    } catch (const body_check_error& e) {
        EXPECT_NE(std::string_view(e.what()).find("facility `irq` has checksum"),
                  std::string_view::npos)
            << e.what();
    }
    channel_info unknown = guest_channel();
    unknown.facilities[0].name = "no_such_facility";
    EXPECT_THROW(packet_body_check{unknown}, body_check_error);
    channel_info fewer = guest_channel();
    fewer.facilities[0].events -= 1;
    EXPECT_THROW(packet_body_check{fewer}, body_check_error);
}

// Through trace_output: refused like a bad header (cpu, packet seq, byte,
// problem) for a guest's channel, written as it is for a trusted one.
class TraceOutputBody : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = std::filesystem::temp_directory_path() /
                fmt::format("lttd-body-{}-{}", ::getpid(),
                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(root_);
    }
    void TearDown() override { std::filesystem::remove_all(root_); }

    // `claimed`: the record count the producer's memory gives.
    std::optional<std::string> write(const channel_info& channel,
                                     const std::vector<std::byte>& packet,
                                     std::uint64_t claimed = 1) {
        trace_output out(root_, channel, "/* CTF 1.8 */\n", trace_identity{}, nullptr);
        out.add_stream(0);
        auto why = out.write_packet(0, packet, claimed);
        const auto stats = out.stats();
        written_ = stats.empty() ? 0 : stats[0].packets;
        records_ = stats.empty() ? 0 : stats[0].records;
        return why;
    }

    std::filesystem::path root_;
    std::uint64_t written_ = 0;
    std::uint64_t records_ = 0;
};

TEST_F(TraceOutputBody, RefusesAGuestPacketWithABadBody) {
    test_packet p(1000, 7);
    p.add(id_of("irq_handler_entry"), 1010, handler_entry(11, "eth0", false));
    const auto packet = p.builder.finish(1100);
    const auto why = write(p.channel, packet);
    ASSERT_TRUE(why.has_value());
    EXPECT_EQ(*why, fmt::format("cpu 0: packet 7 refused: byte {}: event id {}: string field not "
                                "terminated before the end of the packet's content",
                                p.payload_at[0], id_of("irq_handler_entry")));
    EXPECT_EQ(written_, 0u);
}

TEST_F(TraceOutputBody, WritesAGuestPacketWithAGoodBody) {
    test_packet p(1000, 7);
    p.add(id_of("irq_handler_entry"), 1010, handler_entry(11, "eth0"));
    p.add(id_of("softirq_entry"), 1020, softirq(3));
    const auto packet = p.builder.finish(1100);
    // The guest claims 99 records; the index counts the 2 walked.
    EXPECT_EQ(write(p.channel, packet, 99), std::nullopt);
    EXPECT_EQ(written_, 1u);
    EXPECT_EQ(records_, 2u);
}

// A guest's loss count may grow by at most one event per TSC cycle: 1100
// cycles from TSC 0 to the first packet's end, 100 more to the second's.
TEST_F(TraceOutputBody, BoundsAGuestsLossCount) {
    trace_output out(root_, guest_channel(), "/* CTF 1.8 */\n", trace_identity{}, nullptr);
    out.add_stream(0);
    const auto packet = [](std::uint64_t begin, std::uint64_t end, std::uint64_t seq,
                           std::uint64_t discarded) {
        test_packet p(begin, seq, discarded);
        p.add(id_of("softirq_entry"), begin + 10, softirq(3));
        return p.builder.finish(end);
    };
    const auto refused = out.write_packet(0, packet(1000, 1100, 1, 1101), 1);
    ASSERT_TRUE(refused.has_value());
    EXPECT_NE(refused->find("loss count 1101 grew by more than the 1100 TSC cycles since TSC 0"),
              std::string::npos)
        << *refused;
    EXPECT_EQ(out.write_packet(0, packet(1000, 1100, 1, 1100), 1), std::nullopt);
    const auto again = out.write_packet(0, packet(1150, 1200, 2, 1201), 1);
    ASSERT_TRUE(again.has_value());
    EXPECT_NE(again->find("grew by more than the 100 TSC cycles since the previous packet ended"),
              std::string::npos)
        << *again;
    EXPECT_EQ(out.write_packet(0, packet(1150, 1200, 2, 1200), 1), std::nullopt);
    EXPECT_EQ(out.last_events_discarded(0), 1200u);
}

TEST_F(TraceOutputBody, DoesNotWalkATrustedChannel) {
    test_packet p(1000, 7);
    p.channel.untrusted_bodies = false;
    p.add(id_of("irq_handler_entry"), 1010, handler_entry(11, "eth0", false));
    const auto packet = p.builder.finish(1100);
    EXPECT_EQ(write(p.channel, packet, 5), std::nullopt);
    EXPECT_EQ(written_, 1u);
    EXPECT_EQ(records_, 5u); // as the producer said: nothing was walked
}

} // namespace
