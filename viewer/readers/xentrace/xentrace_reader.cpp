#include "xentrace_reader.hpp"

#include <ltt/errors.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace ltt::xentrace {

std::uint32_t reader_stats::cpus() const noexcept {
    return static_cast<std::uint32_t>(
        std::count_if(per_cpu.begin(), per_cpu.end(), [](std::uint64_t n) { return n != 0; }));
}

reader::reader(std::span<const std::byte> data, std::string name)
    : data_(data), name_(std::move(name)) {}

void reader::fail(std::uint64_t offset, const std::string& problem) const {
    throw ltt::format_error(name_, offset, problem);
}

// Callers have checked that offset + 4 <= data_.size().
std::uint32_t reader::word(std::uint64_t offset) const noexcept {
    std::uint32_t v = 0;
    for (unsigned i = 0; i < 4; i++)
        v |= static_cast<std::uint32_t>(data_[offset + i]) << (8 * i);
    return v;
}

std::optional<record> reader::next() {
    if (pos_ == data_.size())
        return std::nullopt;
    record rec = pos_ == window_end_ ? read_cpu_change() : read_record();
    count(rec);
    return rec;
}

record reader::read_cpu_change() {
    const std::uint64_t left = data_.size() - pos_;
    const char* what = pos_ == 0 ? "not a xentrace file: " : "";
    if (left < 4)
        fail(pos_, fmt::format("{}truncated: {} byte(s) left where a TRC_TRACE_CPU_CHANGE "
                               "record (a new CPU window) starts",
                               what, left));
    const std::uint32_t header = word(pos_);
    const std::uint32_t event = header & event_mask;
    const unsigned n_extra = (header >> extra_shift) & extra_max;
    if (event != trc_trace_cpu_change)
        fail(pos_, fmt::format("{}expected a TRC_TRACE_CPU_CHANGE record (0x{:08x}) starting a "
                               "CPU window, found header 0x{:08x}",
                               what, trc_trace_cpu_change, header));
    if (n_extra != 2 || (header & cycle_flag))
        fail(pos_, fmt::format("TRC_TRACE_CPU_CHANGE record with {} data word(s){}, expected 2 "
                               "(cpu, window size) and no TSC",
                               n_extra, (header & cycle_flag) ? " and a TSC" : ""));
    if (left < cpu_change_size)
        fail(pos_, fmt::format("truncated: TRC_TRACE_CPU_CHANGE record needs {} bytes, {} left",
                               cpu_change_size, left));
    const std::uint32_t cpu = word(pos_ + 4);
    const std::uint32_t window = word(pos_ + 8);
    if (cpu >= cpu_limit)
        fail(pos_,
             fmt::format("TRC_TRACE_CPU_CHANGE names CPU {}, Xen has at most {}", cpu, cpu_limit));
    if (window % 4 != 0)
        fail(pos_, fmt::format("CPU {} window of {} bytes: not a whole number of 32-bit words", cpu,
                               window));
    if (window > left - cpu_change_size)
        fail(pos_, fmt::format("truncated: CPU {} window of {} bytes runs past the end of the "
                               "file ({} bytes left after its TRC_TRACE_CPU_CHANGE record)",
                               cpu, window, left - cpu_change_size));
    record rec;
    rec.offset = pos_;
    rec.event = event;
    rec.cpu = cpu;
    rec.n_extra = 2;
    rec.extra[0] = cpu;
    rec.extra[1] = window;
    pos_ += cpu_change_size;
    window_end_ = pos_ + window;
    cpu_ = cpu;
    return rec;
}

record reader::read_record() {
    // Windows are whole words, so a header's 4 bytes are inside the window.
    const std::uint32_t header = word(pos_);
    record rec;
    rec.offset = pos_;
    rec.event = header & event_mask;
    rec.cpu = cpu_;
    rec.n_extra = static_cast<std::uint8_t>((header >> extra_shift) & extra_max);
    rec.has_tsc = (header & cycle_flag) != 0;
    if (rec.event == 0)
        fail(pos_, fmt::format("record header 0x{:08x} has event id 0 (zeroed or corrupt data "
                               "in CPU {}'s window)",
                               header, cpu_));
    if (rec.event == trc_trace_cpu_change)
        fail(pos_, fmt::format("TRC_TRACE_CPU_CHANGE record inside CPU {}'s window, {} bytes "
                               "before its end (window size wrong or data corrupt)",
                               cpu_, window_end_ - pos_));
    if (rec.size() > window_end_ - pos_)
        fail(pos_, fmt::format("record of {} bytes (header 0x{:08x}) runs past the end of CPU "
                               "{}'s window at offset {}",
                               rec.size(), header, cpu_, window_end_));
    std::uint64_t p = pos_ + 4;
    if (rec.has_tsc) {
        rec.tsc = word(p) | (static_cast<std::uint64_t>(word(p + 4)) << 32);
        p += 8;
    }
    for (unsigned i = 0; i < rec.n_extra; i++, p += 4)
        rec.extra[i] = word(p);
    pos_ = p;
    return rec;
}

void reader::count(const record& rec) {
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

} // namespace ltt::xentrace
