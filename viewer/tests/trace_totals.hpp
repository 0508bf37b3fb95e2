// tests/trace_totals.hpp - what a reader hands out, counted: every stream
// read to its end on its own (no merge).
#pragma once

#include "../readers/reader.hpp"

#include <cstdint>
#include <vector>

namespace ltt::viewer::test {

struct trace_totals {
    std::size_t streams = 0;
    std::uint64_t events = 0;               // not counting lost_events
    std::uint64_t lost_events = 0;          // sum of events_discarded losses' counts
    std::uint64_t lost_packets = 0;         // sum of packets_lost losses' counts
    std::uint64_t unknown_losses = 0;       // events_discarded losses of count 0 (unknown)
    std::uint64_t backwards = 0;            // events earlier than their stream's previous event
    std::vector<std::uint64_t> first_times; // first event of each stream with events, sorted
};

trace_totals read_totals(trace_reader& reader);

} // namespace ltt::viewer::test
