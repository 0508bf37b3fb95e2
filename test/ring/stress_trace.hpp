// Writes the stress test's drained packets as a CTF trace (libltt's
// metadata and trace writers), so babeltrace2 can be checked against the
// stress test's own counts.
#pragma once

#include <ltt/trace_writer.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

namespace ltt::stress {

class stress_trace {
public:
    stress_trace(const std::filesystem::path& out, unsigned ncpu, const std::uint8_t (&uuid)[16],
                 bool compact_header);
    void append(unsigned cpu, const std::vector<std::uint8_t>& packet);
    void close();

private:
    std::unique_ptr<trace_writer> writer_;
};

// TSC ticks per second, measured against CLOCK_MONOTONIC.
std::uint64_t measure_tsc_hz();

} // namespace ltt::stress
