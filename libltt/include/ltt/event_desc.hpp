// Descriptors of facilities, events and fields, as genevent's `cpp` target
// emits them (constexpr data in generated headers, no .cpp needed): what the
// viewer needs to decode a record's payload and to name what it shows.
//
// A record's payload is its fields in declaration order, packed (no padding),
// little-endian; arrays are `length` consecutive elements; strings are
// NUL-terminated UTF-8.
#pragma once

#include <ltt/layer.hpp>

#include <cstdint>
#include <span>
#include <string_view>

namespace ltt {

enum class field_kind : std::uint8_t { u8, u16, u32, u64, s8, s16, s32, s64, string };

// Bytes of one element of this kind; 0 for String (variable).
constexpr std::uint32_t kind_size(field_kind kind) {
    switch (kind) {
    case field_kind::u8:
    case field_kind::s8:
        return 1;
    case field_kind::u16:
    case field_kind::s16:
        return 2;
    case field_kind::u32:
    case field_kind::s32:
        return 4;
    case field_kind::u64:
    case field_kind::s64:
        return 8;
    case field_kind::string:
        return 0;
    }
    return 0;
}

constexpr bool kind_is_signed(field_kind kind) {
    return kind == field_kind::s8 || kind == field_kind::s16 || kind == field_kind::s32 ||
           kind == field_kind::s64;
}

struct enum_value_desc {
    std::string_view name;
    std::int64_t value;
};

struct enum_desc {
    std::string_view name;
    field_kind kind; // the underlying integer type
    std::span<const enum_value_desc> values;

    // Name of the first value equal to `value`, or empty when none is.
    constexpr std::string_view name_of(std::int64_t value) const {
        for (const enum_value_desc& v : values) {
            if (v.value == value) {
                return v.name;
            }
        }
        return {};
    }
};

struct field_desc {
    std::string_view name;
    field_kind kind;              // element kind; an enum's underlying integer
    const enum_desc* enumeration; // non-null for enum fields
    std::uint32_t length;         // 0: scalar; otherwise elements of a fixed array
    bool hex;                     // display hint: show in hexadecimal
    std::uint32_t size;           // bytes in the record (all elements); 0 for strings

    constexpr bool is_array() const { return length != 0; }
    constexpr bool is_string() const { return kind == field_kind::string; }
};

struct event_desc {
    std::string_view name;
    std::uint32_t local_id; // id within the facility; channel id = facility base + this
    std::span<const field_desc> fields;
    // Bytes of the fixed-size fields: the whole payload unless variable_size,
    // in which case each string adds its length plus the NUL.
    std::uint32_t fixed_size;
    bool variable_size; // has string fields

    constexpr const field_desc* field(std::string_view field_name) const {
        for (const field_desc& f : fields) {
            if (f.name == field_name) {
                return &f;
            }
        }
        return nullptr;
    }
};

struct facility_desc {
    std::string_view name;
    ltt::layer layer;
    std::uint32_t checksum; // CRC-32 of the canonical form (genevent/README.md)
    std::span<const event_desc> events;
    std::span<const enum_desc> enums;

    constexpr const event_desc* event(std::string_view event_name) const {
        for (const event_desc& e : events) {
            if (e.name == event_name) {
                return &e;
            }
        }
        return nullptr;
    }
};

} // namespace ltt
