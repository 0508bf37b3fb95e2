#include "emit_ctf.hpp"

#include <fmt/format.h>

namespace genevent {

namespace {

// Every integer is byte-aligned, so records are packed: a field costs exactly
// its size (DESIGN.md section 3).
std::string integer_type(IntType type, bool hex) {
    return fmt::format("integer {{ size = {}; align = 8; signed = {}; encoding = none; base = {}; "
                       "byte_order = le; }}",
                       size_of(type) * 8, is_signed(type) ? "true" : "false", hex ? 16 : 10);
}

std::string enum_type(const Enum& e, bool hex) {
    std::string text =
        fmt::format("enum : integer {{ size = {}; align = 8; signed = {}; byte_order = le; "
                    "base = {}; }} {{ ",
                    size_of(e.type) * 8, is_signed(e.type) ? "true" : "false", hex ? 16 : 10);
    for (size_t i = 0; i < e.values.size(); ++i) {
        text +=
            fmt::format("{}\"{}\" = {}", i == 0 ? "" : ", ", e.values[i].name, e.values[i].value);
    }
    return text + " }";
}

std::string field_declaration(const Facility& facility, const Field& field) {
    std::string type;
    switch (field.kind) {
    case Field::Kind::Integer:
        type = integer_type(field.int_type, field.hex);
        break;
    case Field::Kind::Enum:
        type = enum_type(facility.enum_of(field), field.hex);
        break;
    case Field::Kind::String:
        type = "string { encoding = UTF8; }";
        break;
    }
    // A leading underscore as LTTng does: babeltrace2 strips it, and it keeps
    // field names clear of TSDL keywords.
    std::string declaration = fmt::format("{} _{}", type, field.name);
    if (field.is_array()) {
        declaration += fmt::format("[{}]", field.length);
    }
    return declaration + ";";
}

std::string tsdl(const Facility& facility) {
    std::string out =
        fmt::format("/* ltt-facility: name={} layer={} checksum={} events={} */\n", facility.name,
                    to_string(facility.layer), hex32(facility.checksum), facility.events.size());
    for (const Event& event : facility.events) {
        out += '\n';
        out += "event {\n";
        out += fmt::format("\tname = \"{}\";\n", event.name);
        out += fmt::format("\tid = {};\n", event.local_id);
        out += "\tstream_id = 0;\n";
        out += "\tfields := struct {\n";
        for (const Field& field : event.fields) {
            out += "\t\t" + field_declaration(facility, field) + "\n";
        }
        out += "\t};\n";
        out += "};\n";
    }
    return out;
}

} // namespace

Outputs emit_ctf(const FacilitySet& set) {
    Outputs outputs;
    for (const Facility& facility : set.facilities) {
        outputs.push_back({facility.name + ".tsdl", tsdl(facility)});
    }
    return outputs;
}

} // namespace genevent
