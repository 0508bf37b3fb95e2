// libbabeltrace2 2.0.4's defects on damaged packet sizes (readers/bt2/
// init_probe.hpp), each checked with the babeltrace2 CLI, which aborts on
// the first trace and loops, allocating, on the second, and what the fuzzer
// found: the reader gives an error naming the trace, the stream file and
// what babeltrace2 did.
#include "../core/event_class.hpp"
#include "../readers/bt2/bt2_error.hpp"
#include "../readers/bt2/ctf_reader.hpp"
#include "../readers/bt2/init_probe.hpp"
#include "ctf_sample_trace.hpp"
#include "scratch_dir.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace ltt::viewer;

namespace {

// Where the sample stream's first packet context holds its sizes, in bits
// (ctf_sample_trace.cpp: after the 40-byte packet header, timestamps).
constexpr std::streamoff content_size_at = 48;
constexpr std::streamoff packet_size_at = 56;

void patch_u64(const fs::path& file, std::streamoff at, std::uint64_t v) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    char bytes[8];
    for (int i = 0; i < 8; ++i)
        bytes[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    f.seekp(at);
    f.write(bytes, sizeof bytes);
    ASSERT_TRUE(f.good());
}

// Opens and reads the whole trace: the error's message, or "".
std::string read_error(const fs::path& trace) {
    try {
        class_registry classes;
        const auto reader = open_ctf_trace(trace, classes, {});
        for (event_stream* s : reader->streams()) {
            event e;
            while (s->next(e)) {
            }
        }
        return {};
    } catch (const bt2::bt2_error& e) {
        return e.what();
    }
}

} // namespace

TEST(ctf_defect, a_packet_size_with_its_top_bit_set_is_an_error_not_an_abort) {
    test::scratch_dir work;
    test::write_sample_trace(work.path());
    patch_u64(work.path() / "stream_0", packet_size_at, std::uint64_t{1} << 63);
    const std::string message = read_error(work.path());
    EXPECT_NE(message.find("babeltrace2 aborts while opening"), std::string::npos) << message;
    EXPECT_NE(message.find("Assertion"), std::string::npos) << message;
    EXPECT_NE(message.find((work.path() / "stream_0").string()), std::string::npos) << message;
}

TEST(ctf_defect, a_packet_size_of_0_is_an_error_not_a_hang) {
    test::scratch_dir work;
    test::write_sample_trace(work.path());
    patch_u64(work.path() / "stream_0", content_size_at, 0);
    patch_u64(work.path() / "stream_0", packet_size_at, 0);
    const std::string message = read_error(work.path());
    const std::string budget = std::to_string(2 * bt2::cpu_budget_factor());
    EXPECT_NE(message.find("did not finish opening this CTF trace in " + budget + " s of CPU time"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find((work.path() / "stream_0").string()), std::string::npos) << message;
}

// Found by the fuzzer: src.ctf.fs reports success but leaves an error on
// the thread, and babeltrace2's next call aborts on its precondition.
TEST(ctf_defect, an_error_babeltrace2_leaves_behind_a_success_is_an_error_not_an_abort) {
    test::scratch_dir work;
    test::write_sample_trace(work.path());
    std::vector<std::byte> stream = test::sample_stream(1);
    ASSERT_GT(stream.size(), 257u);
    stream[257] = std::byte{2}; // was 3 (in the first event payload of packet 0)
    {
        std::ofstream out(work.path() / "stream_0", std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(stream.data()),
                  static_cast<std::streamsize>(stream.size()));
    }
    const std::string message = read_error(work.path());
    EXPECT_NE(message.find("Cannot handle state"), std::string::npos) << message;
    EXPECT_NE(message.find((work.path() / "stream_0").string()), std::string::npos) << message;
}

TEST(ctf_defect, crash_reason_is_the_assertion_or_the_last_line) {
    EXPECT_EQ(bt2::crash_reason("log line\n  msg-iter.c:1111: f(): Assertion `x' failed.\n"
                                "other\n"),
              "msg-iter.c:1111: f(): Assertion `x' failed.");
    EXPECT_EQ(bt2::crash_reason("first\n\n  last line\n\n"), "last line");
    EXPECT_EQ(bt2::crash_reason(""), "");
}

TEST(ctf_defect, the_cpu_budget_grows_with_the_trace) {
    const unsigned factor = bt2::cpu_budget_factor();
    EXPECT_TRUE(factor == 1 || factor == 5) << factor;
    EXPECT_EQ(bt2::opening_cpu_budget(0), 2u * factor);
    EXPECT_EQ(bt2::opening_cpu_budget(std::uint64_t{64} << 20), 6u * factor);
    EXPECT_EQ(bt2::opening_cpu_budget(~std::uint64_t{0}), 3602u * factor);
}
