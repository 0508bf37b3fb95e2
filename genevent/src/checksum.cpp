#include "checksum.hpp"

#include <fmt/format.h>
#include <zlib.h>

namespace genevent {

std::string canonical_form(const Facility& facility) {
    std::string text = fmt::format("facility {} {}\n", facility.name, to_string(facility.layer));
    for (const Enum& e : facility.enums) {
        text += fmt::format("enum {} {}\n", e.name, to_string(e.type));
        for (const EnumValue& v : e.values) {
            text += fmt::format("value {} {}\n", v.name, v.value);
        }
    }
    for (const Event& event : facility.events) {
        text += fmt::format("event {}\n", event.name);
        for (const Field& field : event.fields) {
            std::string type;
            switch (field.kind) {
            case Field::Kind::Integer:
                type = to_string(field.int_type);
                break;
            case Field::Kind::Enum:
                type = "enum:" + facility.enum_of(field).name;
                break;
            case Field::Kind::String:
                type = "string";
                break;
            }
            text += fmt::format("field {} {} {}\n", field.name, type,
                                field.length == 0 ? 1u : field.length);
        }
    }
    return text;
}

uint32_t checksum(const Facility& facility) {
    const std::string text = canonical_form(facility);
    // crc32() takes a uInt length: feed the text in chunks so any size works.
    uLong crc = crc32(0L, Z_NULL, 0);
    const auto* data = reinterpret_cast<const Bytef*>(text.data());
    size_t left = text.size();
    while (left > 0) {
        const uInt chunk = left > (1u << 30) ? (1u << 30) : static_cast<uInt>(left);
        crc = crc32(crc, data, chunk);
        data += chunk;
        left -= chunk;
    }
    return static_cast<uint32_t>(crc);
}

} // namespace genevent
