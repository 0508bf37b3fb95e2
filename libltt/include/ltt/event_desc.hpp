// Descriptors of facilities, events and fields, as genevent's `cpp` target
// emits them (constexpr data in generated headers, no .cpp needed): what the
// viewer needs to decode a record's payload and to name what it shows.
//
// A record's payload is its fields in declaration order, packed (no padding),
// little-endian; arrays are `length` consecutive elements; strings are
// NUL-terminated UTF-8.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace ltt {

enum class Layer : std::uint8_t { Xen, Kernel, Ust };

enum class FieldKind : std::uint8_t { U8, U16, U32, U64, S8, S16, S32, S64, String };

// Bytes of one element of this kind; 0 for String (variable).
constexpr std::uint32_t kind_size(FieldKind kind) {
    switch (kind) {
    case FieldKind::U8:
    case FieldKind::S8:
        return 1;
    case FieldKind::U16:
    case FieldKind::S16:
        return 2;
    case FieldKind::U32:
    case FieldKind::S32:
        return 4;
    case FieldKind::U64:
    case FieldKind::S64:
        return 8;
    case FieldKind::String:
        return 0;
    }
    return 0;
}

constexpr bool kind_is_signed(FieldKind kind) {
    return kind == FieldKind::S8 || kind == FieldKind::S16 || kind == FieldKind::S32 ||
           kind == FieldKind::S64;
}

constexpr std::string_view to_string(Layer layer) {
    switch (layer) {
    case Layer::Xen:
        return "xen";
    case Layer::Kernel:
        return "kernel";
    case Layer::Ust:
        return "ust";
    }
    return "?";
}

struct EnumValueDesc {
    std::string_view name;
    std::int64_t value;
};

struct EnumDesc {
    std::string_view name;
    FieldKind kind; // the underlying integer type
    std::span<const EnumValueDesc> values;

    // Name of the first value equal to `value`, or empty when none is.
    constexpr std::string_view name_of(std::int64_t value) const {
        for (const EnumValueDesc& v : values) {
            if (v.value == value) {
                return v.name;
            }
        }
        return {};
    }
};

struct FieldDesc {
    std::string_view name;
    FieldKind kind;              // element kind; an enum's underlying integer
    const EnumDesc* enumeration; // non-null for enum fields
    std::uint32_t length;        // 0: scalar; otherwise elements of a fixed array
    bool hex;                    // display hint: show in hexadecimal
    std::uint32_t size;          // bytes in the record (all elements); 0 for strings

    constexpr bool is_array() const { return length != 0; }
    constexpr bool is_string() const { return kind == FieldKind::String; }
};

struct EventDesc {
    std::string_view name;
    std::uint32_t local_id; // id within the facility; channel id = facility base + this
    std::span<const FieldDesc> fields;
    // Bytes of the fixed-size fields: the whole payload unless variable_size,
    // in which case each string adds its length plus the NUL.
    std::uint32_t fixed_size;
    bool variable_size; // has string fields

    constexpr const FieldDesc* field(std::string_view field_name) const {
        for (const FieldDesc& f : fields) {
            if (f.name == field_name) {
                return &f;
            }
        }
        return nullptr;
    }
};

struct FacilityDesc {
    std::string_view name;
    Layer layer;
    std::uint32_t checksum; // CRC-32 of the canonical form (genevent/README.md)
    std::span<const EventDesc> events;
    std::span<const EnumDesc> enums;

    constexpr const EventDesc* event(std::string_view event_name) const {
        for (const EventDesc& e : events) {
            if (e.name == event_name) {
                return &e;
            }
        }
        return nullptr;
    }
};

} // namespace ltt
