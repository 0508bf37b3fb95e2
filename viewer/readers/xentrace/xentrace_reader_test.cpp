// The xentrace reader on the real files of ../shared/testdata (record counts
// as SOURCES.md gives them) and on truncated and garbage input (an
// ltt::format_error naming the file and the offset, never a crash).
#include "xentrace_reader.hpp"

#include <ltt/errors.hpp>
#include <ltt/mapped_file.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace {

namespace xt = ltt::xentrace;

std::filesystem::path testdata() {
    const char* dir = std::getenv("LTT_TESTDATA_DIR");
    return dir ? dir : "../shared/testdata";
}

// Reads everything; returns the stats.
xt::reader_stats read_all(std::span<const std::byte> data, const std::string& name) {
    xt::reader r(data, name);
    while (r.next()) {
    }
    return r.stats();
}

struct builder {
    std::vector<std::byte> bytes;

    builder& word(std::uint32_t v) {
        for (int i = 0; i < 4; i++)
            bytes.push_back(static_cast<std::byte>(v >> (8 * i)));
        return *this;
    }
    builder& window(std::uint32_t cpu, std::uint32_t size) {
        return word(0x2001f003u).word(cpu).word(size);
    }
    // A record with a TSC and n data words.
    builder& rec(std::uint32_t event, std::uint64_t tsc, unsigned n) {
        word(event | (n << 28) | 0x80000000u);
        word(static_cast<std::uint32_t>(tsc)).word(static_cast<std::uint32_t>(tsc >> 32));
        for (unsigned i = 0; i < n; i++)
            word(i + 1);
        return *this;
    }
    std::span<const std::byte> span() const { return bytes; }
};

// Expects a format_error at `offset` whose message contains `what`.
void expect_error(std::span<const std::byte> data, std::uint64_t offset, const std::string& what) {
    try {
        read_all(data, "test.bin");
        FAIL() << "no error, expected one at offset " << offset << " (" << what << ")";
    } catch (const ltt::format_error& e) {
        EXPECT_EQ(e.offset(), offset) << e.what();
        EXPECT_EQ(e.file(), "test.bin");
        EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
}

TEST(XentraceReader, RealHvmCredit2File) {
    const ltt::mapped_file f(testdata() / "xentrace/hvm-credit2-8cpu.bin");
    const xt::reader_stats s = read_all(f.bytes(), "hvm-credit2-8cpu.bin");
    // SOURCES.md (checked with xenalyze): 180,680 records, 27 wrap records,
    // 7,735 without a TSC, 8 CPUs. Its counts include the CPU-change records.
    EXPECT_EQ(s.records, 180680u);
    EXPECT_EQ(s.wraps, 27u);
    EXPECT_EQ(s.without_tsc, 7735u);
    EXPECT_EQ(s.cpus(), 8u);
    EXPECT_EQ(s.per_cpu.size(), 8u);
    EXPECT_GT(s.cpu_changes, 8u);
    EXPECT_EQ(s.lost_reports, 0u);
    EXPECT_EQ(s.bytes, f.bytes().size());
}

TEST(XentraceReader, RealQemuFile) {
    const ltt::mapped_file f(testdata() / "xen-4.17-qemu/xentrace.bin");
    const xt::reader_stats s = read_all(f.bytes(), "xentrace.bin");
    // SOURCES.md: about 285k records, none lost, dom0 with 2 vCPUs on a
    // 2-CPU host.
    EXPECT_GT(s.records, 280000u);
    EXPECT_LT(s.records, 290000u);
    EXPECT_EQ(s.cpus(), 2u);
    EXPECT_EQ(s.lost_reports, 0u);
    EXPECT_EQ(s.records_lost, 0u);
    EXPECT_EQ(s.bytes, f.bytes().size());
}

TEST(XentraceReader, RecordFields) {
    builder b;
    b.window(3, 28 + 8).rec(0x2800a, 0x123456789aull, 4);
    b.word(0x10081001u).word(7); // no TSC, one data word
    xt::reader r(b.span(), "test.bin");
    const auto cc = r.next();
    ASSERT_TRUE(cc);
    EXPECT_EQ(cc->event, xt::trc_trace_cpu_change);
    EXPECT_EQ(cc->cpu, 3u);
    const auto sw = r.next();
    ASSERT_TRUE(sw);
    EXPECT_EQ(sw->event, 0x2800au);
    EXPECT_EQ(sw->cpu, 3u);
    EXPECT_TRUE(sw->has_tsc);
    EXPECT_EQ(sw->tsc, 0x123456789aull);
    EXPECT_EQ(sw->n_extra, 4);
    EXPECT_EQ(sw->extra[3], 4u);
    EXPECT_EQ(sw->size(), 28u);
    EXPECT_EQ(sw->offset, 12u);
    const auto vm = r.next();
    ASSERT_TRUE(vm);
    EXPECT_FALSE(vm->has_tsc);
    EXPECT_EQ(vm->extra[0], 7u);
    EXPECT_EQ(vm->size(), 8u);
    EXPECT_FALSE(r.next());
    EXPECT_EQ(r.stats().records, 3u); // the CPU-change record and two
    EXPECT_EQ(r.stats().cpus(), 1u);
}

// cpu_reader: one CPU's records, its windows in file order, the other
// CPUs' windows skipped; together they are every record reader sees.
TEST(XentraceReader, CpuReaderFollowsOneCpu) {
    builder b;
    b.window(0, 28).rec(0x2800a, 10, 4);
    b.window(1, 2 * 28).rec(0x2800a, 11, 4).rec(0x2800a, 12, 4);
    b.window(0, 0); // an empty window
    b.window(0, 28).rec(0x2800a, 13, 4);
    std::vector<std::uint64_t> cpu0, cpu1;
    for (auto [cpu, out] : {std::pair{0u, &cpu0}, std::pair{1u, &cpu1}}) {
        xt::cpu_reader r(b.span(), "test.bin", cpu);
        while (const auto rec = r.next()) {
            EXPECT_EQ(rec->cpu, cpu);
            out->push_back(rec->tsc);
        }
    }
    EXPECT_EQ(cpu0, (std::vector<std::uint64_t>{10, 13}));
    EXPECT_EQ(cpu1, (std::vector<std::uint64_t>{11, 12}));
    xt::cpu_reader none(b.span(), "test.bin", 7);
    EXPECT_FALSE(none.next());
}

TEST(XentraceReader, CpuReaderOnRealFileMatchesReader) {
    const ltt::mapped_file f(testdata() / "xentrace/hvm-credit2-8cpu.bin");
    const xt::reader_stats s = read_all(f.bytes(), "hvm-credit2-8cpu.bin");
    for (std::uint32_t cpu = 0; cpu < s.per_cpu.size(); cpu++) {
        xt::cpu_reader r(f.bytes(), "hvm-credit2-8cpu.bin", cpu);
        std::uint64_t n = 0;
        while (r.next())
            n++;
        EXPECT_EQ(n, s.per_cpu[cpu]) << "cpu " << cpu;
    }
}

// A truncated window is an error for the CPU that owns it, at its offset.
TEST(XentraceReader, CpuReaderSeesTruncation) {
    builder b;
    b.window(0, 28).rec(0x2800a, 10, 4);
    b.window(1, 28).rec(0x2800a, 11, 4);
    const auto cut = std::span(b.bytes).first(b.bytes.size() - 4);
    xt::cpu_reader r(cut, "test.bin", 1);
    try {
        while (r.next()) {
        }
        FAIL() << "no error";
    } catch (const ltt::format_error& e) {
        EXPECT_EQ(e.offset(), 40u);
        EXPECT_NE(std::string(e.what()).find("runs past the end of the file"), std::string::npos);
    }
}

TEST(XentraceReader, EmptyFileHasNoRecords) {
    EXPECT_EQ(read_all({}, "empty.bin").records, 0u);
}

TEST(XentraceReader, LostRecordsAreCounted) {
    builder b;
    b.window(0, 28).rec(xt::trc_lost_records, 10, 4);
    b.bytes[12 + 12] = std::byte{42}; // first data word: records lost
    const xt::reader_stats s = read_all(b.span(), "test.bin");
    EXPECT_EQ(s.lost_reports, 1u);
    EXPECT_EQ(s.records_lost, 42u);
}

TEST(XentraceReader, TruncatedInputIsAnError) {
    builder b;
    b.window(1, 28).rec(0x2800a, 5, 4);
    expect_error(std::span(b.bytes).first(2), 0, "not a xentrace file: truncated");
    expect_error(std::span(b.bytes).first(8), 0, "truncated");
    expect_error(std::span(b.bytes).first(30), 0, "runs past the end of the file");
    builder two = b;
    two.window(0, 8).word(0x10081001u); // second window cut short
    expect_error(two.span(), 40, "runs past the end of the file");
    builder tail = b;
    tail.word(0x2001f003u).word(0); // a window's header cut short
    expect_error(tail.span(), 40, "needs 12 bytes");
}

TEST(XentraceReader, GarbageIsAnError) {
    builder notrace;
    notrace.word(0x464c457fu).word(0).word(0); // an ELF file
    expect_error(notrace.span(), 0, "not a xentrace file: expected a TRC_TRACE_CPU_CHANGE");

    builder cpu;
    cpu.window(100000, 0);
    expect_error(cpu.span(), 0, "names CPU 100000");

    builder odd;
    odd.window(0, 6).word(0).word(0);
    expect_error(odd.span(), 0, "not a whole number of 32-bit words");

    builder crossing; // a record claiming 7 data words in a 16-byte window
    crossing.window(0, 16).word(0xf002800au).word(0).word(0).word(0);
    expect_error(crossing.span(), 12, "runs past the end of CPU 0's window");

    builder zero;
    zero.window(0, 8).word(0).word(0);
    expect_error(zero.span(), 12, "event id 0");

    builder nested;
    nested.window(0, 12).window(1, 0);
    expect_error(nested.span(), 12, "inside CPU 0's window");

    builder shape;
    shape.word(0x9001f003u).word(0).word(0).word(0).word(0);
    expect_error(shape.span(), 0, "expected 2 (cpu, window size) and no TSC");
}

// Random bytes, and a real file's prefix with random corruptions: the reader
// either reads it or throws format_error; never anything else (ASan/UBSan
// check the "never crashes" part in the sanitize build).
TEST(XentraceReader, RandomCorruptionNeverCrashes) {
    const ltt::mapped_file f(testdata() / "xentrace/hvm-credit2-8cpu.bin");
    const auto real = f.bytes().first(std::min<std::size_t>(f.bytes().size(), 64 * 1024));
    std::mt19937_64 rng(7);
    for (int round = 0; round < 300; round++) {
        std::vector<std::byte> data(real.begin(), real.end());
        if (round % 3 == 0) {
            data.resize(rng() % 4096);
            for (auto& b : data)
                b = static_cast<std::byte>(rng());
        } else {
            for (int k = 0; k < 1 + round % 5; k++)
                data[rng() % data.size()] = static_cast<std::byte>(rng());
            data.resize(rng() % data.size());
        }
        try {
            read_all(data, "corrupt.bin");
        } catch (const ltt::format_error& e) {
            EXPECT_LE(e.offset(), data.size());
        }
    }
}

} // namespace
