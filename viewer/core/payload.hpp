// core/payload.hpp - reading and writing payloads in the viewer's one
// encoding (core/event_class.hpp): packed little-endian fields in
// declaration order, NUL-terminated strings.
//
// Two ways to read: by offset (classes with a fixed layout, the hot path of
// analyses: the offset comes from event_class::offsets, resolved once) and
// field by field (any class, for printing and filtering).
#pragma once

#include "event_class.hpp"

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ltt::viewer {

// x86 is little-endian, as are the encodings: a plain copy. Callers
// guarantee the bytes are there (offsets come from the class, the class
// from the reader that checked the payload's size).
template <typename T> inline T load_le(const std::byte* p) noexcept {
    static_assert(std::is_trivially_copyable_v<T>);
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// One field's value, decoded.
struct field_value {
    enum class kind : std::uint8_t { unsigned_int, signed_int, string, array };
    kind what = kind::unsigned_int;
    std::uint64_t u = 0;
    std::int64_t s = 0;
    std::string_view str;               // string
    std::span<const std::byte> element; // array: the raw elements
};

// Walks the fields of one payload in order. The payload must have been
// sized by its reader with the same descriptor (it always has: readers
// check), so nothing here reads past it; a short payload yields no more
// fields rather than reading out of bounds.
class field_cursor {
public:
    field_cursor(const ltt::event_desc& desc, std::span<const std::byte> payload) noexcept
        : desc_(desc), payload_(payload) {}

    // The next field, or false after the last one.
    bool next(const ltt::field_desc*& field, field_value& value) noexcept;

private:
    const ltt::event_desc& desc_;
    std::span<const std::byte> payload_;
    std::size_t index_ = 0;
    std::size_t pos_ = 0;
};

// The value of a field by index (walks the payload when the layout is not
// fixed). False when there is no such field.
bool field_at(const event_class& cls, std::span<const std::byte> payload, std::size_t index,
              field_value& value) noexcept;

// An integer field as an unsigned value (signed ones sign-extended then
// converted), the fast way for fixed layouts.
inline std::uint64_t unsigned_at(const event_class& cls, std::span<const std::byte> payload,
                                 std::size_t index) noexcept {
    if (!cls.offsets.empty()) {
        const ltt::field_desc& f = cls.desc->fields[index];
        const std::byte* p = payload.data() + cls.offsets[index];
        switch (f.kind) {
        case ltt::field_kind::u8:
            return load_le<std::uint8_t>(p);
        case ltt::field_kind::u16:
            return load_le<std::uint16_t>(p);
        case ltt::field_kind::u32:
            return load_le<std::uint32_t>(p);
        case ltt::field_kind::u64:
            return load_le<std::uint64_t>(p);
        case ltt::field_kind::s8:
            return static_cast<std::uint64_t>(static_cast<std::int64_t>(load_le<std::int8_t>(p)));
        case ltt::field_kind::s16:
            return static_cast<std::uint64_t>(static_cast<std::int64_t>(load_le<std::int16_t>(p)));
        case ltt::field_kind::s32:
            return static_cast<std::uint64_t>(static_cast<std::int64_t>(load_le<std::int32_t>(p)));
        case ltt::field_kind::s64:
            return static_cast<std::uint64_t>(load_le<std::int64_t>(p));
        case ltt::field_kind::string:
            return 0;
        }
        return 0;
    }
    field_value v;
    if (!field_at(cls, payload, index, v))
        return 0;
    return v.what == field_value::kind::signed_int ? static_cast<std::uint64_t>(v.s) : v.u;
}

inline std::int64_t signed_at(const event_class& cls, std::span<const std::byte> payload,
                              std::size_t index) noexcept {
    return static_cast<std::int64_t>(unsigned_at(cls, payload, index));
}

// Builds a payload for a class, field by field in declaration order (for
// readers whose format is not the viewer's encoding). Reused between events:
// clear() keeps the capacity.
class payload_builder {
public:
    void clear() noexcept { bytes_.clear(); }
    void put(ltt::field_kind kind, std::uint64_t value);
    void put_string(std::string_view text); // NULs inside are cut off
    std::span<const std::byte> span() const noexcept { return bytes_; }

private:
    std::vector<std::byte> bytes_;
};

} // namespace ltt::viewer
