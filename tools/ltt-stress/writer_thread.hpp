// writer_thread.hpp - one CPU's writer: records of the chosen size mix at
// the chosen rate into its own buffer, each carrying the CPU and a per-CPU
// sequence number counting the records produced (tried while enabled), so
// a trace can be checked for exactly-once delivery.
#pragma once

#include "cpu_buffer.hpp"
#include "producer_directory.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace ltt_stress {

enum class size_mix { small, mixed, large };

struct run_limits {
    std::optional<std::uint64_t> count;                         // tracepoint hits per CPU
    std::optional<std::chrono::steady_clock::time_point> until; // or until this time
    double rate = 0; // hits per second, 0 = as fast as possible
};

class cpu_writer {
public:
    cpu_writer(producer_directory& dir, cpu_buffer& buffer, size_mix mix, std::uint64_t seed);

    // Writes until the limits are reached (or `stop`). Runs on its own
    // thread, whose current buffer it sets.
    void run(const run_limits& limits, const std::atomic<bool>& stop);

    cpu_buffer& buffer() noexcept { return buffer_; }
    // Records produced: tried while their event was enabled (committed or
    // counted lost by the ring).
    std::uint64_t produced() const noexcept { return produced_; }
    // Tracepoint hits while the event was disabled (not records).
    std::uint64_t disabled() const noexcept { return disabled_; }

private:
    void write_one(std::uint32_t id);

    producer_directory& dir_;
    cpu_buffer& buffer_;
    size_mix mix_;
    std::uint64_t rng_;
    std::uint32_t seq_ = 0;
    std::uint64_t produced_ = 0;
    std::uint64_t disabled_ = 0;
};

} // namespace ltt_stress
