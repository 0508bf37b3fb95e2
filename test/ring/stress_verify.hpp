// Checks what the stress test's reader drained: every record once, in
// order per writer, untorn, timestamps monotonic per CPU, and the packets'
// cumulative loss counts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ltt::stress {

struct cpu_result {
    std::uint64_t packets = 0;
    std::uint64_t records = 0;         // records read
    std::uint64_t first_discarded = 0; // events_discarded of the first packet
    std::uint64_t last_discarded = 0;  // ... and of the last one
    std::uint64_t packet_seq_gaps = 0; // packets missing between those read
    std::vector<std::string> errors;   // empty when everything checks out
};

// `packets` are the packets of one CPU's stream in the order read.
cpu_result verify_cpu(std::uint32_t cpu, const std::vector<std::vector<std::uint8_t>>& packets,
                      bool compact_header);

} // namespace ltt::stress
