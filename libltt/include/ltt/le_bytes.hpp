// ltt/le_bytes.hpp - little-endian loads and stores of the unsigned integers
// packets are made of (every ltt-xen trace is byte_order = le). Callers check
// bounds; these only move bytes, whatever the host's byte order.
#pragma once

#include <concepts>
#include <cstddef>

namespace ltt {

template <std::unsigned_integral T> constexpr T load_le(const std::byte* p) noexcept {
    T v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        v = static_cast<T>(v | static_cast<T>(std::to_integer<T>(p[i]) << (8 * i)));
    return v;
}

template <std::unsigned_integral T> constexpr void store_le(std::byte* p, T v) noexcept {
    for (std::size_t i = 0; i < sizeof(T); ++i)
        p[i] = static_cast<std::byte>(v >> (8 * i));
}

} // namespace ltt
