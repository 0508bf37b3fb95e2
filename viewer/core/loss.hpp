// core/loss.hpp - losses are events: every reader turns what its format says
// about dropped records (a packet's events_discarded growing, a gap in
// packet_seq_num, xentrace's lost-records record, ftrace's "LOST n EVENTS")
// into a `lost_events` event at the place in its stream where the loss is
// known, so that every analysis sees it where it happened and no count is
// silent.
//
// Fields: count (events, or packets for packets_lost), reason, and the time
// interval [begin_ts, end_ts] the lost records fell in, as far as the format
// tells (babeltrace2's discarded-events messages carry the same interval for
// CTF: the previous packet's end to this packet's end).
#pragma once

#include <ltt/event_desc.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace ltt::viewer {

enum class loss_reason : std::uint8_t {
    events_discarded = 0, // CTF packet context events_discarded grew (ring buffer full)
    packets_lost = 1,     // packet_seq_num skipped packets (count is packets)
    records_lost = 2,     // xentrace TRC_LOST_RECORDS
    events_lost = 3,      // ftrace "LOST n EVENTS" / trace-cmd missed events
};

inline constexpr std::string_view loss_facility = "ltt_view";

inline constexpr ltt::enum_value_desc loss_reason_values[] = {
    {"events_discarded", 0},
    {"packets_lost", 1},
    {"records_lost", 2},
    {"events_lost", 3},
};
inline constexpr ltt::enum_desc loss_reason_enum{"loss_reason", ltt::field_kind::u8,
                                                 loss_reason_values};
inline constexpr ltt::field_desc loss_fields[] = {
    {"count", ltt::field_kind::u64, nullptr, 0, false, 8},
    {"reason", ltt::field_kind::u8, &loss_reason_enum, 0, false, 1},
    {"begin_ts", ltt::field_kind::u64, nullptr, 0, false, 8},
    {"end_ts", ltt::field_kind::u64, nullptr, 0, false, 8},
};
inline constexpr ltt::event_desc loss_desc{"lost_events", 0, loss_fields, 25, false};

// The payload of a lost_events event, to hand out from a reader.
struct loss_payload {
    std::array<std::byte, 25> bytes{};

    loss_payload(std::uint64_t count, loss_reason reason, std::uint64_t begin_ts,
                 std::uint64_t end_ts);
    std::span<const std::byte> span() const noexcept { return bytes; }
};

// Decoded, for consumers.
struct loss_info {
    std::uint64_t count = 0;
    loss_reason reason = loss_reason::events_discarded;
    std::uint64_t begin_ts = 0;
    std::uint64_t end_ts = 0;
};
loss_info decode_loss(std::span<const std::byte> payload);

std::string_view to_string(loss_reason reason);

} // namespace ltt::viewer
