// analyses/analysis.hpp - an analysis consumes the merged stream of events
// (in time order, losses included) and returns tables. It never sees a
// reader: only events, their classes and the sources they came from, and
// the state trackers (viewer/state) every analysis shares.
#pragma once

#include "../core/event.hpp"
#include "../core/table.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace ltt::viewer {

class class_registry;
class cpu_tracker;

// What every analysis may consult.
struct analysis_context {
    const class_registry* classes = nullptr;
    time_unit unit = time_unit::tsc;
    std::uint64_t freq_hz = 0;               // cycles per second of the time base; 0: unknown
    const cpu_tracker* cpus = nullptr;       // updated before each event reaches analyses
    std::vector<const source_info*> sources; // every trace being read
};

class analysis {
public:
    virtual ~analysis() = default;
    virtual std::string_view name() const noexcept = 0;
    // Each event of the merged stream, in order.
    virtual void on_event(const event& e) = 0;
    // After the last event.
    virtual result finish() = 0;
};

} // namespace ltt::viewer
