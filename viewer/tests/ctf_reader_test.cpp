// The generic CTF reader (readers/bt2) on a hand-built trace whose every
// value is known (ctf_sample_trace.hpp), and its helpers.
#include "../core/event_class.hpp"
#include "../core/loss.hpp"
#include "../core/payload.hpp"
#include "../readers/bt2/bt2_error.hpp"
#include "../readers/bt2/ctf_reader.hpp"
#include "../readers/bt2/init_log.hpp"
#include "babeltrace2_reference.hpp"
#include "ctf_sample_trace.hpp"
#include "scratch_dir.hpp"
#include "trace_totals.hpp"

#include <ltt/errors.hpp>
#include <ltt/uuid.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace ltt::viewer;

namespace {

// "name value name value ...": the event's fields, as the viewer decodes them.
std::string fields_text(const event& e) {
    std::string out;
    field_cursor cursor(*e.cls->desc, e.payload);
    const ltt::field_desc* f = nullptr;
    field_value v;
    while (cursor.next(f, v)) {
        if (!out.empty())
            out += ' ';
        out += f->name;
        out += '=';
        switch (v.what) {
        case field_value::kind::string:
            out += v.str;
            break;
        case field_value::kind::signed_int:
            out += std::to_string(v.s);
            break;
        case field_value::kind::unsigned_int:
            out += std::to_string(v.u);
            break;
        case field_value::kind::array:
            out += "[array]";
            break;
        }
    }
    return out;
}

std::vector<event> all_events(event_stream& s, std::vector<std::string>& texts) {
    std::vector<event> out;
    event e;
    while (s.next(e)) {
        out.push_back(e);
        if (e.cls->name == loss_desc.name) {
            const loss_info l = decode_loss(e.payload);
            texts.push_back(fmt::format("count={} reason={} begin={} end={}", l.count,
                                        to_string(l.reason), l.begin_ts, l.end_ts));
        } else {
            texts.push_back(fields_text(e));
        }
    }
    return out;
}

void write_file(const fs::path& p, const std::vector<std::byte>& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

void put_u64(std::vector<std::byte>& bytes, std::size_t at, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        bytes.at(at + i) = static_cast<std::byte>((v >> (8 * i)) & 0xff);
}

// Where each packet of a sample stream starts (packet_size, in bits, is at
// byte 56 of a packet).
std::vector<std::size_t> packet_starts(const std::vector<std::byte>& stream) {
    std::vector<std::size_t> starts;
    for (std::size_t at = 0; at + 64 <= stream.size();) {
        starts.push_back(at);
        std::uint64_t bits = 0;
        std::memcpy(&bits, &stream[at + 56], sizeof bits);
        at += bits / 8;
    }
    return starts;
}

constexpr std::uint64_t off = test::sample_clock_offset_ns;

} // namespace

TEST(ctf_reader_sample, source_is_a_labelled_ns_kernel_trace) {
    test::scratch_dir dir;
    test::write_sample_trace(dir.path());
    class_registry classes;
    const auto reader = open_ctf_trace(dir.path(), classes, {});
    const source_info& s = reader->source();
    EXPECT_EQ(s.format, "ctf");
    EXPECT_EQ(s.layer, ltt::layer::kernel);
    EXPECT_EQ(s.domain_name, "sample"); // env hostname
    EXPECT_EQ(s.clock.unit, time_unit::ns);
    EXPECT_EQ(s.clock.freq_hz, 1'000'000'000u);
    EXPECT_EQ(s.clock.name, "monotonic");
    ASSERT_TRUE(s.clock.uuid.has_value());
    EXPECT_EQ(ltt::uuid_to_string(*s.clock.uuid), "c1a5e1b2-0d3e-4f50-8a6b-7c8d9e0f1a2b");
    ASSERT_EQ(reader->streams().size(), 1u);
    EXPECT_EQ(reader->streams()[0]->info().name, "stream_0");
    EXPECT_EQ(reader->streams()[0]->info().source, &s);
    bool said = false;
    for (const std::string& n : s.notices)
        said |= n.find("sched_switch (without _tid)") != std::string::npos &&
                n.find("irq_handler_entry (without _tid)") != std::string::npos;
    EXPECT_TRUE(said) << "no notice of the context fields the builtin classes leave out";
}

TEST(ctf_reader_sample, every_event_field_and_loss_as_written) {
    test::scratch_dir dir;
    test::write_sample_trace(dir.path());
    class_registry classes;
    const auto reader = open_ctf_trace(dir.path(), classes, {});
    std::vector<std::string> texts;
    const std::vector<event> events = all_events(*reader->streams()[0], texts);

    struct expected {
        std::uint64_t ts;
        std::string_view facility;
        std::string_view name;
        std::string fields;
    };
    const std::vector<expected> want = {
        {off + 1000, "sched", "sched_switch",
         "prev_comm=swapper/1 prev_tid=0 prev_prio=20 prev_state=0 next_comm=bash next_tid=42 "
         "next_prio=20"},
        {off + 1100, "irq", "irq_handler_entry", "irq=11 name=eth0"},
        {off + 1200, "sample", "fuzz_types",
         "state=1 state_label=BLOCKED ratio=0.25 flags=48879 delta=-3 pair={ a = 7, b = \"x\" } "
         "len=3 values=[ 1, 2, 3 ] comm=abc fixed=[ 4, 5, 6 ] v={ BLOCKED = \"blk\" } _tid=42"},
        {off + 1300, "sample", "empty", "_tid=42"},
        // 4 events discarded between packet 0's end and packet 1's end,
        // known at packet 1's start.
        {off + 2000, loss_facility, "lost_events",
         fmt::format("count=4 reason=events_discarded begin={} end={}", off + 1999, off + 2999)},
        {off + 2100, "sample", "fuzz_types",
         "state=5 state_label=MANY ratio=-1.5 flags=1 delta=100 pair={ a = 0, b = \"\" } len=0 "
         "values=[] comm= fixed=[ 0, 0, 0 ] v={ MANY = 9 } _tid=42"},
        // packet_seq_num 1 then 3: one packet lost.
        {off + 4000, loss_facility, "lost_events",
         fmt::format("count=1 reason=packets_lost begin={} end={}", off + 2999, off + 4000)},
        {off + 4100, "irq", "irq_handler_entry", "irq=300 name=nvme"},
    };
    ASSERT_EQ(events.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(events[i].ts, want[i].ts);
        EXPECT_EQ(events[i].cls->facility, want[i].facility);
        EXPECT_EQ(events[i].cls->name, want[i].name);
        EXPECT_EQ(texts[i], want[i].fields);
        EXPECT_EQ(events[i].cpu, 1u); // packet context cpu_id
    }
    // The LTTng kernel events are the builtin kernel classes.
    EXPECT_TRUE(events[0].cls->builtin);
    EXPECT_EQ(events[0].cls, classes.find(ltt::layer::kernel, "sched_switch"));
    EXPECT_EQ(events[1].cls, classes.find(ltt::layer::kernel, "irq_handler_entry"));
    // Its own classes keep the integers' width, signedness and display.
    const event_class& own = *events[2].cls;
    EXPECT_FALSE(own.builtin);
    EXPECT_EQ(own.layer, ltt::layer::kernel);
    const auto kind_of = [&](std::string_view name) {
        return own.desc->fields[own.field_index(name).value()].kind;
    };
    EXPECT_EQ(kind_of("state"), ltt::field_kind::u8);
    EXPECT_EQ(kind_of("state_label"), ltt::field_kind::string);
    EXPECT_EQ(kind_of("flags"), ltt::field_kind::u16);
    EXPECT_TRUE(own.desc->fields[own.field_index("flags").value()].hex);
    EXPECT_EQ(kind_of("delta"), ltt::field_kind::s8);
    EXPECT_EQ(kind_of("ratio"), ltt::field_kind::string);
    EXPECT_EQ(kind_of("_tid"), ltt::field_kind::s32);
}

TEST(ctf_reader_sample, discards_before_the_first_packet_are_marked_with_count_0) {
    // events_discarded 7 in the first packet: babeltrace2 can only say the
    // tracer "may have discarded" events; 11 in the second: 4 more.
    std::vector<std::byte> stream = test::sample_stream();
    const std::vector<std::size_t> packets = packet_starts(stream);
    ASSERT_EQ(packets.size(), 3u);
    put_u64(stream, packets[0] + 72, 7);
    put_u64(stream, packets[1] + 72, 11);
    put_u64(stream, packets[2] + 72, 11);
    test::scratch_dir dir;
    test::write_sample_trace(dir.path());
    write_file(dir.path() / "stream_0", stream);

    const char* bt = std::getenv("BABELTRACE2");
    ASSERT_NE(bt, nullptr) << "BABELTRACE2 is not set";
    const test::babeltrace2_figures ref =
        test::babeltrace2_reference(bt, dir.path(), dir.path() / "bt2-work");
    EXPECT_EQ(ref.unknown_discards, 1u);
    EXPECT_EQ(ref.discarded_events, 4u);

    class_registry classes;
    const auto reader = open_ctf_trace(dir.path(), classes, {});
    bool said = false;
    for (const std::string& n : reader->source().notices)
        said |= n.find("may have discarded events before the first packet of stream_0") !=
                std::string::npos;
    EXPECT_TRUE(said);
    const test::trace_totals got = test::read_totals(*reader);
    EXPECT_EQ(got.unknown_losses, ref.unknown_discards);
    EXPECT_EQ(got.lost_events, ref.discarded_events);
    EXPECT_EQ(got.lost_packets, ref.discarded_packets);
    EXPECT_EQ(got.events, ref.events);
}

TEST(ctf_reader_sample, packetized_metadata_reads_and_its_truncation_is_an_error) {
    // The same metadata in CTF's packetized form: one packet, header then text.
    const std::string_view text = test::sample_metadata();
    std::vector<std::byte> packet(37 + text.size());
    const auto put32 = [&](std::size_t at, std::uint32_t v) { std::memcpy(&packet[at], &v, 4); };
    put32(0, 0x75d11d57);
    const std::uint8_t uuid[16] = {0x2a, 0x64, 0x22, 0xd0, 0x6c, 0xee, 0x11, 0xe0,
                                   0x8c, 0x08, 0xcb, 0x07, 0xd7, 0xb3, 0xa5, 0x64};
    std::memcpy(&packet[4], uuid, 16);
    put32(24, static_cast<std::uint32_t>(packet.size() * 8)); // content_size
    put32(28, static_cast<std::uint32_t>(packet.size() * 8)); // packet_size
    // compression, encryption and checksum schemes 0 (bytes 32-34), CTF 1.8
    packet[35] = std::byte{1};
    packet[36] = std::byte{8};
    std::memcpy(&packet[37], text.data(), text.size());

    test::scratch_dir dir;
    test::write_sample_trace(dir.path());
    write_file(dir.path() / "metadata", packet);
    {
        class_registry classes;
        const auto reader = open_ctf_trace(dir.path(), classes, {});
        EXPECT_EQ(test::read_totals(*reader).events, 6u);
    }
    // Cut inside the packet: babeltrace2 2.0.4 alone would loop forever.
    packet.resize(packet.size() / 2);
    write_file(dir.path() / "metadata", packet);
    class_registry classes;
    try {
        open_ctf_trace(dir.path(), classes, {});
        FAIL() << "a truncated metadata file was accepted";
    } catch (const ltt::format_error& e) {
        EXPECT_EQ(e.file(), (dir.path() / "metadata").string());
        EXPECT_EQ(e.offset(), 0u);
        EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
    }
}

TEST(ctf_reader_sample, a_bad_event_names_the_stream_and_how_far_it_got) {
    // Packet 1's event header becomes an unknown event id.
    std::vector<std::byte> stream = test::sample_stream();
    const std::size_t header = packet_starts(stream).at(1) + 84; // past its header and context
    for (std::size_t i = 1; i < 5; ++i)
        stream[header + i] = std::byte{0xff};
    test::scratch_dir dir;
    test::write_sample_trace(dir.path());
    write_file(dir.path() / "stream_0", stream);
    class_registry classes;
    const auto reader = open_ctf_trace(dir.path(), classes, {});
    event e;
    int n = 0;
    try {
        while (reader->streams()[0]->next(e))
            ++n;
        FAIL() << "a bad event id was accepted";
    } catch (const bt2::bt2_error& error) {
        const std::string m = error.what();
        EXPECT_NE(m.find((dir.path() / "stream_0").string()), std::string::npos) << m;
        EXPECT_NE(m.find("past its event 4 (packet 2"), std::string::npos) << m;
        EXPECT_NE(m.find("No event class with ID"), std::string::npos) << m;
    }
    EXPECT_EQ(n, 5); // 4 events and the discarded-events loss before packet 1's bad event
}

TEST(bt2_error_text, addresses_are_left_out) {
    EXPECT_EQ(bt2::without_addresses("Cannot handle state: msg-it-addr=0x5599b217f680, "
                                     "state=AFTER_EVENT_HEADER"),
              "Cannot handle state: state=AFTER_EVENT_HEADER");
    EXPECT_EQ(bt2::without_addresses("No event class: stream-class-id=0, "
                                     "trace-class-addr=0x5599b20b2b50"),
              "No event class: stream-class-id=0");
    EXPECT_EQ(bt2::without_addresses("two\nlines"), "two lines");
}

TEST(bt2_log_text, messages_of_warnings_and_errors_only) {
    EXPECT_EQ(bt2::log_message("12-06 22:12:51.204  6101  6101 E PLUGIN-CTF-METADATA-LEXER "
                               "yylex@lexer.l:138 At line 3638 in metadata stream: Invalid "
                               "character: char=\"@\", val=0x40"),
              "At line 3638 in metadata stream: Invalid character: char=\"@\", val=0x40");
    EXPECT_EQ(bt2::log_message("12-06 21:48:24.373 16161 16161 W PLUGIN/SRC.CTF.FS/DS "
                               "build_index_from_stream_file@data-stream-file.c:882 [source] "
                               "Invalid packet size reported in file: packet-offset=0"),
              "Invalid packet size reported in file: packet-offset=0");
    EXPECT_EQ(bt2::log_message("12-06 21:48:24.373 16161 16161 I PLUGIN/SRC.CTF.FS f@x.c:1 hi"),
              "");
    EXPECT_EQ(bt2::log_message("not a log line"), "");
}

TEST(babeltrace2_cli, port_names_are_escaped_for_connect) {
    EXPECT_EQ(test::escape_port_glob("a | 0 | /p/x.y:z*"), "a | 0 | /p/x\\.y\\:z\\*");
}
