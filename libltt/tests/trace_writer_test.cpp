#include "sample_fragments.hpp"
#include "temp_dir.hpp"

#include <ltt/metadata_writer.hpp>
#include <ltt/packet_builder.hpp>
#include <ltt/payload_writer.hpp>
#include <ltt/trace_writer.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using ltt::event_header_kind;

namespace {

const ltt::uuid trace_uuid = *ltt::parse_uuid("0a0b0c0d-0e0f-4a1b-8c1d-1e1f2a2b2c2d");

std::vector<ltt::facility_fragment> xen_fragments() {
    return {ltt::parse_fragment(ltt_test::xen_sched_fragment, "sched.tsdl"),
            ltt::parse_fragment(ltt_test::xen_hvm_fragment, "hvm.tsdl")};
}

std::string metadata() {
    ltt::metadata_params p;
    p.trace_uuid = trace_uuid;
    p.clock_uuid = *ltt::parse_uuid("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
    p.domain = ltt::layer::xen;
    p.xen_domid = 32754;
    p.hostname = "testhost";
    p.tsc_hz = 2'000'000'000;
    p.origin = {1'700'000'000'000'000'000, 1'000'000};
    return ltt::write_metadata(p, xen_fragments());
}

ltt::packet_header header(std::uint32_t cpu, std::uint64_t seq, std::uint64_t begin,
                          std::uint64_t discarded = 0) {
    ltt::packet_header h;
    h.uuid = trace_uuid;
    h.stream_instance_id = cpu;
    h.cpu_id = cpu;
    h.packet_seq_num = seq;
    h.timestamp_begin = begin;
    h.events_discarded = discarded;
    return h;
}

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs a command; returns its exit status, stdout and stderr.
struct run_result {
    int status;
    std::string out, err;
};

run_result run(const std::string& cmd, const std::filesystem::path& scratch) {
    const auto out = scratch / "out.txt";
    const auto err = scratch / "err.txt";
    const int status =
        std::system((cmd + " >'" + out.string() + "' 2>'" + err.string() + "'").c_str());
    return {status, slurp(out), slurp(err)};
}

} // namespace

TEST(TraceWriter, WritesMetadataAndStreamsWithStats) {
    ltt_test::temp_dir dir;
    ltt::trace_writer w({dir.path(), "hypervisor", "xen_", metadata()});
    EXPECT_EQ(w.directory(), dir.path() / "hypervisor");
    EXPECT_EQ(slurp(dir.path() / "hypervisor" / "metadata"), metadata());

    ltt::packet_builder b(event_header_kind::compact, header(1, 0, 100));
    b.add_event(0, 100, ltt::payload_writer{}.put(std::uint16_t{1}).bytes());
    const auto p0 = b.finish(200);
    b = ltt::packet_builder(event_header_kind::compact, header(1, 3, 300, 7));
    b.add_event(0, 300, ltt::payload_writer{}.put(std::uint16_t{2}).bytes());
    const auto p3 = b.finish(400);
    w.write_packet(1, p0, 1);
    w.write_packet(1, p3, 1);
    w.add_stream(0); // online, nothing written yet
    w.close();

    EXPECT_EQ(std::filesystem::file_size(dir.path() / "hypervisor" / "xen_1"),
              p0.size() + p3.size());
    EXPECT_EQ(std::filesystem::file_size(dir.path() / "hypervisor" / "xen_0"), 0u);
    const auto st = w.stats();
    ASSERT_EQ(st.size(), 2u);
    EXPECT_EQ(st[0].cpu, 0u);
    EXPECT_EQ(st[0].packets, 0u);
    EXPECT_EQ(st[1].file, "xen_1");
    EXPECT_EQ(st[1].packets, 2u);
    EXPECT_EQ(st[1].records, 2u);
    EXPECT_EQ(st[1].bytes, p0.size() + p3.size());
    EXPECT_EQ(st[1].packets_lost, 2u);
    EXPECT_EQ(st[1].events_discarded, 7u);
    EXPECT_EQ(st[1].first_tsc, 100u);
    EXPECT_EQ(st[1].last_tsc, 400u);
    // nothing but the metadata and the stream files in the trace directory
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e :
         std::filesystem::directory_iterator(dir.path() / "hypervisor"))
        ++entries;
    EXPECT_EQ(entries, 3u);
}

TEST(TraceWriter, RefusesAnExistingTrace) {
    ltt_test::temp_dir dir;
    { ltt::trace_writer w({dir.path(), "dom0/kernel", "cpu_", metadata()}); }
    EXPECT_THROW(ltt::trace_writer({dir.path(), "dom0/kernel", "cpu_", metadata()}),
                 std::invalid_argument);
    EXPECT_THROW(ltt::trace_writer({dir.path(), "/abs", "cpu_", metadata()}),
                 std::invalid_argument);
}

TEST(TraceWriter, RejectsBytesThatAreNotAPacketOfThatCpu) {
    ltt_test::temp_dir dir;
    ltt::trace_writer w({dir.path(), "hypervisor", "xen_", metadata()});
    ltt::packet_builder b(event_header_kind::compact, header(1, 0, 100));
    auto p = b.finish(100);
    EXPECT_THROW(w.write_packet(2, p), std::invalid_argument); // wrong CPU
    auto shorter = p;
    shorter.resize(p.size() - 8);
    EXPECT_THROW(w.write_packet(1, shorter), std::invalid_argument); // size mismatch
    EXPECT_THROW(w.write_packet(1, std::span(p).first(20)), std::invalid_argument);
    p[0] = std::byte{0};
    EXPECT_THROW(w.write_packet(1, p), std::invalid_argument); // magic
    w.close();
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "hypervisor" / "xen_1"));
}

// The metadata and packets this library writes are what babeltrace2 reads:
// every event with its id, time and fields, and no warning.
TEST(TraceWriter, Babeltrace2ReadsTheTrace) {
    const char* bt2 = std::getenv("BABELTRACE2");
    if (!bt2 || !*bt2)
        GTEST_SKIP() << "BABELTRACE2 not set (CTest sets it)";
    ltt_test::temp_dir dir;
    {
        ltt::trace_writer w({dir.path(), "hypervisor", "xen_", metadata()});
        // CPU 0: sched.switch (id 1), sched.wake (id 2) extended, hvm.vmexit (id 4)
        ltt::packet_builder b(event_header_kind::compact, header(0, 0, 1000));
        b.add_event(1, 1000,
                    ltt::payload_writer{}
                        .put(std::uint16_t{0})
                        .put(std::uint16_t{65535})
                        .put(std::uint8_t{1})
                        .bytes());
        EXPECT_TRUE(b.add_event(2, 0x8000000 + 5,
                                ltt::payload_writer{}
                                    .put(std::int64_t{-5})
                                    .put(std::uint32_t{1})
                                    .put(std::uint32_t{0xdeadbeef})
                                    .put(std::uint32_t{0})
                                    .put(std::uint32_t{0xffffffff})
                                    .bytes()));
        b.add_event(4, 0x8000000 + 9, ltt::payload_writer{}.put(std::uint32_t{12}).bytes());
        w.write_packet(0, b.finish(0x8000000 + 10), 3);
        // CPU 1: hvm.vmentry (id 3), no fields
        b = ltt::packet_builder(event_header_kind::compact, header(1, 0, 2000));
        b.add_event(3, 2000, {});
        w.write_packet(1, b.finish(2000), 1);
        w.close();
    }
    const auto r = run(std::string("'") + bt2 + "' --clock-cycles --no-delta '" +
                           (dir.path() / "hypervisor").string() + "'",
                       dir.path());
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out, "[00000000000000001000] testhost switch: { cpu_id = 0 }, { prev_dom = 0, "
                     "next_dom = 65535, state = "
                     "( \"runnable\" : container = 1 ) }\n"
                     "[00000000000000002000] testhost vmentry: { cpu_id = 1 }, { }\n"
                     "[00000000000134217733] testhost wake: { cpu_id = 0 }, { delta = -5, args = [ "
                     "[0] = 0x1, [1] = "
                     "0xDEADBEEF, [2] = 0x0, [3] = 0xFFFFFFFF ] }\n"
                     "[00000000000134217737] testhost vmexit: { cpu_id = 0 }, { reason = 12 }\n");
}
