// xentrace_reader.hpp - reads the binary files Xen's xentrace writes.
//
// Layout (xen/include/public/trace.h, tools/xentrace/xentrace.c of Xen 4.17),
// all little-endian u32 words:
//
//   record   header: bits 0-27 event id, bits 28-30 number of data words
//            (0..7), bit 31 a 64-bit TSC follows (low word, then high word);
//            then the data words. 4 + 8 + 28 bytes at most.
//   file     a sequence of per-CPU windows, each a TRC_TRACE_CPU_CHANGE record
//            (0x0001f003, 2 data words: the physical CPU, then the byte count
//            of the window's records that follow) and the records xentrace
//            copied out of that CPU's trace buffer. A window ends on a record
//            boundary; a buffer that wrapped inside the window is copied in
//            two pieces, still contiguous in the file.
//
// Inside windows Xen itself writes TRC_TRACE_WRAP_BUFFER records (padding to
// the end of its buffer, size given by their own header) and
// TRC_LOST_RECORDS records (first data word: records Xen dropped because the
// buffer was full). `reader` hands out every record of the file in file
// order, these and the CPU-change records included, and counts them in
// stats(); `cpu_reader` hands out the records of one CPU only, hopping from
// one of its windows to the next by the windows' sizes (constant memory,
// whatever the file's size).
//
// Every malformed input (truncated file, window or record, a window not
// introduced by a CPU-change record, zeroed or garbage words) is an
// ltt::format_error naming the file and the byte offset; nothing is read
// outside the bytes given.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ltt::xentrace {

inline constexpr std::uint32_t trc_gen = 0x0001f000;
inline constexpr std::uint32_t trc_lost_records = trc_gen + 1;
inline constexpr std::uint32_t trc_trace_wrap_buffer = trc_gen + 2;
inline constexpr std::uint32_t trc_trace_cpu_change = trc_gen + 3;

inline constexpr unsigned extra_max = 7;                 // TRACE_EXTRA_MAX
inline constexpr std::uint32_t event_mask = 0x0fffffffu; // TRC_HD_TO_EVENT
inline constexpr std::uint32_t cycle_flag = 0x80000000u; // TRC_HD_CYCLE_FLAG
inline constexpr unsigned extra_shift = 28;              // TRACE_EXTRA_SHIFT
inline constexpr std::uint32_t cpu_limit = 4096;         // Xen's NR_CPUS ceiling
inline constexpr std::uint32_t cpu_change_size = 12;     // header + cpu + window size

// True for Xen's own bookkeeping records (class TRC_GEN: lost records, buffer
// wrap, CPU change), as opposed to traced events.
constexpr bool is_trace_bookkeeping(std::uint32_t event) {
    return (event & 0x0ffff000u) == trc_gen;
}

struct record {
    std::uint64_t offset = 0; // of the record's header in the file
    std::uint32_t event = 0;  // the 28-bit event id
    std::uint32_t cpu = 0;    // the window's physical CPU (a CPU-change: the one it announces)
    std::uint8_t n_extra = 0; // data words
    bool has_tsc = false;
    std::uint64_t tsc = 0; // valid when has_tsc
    std::array<std::uint32_t, extra_max> extra{};

    // Bytes of the record in the file.
    std::uint32_t size() const noexcept { return 4u + (has_tsc ? 8u : 0u) + 4u * n_extra; }
};

struct reader_stats {
    std::uint64_t records = 0;          // every record, CPU-change records included
    std::uint64_t cpu_changes = 0;      // windows
    std::uint64_t wraps = 0;            // TRC_TRACE_WRAP_BUFFER records
    std::uint64_t lost_reports = 0;     // TRC_LOST_RECORDS records
    std::uint64_t records_lost = 0;     // sum of the losses they report
    std::uint64_t without_tsc = 0;      // records with no TSC (CPU-change ones included)
    std::uint64_t tsc_backwards = 0;    // TSC older than the previous one of the same CPU
    std::uint64_t bytes = 0;            // bytes read, windows' CPU-change records included
    std::vector<std::uint64_t> per_cpu; // records in each CPU's windows (CPU-change ones not)

    // CPUs with at least one record.
    std::uint32_t cpus() const noexcept;
};

// Counts records into reader_stats, each once, in file order (the CPU-change
// record of a window before its records).
class record_counter {
public:
    void count(const record& rec);
    const reader_stats& stats() const noexcept { return stats_; }

private:
    reader_stats stats_;
    std::vector<std::optional<std::uint64_t>> last_tsc_; // by CPU
};

// One window: a CPU-change record and the records that follow it.
struct window {
    std::uint64_t offset = 0; // of the CPU-change record
    std::uint32_t cpu = 0;
    std::uint64_t begin = 0; // first record's offset
    std::uint64_t end = 0;   // one past the last record's bytes
};

// Parses windows and records at given offsets of a file's bytes; shared by
// both readers.
class file_layout {
public:
    // `data` is the whole file (it must outlive this); `name` names it in
    // errors.
    file_layout(std::span<const std::byte> data, std::string name);

    // The window whose CPU-change record is at `offset` (< size()).
    window read_window(std::uint64_t offset) const;
    // The record at `offset`, inside `w`, with its first `words` data words
    // (all of them by default; the rest of `extra` is left zero).
    record read_record(std::uint64_t offset, const window& w, unsigned words = extra_max) const;
    // The CPU-change record of a window, as a record.
    static record cpu_change_record(const window& w);

    std::uint64_t size() const noexcept { return data_.size(); }
    const std::string& name() const noexcept { return name_; }
    [[noreturn]] void fail(std::uint64_t offset, const std::string& problem) const;

private:
    std::uint32_t word(std::uint64_t offset) const noexcept;

    std::span<const std::byte> data_;
    std::string name_;
};

// Every record of the file, in file order.
class reader {
public:
    reader(std::span<const std::byte> data, std::string name);

    // The next record; nullopt at the end of the file. Throws
    // ltt::format_error on malformed input. With `words`, only the first
    // that many data words are read (a faster pass over the file).
    std::optional<record> next(unsigned words = extra_max);

    const reader_stats& stats() const noexcept { return counter_.stats(); }
    const std::string& name() const noexcept { return layout_.name(); }

private:
    file_layout layout_;
    std::uint64_t pos_ = 0;
    window window_; // pos_ == window_.end: a CPU-change record comes next
    record_counter counter_;
};

// The records of one physical CPU (not its CPU-change records), in file
// order. Windows of other CPUs are skipped by their sizes, their records
// not looked at (reader checks the whole file).
class cpu_reader {
public:
    cpu_reader(std::span<const std::byte> data, std::string name, std::uint32_t cpu);

    std::optional<record> next();
    const std::string& name() const noexcept { return layout_.name(); }
    std::uint32_t cpu() const noexcept { return cpu_; }
    // Nothing before this offset will be read again (the current window's
    // CPU-change record; the file's size at the end).
    std::uint64_t position() const noexcept { return done_ ? layout_.size() : window_.offset; }

private:
    bool next_window();

    file_layout layout_;
    std::uint32_t cpu_;
    std::uint64_t next_window_ = 0; // offset of the next CPU-change record
    window window_;
    std::uint64_t pos_ = 0; // in window_ while pos_ < window_.end
    bool done_ = false;
};

} // namespace ltt::xentrace
