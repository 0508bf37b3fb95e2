// ltt/tsc_clock.hpp - how the `tsc` clock class maps raw TSC counts to the
// Unix epoch (DESIGN.md section 4).
//
// A CTF clock value c means offset_s + (offset + c) / freq seconds since the
// epoch. At session start the consumer samples the Unix time and the TSC
// together; the offset is chosen so that this TSC value maps to that time.
#pragma once

#include <cstdint>

namespace ltt {

// One simultaneous sample of the Unix time and the (host) TSC.
struct clock_origin {
    std::int64_t unix_ns = 0;
    std::uint64_t tsc = 0;
};

// CTF's offset_s and offset (cycles, always in [0, freq)).
struct clock_offset {
    std::int64_t seconds = 0;
    std::uint64_t cycles = 0;
};

// Throws std::invalid_argument when tsc_hz is 0.
clock_offset compute_clock_offset(std::uint64_t tsc_hz, clock_origin origin);

} // namespace ltt
