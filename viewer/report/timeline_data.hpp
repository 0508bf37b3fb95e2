// report/timeline_data.hpp - a timeline (core/timeline.hpp) kept for the
// HTML report, compactly: per lane row, the slices as three columns of
// LEB128 varints (the gap since the previous slice's end, zigzag-signed;
// the duration; the index of its name), the same for instants (gap, name)
// and for the events behind them (gap since the lane's previous event,
// index of its text "name: field=value ..."). Times are ticks of the merge's
// time base since its first event. Names and texts are interned once.
// The columns go into one buffer, deflated (zlib) and base64'd into the
// page, which inflates it with the browser's DecompressionStream and decodes
// each column into typed arrays (report/html/timeline_model.js). Varints of
// deltas, deflated, cost about 2 bytes a slice where fixed columns of
// doubles would cost 20.
//
// Every slice is kept (the page zooms down to single ones). The events
// behind click-details and the instants are capped: the first
// max_detail_events events of the merged stream keep their text, the first
// max_instants instants (losses excepted: every loss is kept) are drawn;
// what is cut is counted and said in the page, never silent.
#pragma once

#include "../core/timeline.hpp"
#include "event_text.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace ltt::viewer {

class timeline_data final : public timeline_sink {
public:
    struct limits {
        std::uint64_t max_detail_events = 1'000'000;
        std::uint64_t max_instants = 1'000'000;
    };
    explicit timeline_data(limits l);

    void lane(const timeline_lane& l) override;
    void slice(const timeline_slice& s) override;
    void instant(const timeline_instant& i) override;
    void lane_event(std::uint32_t lane, const event& e) override;
    void finish(std::uint64_t first, std::uint64_t last) override;

    // The document the page reads (written into a script element).
    nlohmann::json to_json(time_unit unit, std::uint64_t freq_hz) const;

    std::uint64_t slices() const noexcept { return slices_; }
    std::uint64_t events_seen() const noexcept { return events_seen_; }
    std::uint64_t events_kept() const noexcept { return events_kept_; }
    std::uint64_t instants_seen() const noexcept { return instants_seen_; }
    std::uint64_t instants_kept() const noexcept { return instants_kept_; }
    std::size_t lanes() const noexcept { return lanes_.size(); }
    std::size_t physical_cpus() const noexcept;
    std::size_t vcpus() const noexcept { return lanes_.size() - physical_cpus(); }
    // Ticks from the first to the last event.
    std::uint64_t span() const noexcept { return last_ - first_; }
    // Where the caps cut (ticks since the first event), nullopt when nothing was cut.
    std::optional<double> detail_until() const;
    std::optional<double> instants_until() const;

private:
    // One varint column plus the previous value its deltas are from.
    struct series {
        std::uint64_t n = 0;
        std::int64_t prev = 0; // ticks since the origin
        std::vector<std::uint8_t> gap, value, name;
    };
    struct lane_state {
        timeline_lane info;
        std::vector<series> rows;
        series instants, events;
    };

    std::int64_t rel(std::uint64_t ts);
    std::uint32_t name_of(mark_kind kind, std::optional<std::uint32_t> domid,
                          std::string_view label);
    std::uint32_t text_of(std::string_view text);

    limits limits_;
    bool have_origin_ = false;
    std::uint64_t origin_ = 0, first_ = 0, last_ = 0;
    std::vector<lane_state> lanes_; // by lane id
    // (kind, domid, label) packed into one string: the key of names_.
    std::string key_;
    std::unordered_map<std::string, std::uint32_t> name_index_;
    std::vector<std::tuple<mark_kind, std::int64_t, std::string>> names_;
    std::unordered_map<std::string, std::uint32_t> text_index_;
    std::vector<std::string> texts_;
    std::uint64_t slices_ = 0;
    std::uint64_t events_seen_ = 0, events_kept_ = 0;
    event_text_writer body_text_{event_text_style{}}; // the kept events' text
    std::optional<std::uint64_t> detail_until_;
    std::uint64_t instants_seen_ = 0, instants_kept_ = 0;
    std::optional<std::uint64_t> instants_until_;
};

// Standard base64 (RFC 4648) of bytes. Written here: no library the project
// depends on offers it, and it is a dozen lines.
std::string base64(const std::vector<std::uint8_t>& bytes);

} // namespace ltt::viewer
