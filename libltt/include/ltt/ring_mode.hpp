// ltt/ring_mode.hpp - the two ways a ring buffer treats a full buffer
// (include/ltt/ring_layout.h: LTT_MODE_DISCARD, LTT_MODE_OVERWRITE).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ltt {

enum class ring_mode { discard, overwrite };

std::string_view to_string(ring_mode mode) noexcept;
std::optional<ring_mode> parse_ring_mode(std::string_view text) noexcept;

// The LTT_MODE_* value of a mode, and back (nullopt for unknown values).
std::uint32_t to_ltt_mode(ring_mode mode) noexcept;
std::optional<ring_mode> from_ltt_mode(std::uint32_t value) noexcept;

} // namespace ltt
