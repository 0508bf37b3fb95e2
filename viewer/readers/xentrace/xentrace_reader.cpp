#include "xentrace_reader.hpp"

#include <ltt/errors.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace ltt::xentrace {

std::uint32_t reader_stats::cpus() const noexcept {
    return static_cast<std::uint32_t>(
        std::count_if(per_cpu.begin(), per_cpu.end(), [](std::uint64_t n) { return n != 0; }));
}

file_layout::file_layout(std::span<const std::byte> data, std::string name)
    : data_(data), name_(std::move(name)) {}

void file_layout::fail(std::uint64_t offset, const std::string& problem) const {
    throw ltt::format_error(name_, offset, problem);
}

// Callers have checked that offset + 4 <= data_.size(). The file is
// little-endian, as is every machine Xen's x86 traces are read on.
std::uint32_t file_layout::word(std::uint64_t offset) const noexcept {
    std::uint32_t v = 0;
    std::memcpy(&v, data_.data() + offset, sizeof v);
    return v;
}

window file_layout::read_window(std::uint64_t pos) const {
    const std::uint64_t left = data_.size() - pos;
    const char* what = pos == 0 ? "not a xentrace file: " : "";
    if (left < 4)
        fail(pos, fmt::format("{}truncated: {} byte(s) left where a TRC_TRACE_CPU_CHANGE "
                              "record (a new CPU window) starts",
                              what, left));
    const std::uint32_t header = word(pos);
    const std::uint32_t event = header & event_mask;
    const unsigned n_extra = (header >> extra_shift) & extra_max;
    if (event != trc_trace_cpu_change)
        fail(pos, fmt::format("{}expected a TRC_TRACE_CPU_CHANGE record (0x{:08x}) starting a "
                              "CPU window, found header 0x{:08x}",
                              what, trc_trace_cpu_change, header));
    if (n_extra != 2 || (header & cycle_flag))
        fail(pos, fmt::format("TRC_TRACE_CPU_CHANGE record with {} data word(s){}, expected 2 "
                              "(cpu, window size) and no TSC",
                              n_extra, (header & cycle_flag) ? " and a TSC" : ""));
    if (left < cpu_change_size)
        fail(pos, fmt::format("truncated: TRC_TRACE_CPU_CHANGE record needs {} bytes, {} left",
                              cpu_change_size, left));
    const std::uint32_t cpu = word(pos + 4);
    const std::uint32_t size = word(pos + 8);
    if (cpu >= cpu_limit)
        fail(pos,
             fmt::format("TRC_TRACE_CPU_CHANGE names CPU {}, Xen has at most {}", cpu, cpu_limit));
    if (size % 4 != 0)
        fail(pos, fmt::format("CPU {} window of {} bytes: not a whole number of 32-bit words", cpu,
                              size));
    if (size > left - cpu_change_size)
        fail(pos, fmt::format("truncated: CPU {} window of {} bytes runs past the end of the "
                              "file ({} bytes left after its TRC_TRACE_CPU_CHANGE record)",
                              cpu, size, left - cpu_change_size));
    return window{pos, cpu, pos + cpu_change_size, pos + cpu_change_size + size};
}

record file_layout::read_record(std::uint64_t pos, const window& w, unsigned words) const {
    // Windows are whole words, so a header's 4 bytes are inside the window.
    const std::uint32_t header = word(pos);
    record rec;
    rec.offset = pos;
    rec.event = header & event_mask;
    rec.cpu = w.cpu;
    rec.n_extra = static_cast<std::uint8_t>((header >> extra_shift) & extra_max);
    rec.has_tsc = (header & cycle_flag) != 0;
    if (rec.event == 0)
        fail(pos, fmt::format("record header 0x{:08x} has event id 0 (zeroed or corrupt data "
                              "in CPU {}'s window)",
                              header, w.cpu));
    if (rec.event == trc_trace_cpu_change)
        fail(pos, fmt::format("TRC_TRACE_CPU_CHANGE record inside CPU {}'s window, {} bytes "
                              "before its end (window size wrong or data corrupt)",
                              w.cpu, w.end - pos));
    if (rec.size() > w.end - pos)
        fail(pos, fmt::format("record of {} bytes (header 0x{:08x}) runs past the end of CPU "
                              "{}'s window at offset {}",
                              rec.size(), header, w.cpu, w.end));
    std::uint64_t p = pos + 4;
    if (rec.has_tsc) {
        rec.tsc = word(p) | (static_cast<std::uint64_t>(word(p + 4)) << 32);
        p += 8;
    }
    const unsigned n = std::min<unsigned>(rec.n_extra, words);
    for (unsigned i = 0; i < n; i++, p += 4)
        rec.extra[i] = word(p);
    return rec;
}

reader::reader(std::span<const std::byte> data, std::string name)
    : layout_(data, std::move(name)) {}

std::optional<record> reader::next(unsigned words) {
    if (pos_ == layout_.size())
        return std::nullopt;
    record rec;
    if (pos_ == window_.end) {
        window_ = layout_.read_window(pos_);
        rec = file_layout::cpu_change_record(window_);
        pos_ = window_.begin;
    } else {
        rec = layout_.read_record(pos_, window_, words);
        pos_ += rec.size();
    }
    counter_.count(rec);
    return rec;
}

record file_layout::cpu_change_record(const window& w) {
    record rec;
    rec.offset = w.offset;
    rec.event = trc_trace_cpu_change;
    rec.cpu = w.cpu;
    rec.n_extra = 2;
    rec.extra[0] = w.cpu;
    rec.extra[1] = static_cast<std::uint32_t>(w.end - w.begin);
    return rec;
}

void record_counter::count(const record& rec) {
    stats_.records++;
    stats_.bytes += rec.size();
    if (!rec.has_tsc)
        stats_.without_tsc++;
    if (rec.cpu >= stats_.per_cpu.size()) {
        stats_.per_cpu.resize(rec.cpu + 1, 0);
        last_tsc_.resize(rec.cpu + 1);
    }
    switch (rec.event) {
    case trc_trace_cpu_change:
        stats_.cpu_changes++;
        return; // framing, not a record of the CPU's buffer
    case trc_trace_wrap_buffer:
        stats_.wraps++;
        break;
    case trc_lost_records:
        stats_.lost_reports++;
        if (rec.n_extra >= 1)
            stats_.records_lost += rec.extra[0];
        break;
    default:
        break;
    }
    stats_.per_cpu[rec.cpu]++;
    if (rec.has_tsc) {
        auto& last = last_tsc_[rec.cpu];
        if (last && rec.tsc < *last)
            stats_.tsc_backwards++;
        last = rec.tsc;
    }
}

cpu_reader::cpu_reader(std::span<const std::byte> data, std::string name, std::uint32_t cpu)
    : layout_(data, std::move(name)), cpu_(cpu) {}

bool cpu_reader::next_window() {
    while (next_window_ < layout_.size()) {
        window_ = layout_.read_window(next_window_);
        next_window_ = window_.end;
        if (window_.cpu == cpu_ && window_.begin != window_.end) {
            pos_ = window_.begin;
            return true;
        }
    }
    done_ = true;
    return false;
}

std::optional<record> cpu_reader::next() {
    if (pos_ >= window_.end && !next_window())
        return std::nullopt;
    record rec = layout_.read_record(pos_, window_);
    pos_ += rec.size();
    return rec;
}

} // namespace ltt::xentrace
