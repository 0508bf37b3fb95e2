// ltt/payload_writer.hpp - encodes an event payload the way genevent's
// declarations lay it out: packed little-endian integers (byte aligned) and
// NUL-terminated strings. For tests, seed generators and hand-assembled
// packets; tracepoints write payloads with include/ltt/tracepoint.h.
#pragma once

#include <ltt/le_bytes.hpp>

#include <concepts>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ltt {

class payload_writer {
public:
    // Any integer type, written with its own width (signed in two's complement).
    template <std::integral T> payload_writer& put(T value) {
        using U = std::make_unsigned_t<T>;
        const std::size_t at = bytes_.size();
        bytes_.resize(at + sizeof(U));
        store_le<U>(bytes_.data() + at, static_cast<U>(value));
        return *this;
    }

    // The string's bytes and a terminating NUL.
    payload_writer& put_string(std::string_view s) {
        for (char c : s)
            bytes_.push_back(static_cast<std::byte>(c));
        bytes_.push_back(std::byte{0});
        return *this;
    }

    const std::vector<std::byte>& bytes() const noexcept { return bytes_; }
    std::vector<std::byte> take() noexcept { return std::move(bytes_); }

private:
    std::vector<std::byte> bytes_;
};

} // namespace ltt
