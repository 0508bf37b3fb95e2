#include "trace_totals.hpp"

#include "../core/loss.hpp"

#include <algorithm>

namespace ltt::viewer::test {

trace_totals read_totals(trace_reader& reader) {
    trace_totals t;
    for (event_stream* s : reader.streams()) {
        ++t.streams;
        event e;
        bool first = true;
        std::uint64_t previous = 0;
        while (s->next(e)) {
            if (e.cls->name == loss_desc.name && e.cls->facility == loss_facility) {
                const loss_info loss = decode_loss(e.payload);
                if (loss.reason == loss_reason::packets_lost)
                    t.lost_packets += loss.count;
                else
                    t.lost_events += loss.count;
                if (loss.reason == loss_reason::events_discarded && loss.count == 0)
                    ++t.unknown_losses;
                continue;
            }
            ++t.events;
            if (first)
                t.first_times.push_back(e.ts);
            else if (e.ts < previous)
                ++t.backwards;
            previous = e.ts;
            first = false;
        }
    }
    std::sort(t.first_times.begin(), t.first_times.end());
    return t;
}

} // namespace ltt::viewer::test
