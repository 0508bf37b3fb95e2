#include <ltt/errors.hpp>
#include <ltt/le_bytes.hpp>
#include <ltt/packet_builder.hpp>
#include <ltt/packet_reader.hpp>
#include <ltt/payload_writer.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

using ltt::event_header_kind;

namespace {

const ltt::uuid trace_uuid = *ltt::parse_uuid("01234567-89ab-4cde-8f01-23456789abcd");

// Event 0: u32; event 1: u16 + string + u8; event 2: nothing.
ltt::payload_sizes sizes() {
    ltt::payload_sizes s;
    s.set(0, ltt::payload_layout{}.fixed(4));
    s.set(1, ltt::payload_layout{}.fixed(2).string().fixed(1));
    s.set(2, ltt::payload_layout{});
    return s;
}

ltt::reader_options options(event_header_kind kind) {
    ltt::reader_options o;
    o.header = kind;
    o.payload_size = sizes();
    return o;
}

struct stream {
    std::vector<std::byte> bytes;
    std::vector<std::size_t> packet_offsets;
};

// Two packets on CPU 2: a few events, one of them extended.
stream make_stream(event_header_kind kind, std::uint64_t seq2 = 1) {
    stream s;
    ltt::packet_header h;
    h.uuid = trace_uuid;
    h.stream_instance_id = 2;
    h.cpu_id = 2;
    h.timestamp_begin = 0x10'0000'0000;
    {
        ltt::packet_builder b(kind, h);
        b.add_event(0, 0x10'0000'0000, ltt::payload_writer{}.put(std::uint32_t{42}).bytes());
        b.add_event(1, 0x10'0000'0100,
                    ltt::payload_writer{}
                        .put(std::uint16_t{7})
                        .put_string("eth0")
                        .put(std::uint8_t{1})
                        .bytes());
        b.add_event(2, 0x12'0000'0000, {}); // extended (compact and large)
        b.add_event(0, 0x12'0000'0005, ltt::payload_writer{}.put(std::uint32_t{43}).bytes());
        s.packet_offsets.push_back(0);
        const auto p = b.finish(0x12'0000'0010);
        s.bytes.insert(s.bytes.end(), p.begin(), p.end());
    }
    h.packet_seq_num = seq2;
    h.events_discarded = 5;
    h.timestamp_begin = 0x12'0000'0020;
    {
        ltt::packet_builder b(kind, h);
        b.add_event(2, 0x12'0000'0020, {});
        s.packet_offsets.push_back(s.bytes.size());
        const auto p = b.finish(0x12'0000'0030);
        s.bytes.insert(s.bytes.end(), p.begin(), p.end());
    }
    return s;
}

struct decoded {
    std::vector<ltt::packet_info> packets;
    std::vector<ltt::event_record> events;
};

decoded read_all(const std::vector<std::byte>& bytes, ltt::reader_options o) {
    decoded d;
    ltt::packet_reader r(bytes, "cpu_2", std::move(o));
    while (const auto* p = r.next_packet()) {
        d.packets.push_back(*p);
        while (auto e = r.next_event())
            d.events.push_back(*e);
    }
    return d;
}

ltt::format_error read_failure(const std::vector<std::byte>& bytes, ltt::reader_options o) {
    try {
        read_all(bytes, std::move(o));
    } catch (const ltt::format_error& e) {
        return e;
    }
    ADD_FAILURE() << "no format_error";
    return ltt::format_error("", 0, "");
}

template <typename T> void poke(std::vector<std::byte>& b, std::size_t at, T v) {
    ltt::store_le<T>(b.data() + at, v);
}

} // namespace

TEST(PacketReader, DecodesBothHeaderKinds) {
    for (auto kind : {event_header_kind::compact, event_header_kind::large}) {
        const auto s = make_stream(kind);
        const auto d = read_all(s.bytes, options(kind));
        ASSERT_EQ(d.packets.size(), 2u);
        EXPECT_EQ(d.packets[0].header.cpu_id, 2u);
        EXPECT_EQ(d.packets[0].header.uuid, trace_uuid);
        EXPECT_EQ(d.packets[1].offset, s.packet_offsets[1]);
        EXPECT_EQ(d.packets[1].header.events_discarded, 5u);
        EXPECT_EQ(d.packets[0].header.packet_size % 64, 0u);
        ASSERT_EQ(d.events.size(), 5u);
        EXPECT_EQ(d.events[0].id, 0u);
        EXPECT_EQ(d.events[0].tsc, 0x10'0000'0000u);
        EXPECT_EQ(ltt::load_le<std::uint32_t>(d.events[0].payload.data()), 42u);
        EXPECT_EQ(d.events[0].offset, ltt::packet_header_size);
        EXPECT_EQ(d.events[1].tsc, 0x10'0000'0100u);
        EXPECT_EQ(d.events[1].payload.size(), 2u + 5u + 1u);
        EXPECT_EQ(d.events[2].id, 2u);
        EXPECT_TRUE(d.events[2].extended);
        EXPECT_EQ(d.events[2].tsc, 0x12'0000'0000u);
        EXPECT_TRUE(d.events[2].payload.empty());
        EXPECT_FALSE(d.events[3].extended);
        EXPECT_EQ(d.events[3].tsc, 0x12'0000'0005u);
        EXPECT_EQ(d.events[4].tsc, 0x12'0000'0020u);
    }
}

TEST(PacketReader, EmptyFileHasNoPackets) {
    EXPECT_TRUE(read_all({}, options(event_header_kind::compact)).packets.empty());
}

TEST(PacketReader, CountsLostPacketsFromSequenceGaps) {
    const auto s = make_stream(event_header_kind::compact, 4);
    ltt::packet_reader r(s.bytes, "x", options(event_header_kind::compact));
    ASSERT_NE(r.next_packet(), nullptr);
    const auto* p = r.next_packet(); // skips the first packet's events
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->packets_lost, 3u);
    EXPECT_EQ(r.packets_lost(), 3u);
    EXPECT_EQ(r.next_packet(), nullptr);
}

TEST(PacketReader, HeaderErrorsNameFileOffsetAndProblem) {
    const auto kind = event_header_kind::compact;
    const auto s = make_stream(kind);
    const std::size_t p1 = s.packet_offsets[1];

    auto b = s.bytes;
    poke<std::uint32_t>(b, p1, 0xdeadbeef);
    auto e = read_failure(b, options(kind));
    EXPECT_EQ(e.file(), "cpu_2");
    EXPECT_EQ(e.offset(), p1);
    EXPECT_NE(e.problem().find("magic"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("cpu_2: offset " + std::to_string(p1) + ": "),
              std::string::npos);

    b = s.bytes;
    b.resize(p1 + 50);
    e = read_failure(b, options(kind));
    EXPECT_EQ(e.offset(), p1);
    EXPECT_NE(e.problem().find("truncated packet"), std::string::npos);

    b = s.bytes;
    b.resize(b.size() - 4);
    e = read_failure(b, options(kind));
    EXPECT_NE(e.problem().find("past the end of the file"), std::string::npos);

    b = s.bytes;
    poke<std::uint64_t>(b, p1 + 48, 1u << 20); // content_size > packet_size
    EXPECT_NE(read_failure(b, options(kind)).problem().find("larger than packet_size"),
              std::string::npos);

    b = s.bytes;
    poke<std::uint64_t>(b, p1 + 48, 8 * 10); // content smaller than the header
    EXPECT_NE(read_failure(b, options(kind)).problem().find("smaller than the packet header"),
              std::string::npos);

    b = s.bytes;
    poke<std::uint64_t>(b, p1 + 56, 8 * 100 + 3); // not whole bytes
    EXPECT_NE(read_failure(b, options(kind)).problem().find("whole bytes"), std::string::npos);

    b = s.bytes;
    poke<std::uint8_t>(b, p1 + 4, 0); // uuid differs from the first packet's
    EXPECT_NE(read_failure(b, options(kind)).problem().find("uuid"), std::string::npos);

    b = s.bytes;
    poke<std::uint32_t>(b, p1 + 20, 1);
    EXPECT_NE(read_failure(b, options(kind)).problem().find("stream_id"), std::string::npos);

    b = s.bytes;
    poke<std::uint64_t>(b, p1 + 64, 0); // sequence does not advance
    EXPECT_NE(read_failure(b, options(kind)).problem().find("packet_seq_num"), std::string::npos);

    b = s.bytes;
    poke<std::uint64_t>(b, 72, 9); // first packet discarded 9, second 5
    EXPECT_NE(read_failure(b, options(kind)).problem().find("events_discarded"), std::string::npos);

    b = s.bytes;
    poke<std::uint32_t>(b, p1 + 80, 3);
    poke<std::uint64_t>(b, p1 + 24, 3);
    EXPECT_NE(read_failure(b, options(kind)).problem().find("cpu_id 3"), std::string::npos);

    b = s.bytes;
    poke<std::uint64_t>(b, p1 + 32, 0x12'0000'0001); // begins before the previous end
    e = read_failure(b, options(kind));
    EXPECT_NE(e.problem().find("timestamp_begin"), std::string::npos);
    auto relaxed = options(kind);
    relaxed.check_order = false;
    EXPECT_NO_THROW(read_all(b, relaxed));

    auto want = options(kind);
    want.expected_uuid = ltt::uuid{};
    EXPECT_EQ(read_failure(s.bytes, want).offset(), 4u);
}

TEST(PacketReader, EventErrorsNameTheirOffset) {
    const auto kind = event_header_kind::large;
    const auto s = make_stream(kind);

    // unknown event id in the first record
    auto b = s.bytes;
    poke<std::uint16_t>(b, 84, 9);
    auto e = read_failure(b, options(kind));
    EXPECT_EQ(e.offset(), 84u + 6u);
    EXPECT_NE(e.problem().find("no event with id 9"), std::string::npos);

    // string not terminated: fill event 1's string and the rest of the content
    b = s.bytes;
    const std::size_t str_at = 84 + 6 + 4 + 6 + 2;
    const std::size_t content_end = ltt::load_le<std::uint64_t>(b.data() + 48) / 8;
    for (std::size_t i = str_at; i < content_end; ++i)
        b[i] = std::byte{'x'};
    e = read_failure(b, options(kind));
    EXPECT_EQ(e.offset(), str_at - 2);
    EXPECT_NE(e.problem().find("not terminated"), std::string::npos);

    // content ends inside a payload
    b = s.bytes;
    poke<std::uint64_t>(b, 48, 8 * (84 + 6 + 2));
    e = read_failure(b, options(kind));
    EXPECT_EQ(e.offset(), 84u + 6u);
    EXPECT_NE(e.problem().find("runs past the end of the packet's content"), std::string::npos);

    // content ends inside an event header
    b = s.bytes;
    poke<std::uint64_t>(b, 48, 8 * (84 + 3));
    e = read_failure(b, options(kind));
    EXPECT_EQ(e.offset(), 84u);
    EXPECT_NE(e.problem().find("truncated large event header"), std::string::npos);

    // an extended timestamp going back in time
    b = s.bytes;
    const std::size_t ext_at = 84 + 10 + 6 + 8; // third event
    ASSERT_EQ(ltt::load_le<std::uint16_t>(b.data() + ext_at), 65535u);
    poke<std::uint64_t>(b, ext_at + 6, 0x10'0000'0050);
    e = read_failure(b, options(kind));
    EXPECT_EQ(e.offset(), ext_at);
    EXPECT_NE(e.problem().find("goes back"), std::string::npos);

    // after the packet's end
    b = s.bytes;
    poke<std::uint64_t>(b, ext_at + 6, 0x13'0000'0000);
    e = read_failure(b, options(kind));
    EXPECT_NE(e.problem().find("after the packet's timestamp_end"), std::string::npos);
}

TEST(PacketReader, NeedsASizeFunction) {
    EXPECT_THROW(ltt::packet_reader({}, "x", ltt::reader_options{}), std::invalid_argument);
}
