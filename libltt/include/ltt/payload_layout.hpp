// ltt/payload_layout.hpp - the sizes of event payloads, for the packet
// reader: a record's payload length is not in the record; it follows from the
// event's fields (fixed-size integers, enums and arrays, NUL-terminated
// strings).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace ltt {

// Given an event id and the bytes from the start of its payload to the end
// of the packet's content, returns the payload's size in bytes. Throws
// ltt::payload_error when it cannot (unknown id, unterminated string). A size
// larger than the bytes given is reported by the reader as a truncated record.
using payload_size_fn =
    std::function<std::size_t(std::uint32_t id, std::span<const std::byte> available)>;

// One event's payload: fixed-size runs and NUL-terminated strings, in order.
class payload_layout {
public:
    payload_layout() = default;

    // A run of `bytes` fixed-size bytes (integers, enums, arrays of them).
    payload_layout& fixed(std::size_t bytes);
    // A NUL-terminated string.
    payload_layout& string();

    // The size of the payload at the start of `available`.
    std::size_t size_in(std::span<const std::byte> available) const;

    // The size when the payload has no strings.
    std::optional<std::size_t> fixed_size() const noexcept;

private:
    static constexpr std::size_t string_part = static_cast<std::size_t>(-1);
    std::vector<std::size_t> parts_; // byte counts, or string_part
};

// Payload layouts by event id (the channel's ids), usable as a payload_size_fn.
class payload_sizes {
public:
    void set(std::uint32_t id, payload_layout layout);
    std::size_t operator()(std::uint32_t id, std::span<const std::byte> available) const;
    // The size of event `id` when it has no strings (true), without a call:
    // most events need no walk over their layout.
    bool fixed(std::uint32_t id, std::size_t& size) const noexcept {
        if (id >= fixed_.size() || fixed_[id] == 0)
            return false;
        size = fixed_[id] - 1;
        return true;
    }

private:
    std::vector<std::optional<payload_layout>> layouts_;
    std::vector<std::size_t> fixed_; // by id: 1 + the fixed size; 0 when not fixed
};

} // namespace ltt
