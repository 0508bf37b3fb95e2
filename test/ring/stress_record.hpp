// The records the ring-buffer stress test writes (ring_stress.xml): eight
// payload sizes, each carrying its writer, CPU, a per-writer sequence
// number counting every attempt, and a fill pattern derived from it.
#pragma once

#include <array>
#include <cstdint>

namespace ltt::stress {

inline constexpr std::uint32_t event_count = 8;
// Fill bytes of event k (ring_stress.xml must agree).
inline constexpr std::array<std::uint32_t, event_count> fill_len = {0, 2, 6, 10, 26, 58, 122, 250};
inline constexpr std::uint32_t fixed_len = 6; // source u8, cpu u8, seq u32

inline constexpr std::uint32_t payload_len(std::uint32_t id) {
    return fixed_len + fill_len[id];
}

inline constexpr std::uint8_t fill_byte(std::uint32_t seq, std::uint32_t i) {
    return static_cast<std::uint8_t>(seq + i);
}

enum class source : std::uint8_t { thread = 0, handler = 1 };

// Writes one record into the calling thread's buffer (ltt_env_current_buf).
// Returns true when it was committed, false when the ring dropped (and
// counted) it. Async-signal-safe.
bool write_record(std::uint32_t id, source src, std::uint8_t cpu, std::uint32_t seq) noexcept;

} // namespace ltt::stress
