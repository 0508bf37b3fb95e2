// analyses/event_counts.hpp - the first part of `ltt-view summary`: per
// source and CPU the events, the time span and rate, and the losses (how
// many, of what kind); per event class the count.
#pragma once

#include "analysis.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <tuple>

namespace ltt::viewer {

class event_counts final : public analysis {
public:
    explicit event_counts(const analysis_context& context);
    std::string_view name() const noexcept override { return "event_counts"; }
    void on_event(const event& e) override;
    result finish() override;

private:
    struct per_cpu {
        std::uint64_t events = 0; // lost_events not included
        std::uint64_t first = 0, last = 0;
        std::uint64_t lost_events = 0;  // events_discarded, records_lost, events_lost
        std::uint64_t lost_packets = 0; // packets_lost
        std::uint64_t loss_reports = 0;
    };
    // (index of the source in sources_, cpu): a stable order for the tables.
    using cpu_key = std::tuple<std::size_t, std::uint32_t>;

    static void cells_row(table& t, const source_info* s, std::uint32_t cpu, const per_cpu& c,
                          std::uint64_t span, double hz);

    analysis_context context_;
    per_cpu& slot(const event& e);

    std::map<cpu_key, per_cpu> cpus_;
    // The hot path: per_cpu entries by stream index, then CPU (map nodes
    // do not move), and counts by class id.
    std::vector<std::vector<per_cpu*>> by_stream_;
    std::vector<std::uint64_t> classes_;
    std::vector<const source_info*> sources_; // in order of first event
    std::map<const source_info*, std::size_t> source_index_;
};

} // namespace ltt::viewer
