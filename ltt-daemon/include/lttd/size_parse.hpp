// lttd/size_parse.hpp - byte sizes as people type them on a command line
// ("4096", "64k", "1M", "2MiB"): binary multiples, as buffer sizes are.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lttd {

// nullopt when `text` is not a size (empty, junk, negative, overflow).
std::optional<std::uint64_t> parse_size(std::string_view text);

// log2 of `value` when it is a power of two, nullopt otherwise.
std::optional<std::uint32_t> log2_exact(std::uint64_t value);

// "4 KiB", "1 MiB", "300 B": for messages and status output.
std::string format_size(std::uint64_t bytes);

} // namespace lttd
