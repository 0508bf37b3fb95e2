#include <ltt/ring_mode.hpp>

#include <ltt/ring_layout.h>

namespace ltt {

std::string_view to_string(ring_mode mode) noexcept {
    return mode == ring_mode::overwrite ? "overwrite" : "discard";
}

std::optional<ring_mode> parse_ring_mode(std::string_view text) noexcept {
    if (text == "discard")
        return ring_mode::discard;
    if (text == "overwrite")
        return ring_mode::overwrite;
    return std::nullopt;
}

std::uint32_t to_ltt_mode(ring_mode mode) noexcept {
    return mode == ring_mode::overwrite ? LTT_MODE_OVERWRITE : LTT_MODE_DISCARD;
}

std::optional<ring_mode> from_ltt_mode(std::uint32_t value) noexcept {
    if (value == LTT_MODE_DISCARD)
        return ring_mode::discard;
    if (value == LTT_MODE_OVERWRITE)
        return ring_mode::overwrite;
    return std::nullopt;
}

} // namespace ltt
