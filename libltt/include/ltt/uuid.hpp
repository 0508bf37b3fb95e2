// ltt/uuid.hpp - the 16-byte UUIDs a trace carries (trace uuid in every packet
// header, clock uuid shared by all traces of a session).
//
// Hand-written rather than taken from libuuid: formatting and parsing 16
// bytes is a few lines, and it keeps libltt's dependencies to what
// `make deps` installs.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ltt {

using uuid = std::array<std::uint8_t, 16>;

// Canonical lower-case 8-4-4-4-12 form, as CTF's `uuid = "..."` expects.
std::string uuid_to_string(const uuid& u);

// Parses the canonical form (either case); nullopt when it is not one.
std::optional<uuid> parse_uuid(std::string_view text);

// A random (version 4) UUID from std::random_device.
uuid random_uuid();

} // namespace ltt
