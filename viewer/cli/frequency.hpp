// cli/frequency.hpp - "2.6G", "2600M", "2.6GHz", "2600000000" -> Hz.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ltt::viewer {

// nullopt for anything else (or a frequency below 1 MHz or above 100 GHz).
std::optional<std::uint64_t> parse_frequency(std::string_view text);

} // namespace ltt::viewer
