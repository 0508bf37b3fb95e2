// The in-memory form of facility files: what the XML loader produces, the
// semantic checks validate and resolve, and every emitter reads. Emitters only
// ever see a checked and resolved FacilitySet, so they need no error handling.
#pragma once

#include <ltt/layer.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace genevent {

enum class IntType { U8, U16, U32, U64, S8, S16, S32, S64 };

// The code genevent generates; each target accepts some layers only.
enum class Target { Xen, Kernel, Ust, Ctf, Cpp };

std::string_view to_string(IntType type);
std::string_view to_string(Target target);
std::optional<IntType> parse_int_type(std::string_view text);
std::optional<Target> parse_target(std::string_view text);

// Size in bytes, signedness and value range of an integer type.
uint32_t size_of(IntType type);
bool is_signed(IntType type);
int64_t min_value(IntType type);
// Largest value an enum of this type can hold as an int64_t (the schema's
// xs:long bounds enum values, so u64 is capped at INT64_MAX here).
int64_t max_value(IntType type);
// C type name: uint8_t .. int64_t.
std::string_view c_type(IntType type);

// Where a construct was declared: used for every diagnostic.
struct SourceLocation {
    std::string file; // as given on the command line (never made absolute)
    long line = 0;    // 0 when unknown
};

struct EnumValue {
    std::string name;
    int64_t value = 0;
    std::string description;
    long line = 0;
};

struct Enum {
    std::string name;
    IntType type = IntType::U32;
    std::string description;
    std::vector<EnumValue> values;
    long line = 0;
};

// How a field was declared and, after the semantic checks, what it is.
struct Field {
    enum class Kind { Integer, Enum, String };

    std::string name;
    // Raw attributes as written; the checks require exactly one of them.
    std::optional<std::string> type_attr;
    std::optional<std::string> enum_attr;
    uint32_t length = 0; // 0: scalar; otherwise a fixed array of this many elements
    bool hex = false;    // display="hex"
    std::string description;
    long line = 0;

    // Resolved by the semantic checks.
    Kind kind = Kind::Integer;
    IntType int_type = IntType::U32; // element type; an enum's underlying type
    int enum_index = -1;             // into Facility::enums when kind == Enum

    bool is_array() const { return length != 0; }
    // Bytes the field occupies in a record; 0 for strings (variable).
    uint32_t fixed_size() const;
};

struct Location {
    std::string file;
    std::string function;
    std::string detail;
};

struct Event {
    std::string name;
    std::string description;
    std::vector<Location> locations;
    std::vector<Field> fields;
    long line = 0;
    uint32_t local_id = 0; // index in document order

    bool has_strings() const;
    // Sum of the fixed-size fields (the whole payload when !has_strings()).
    uint32_t fixed_payload_size() const;
};

struct Facility {
    std::string name;
    ltt::layer layer = ltt::layer::xen;
    std::string description;
    std::vector<Enum> enums;
    std::vector<Event> events;
    std::string path;      // as given: used in diagnostics only
    std::string base_name; // file name without directories: the only one in outputs
    long line = 0;         // of the <facility> element

    // Filled in once the set is checked.
    uint32_t checksum = 0;
    uint32_t base = 0; // id of the first event in the channel

    const Enum& enum_of(const Field& field) const { return enums.at(field.enum_index); }
};

// The facilities of one invocation, in command-line order (which fixes ids).
struct FacilitySet {
    std::vector<Facility> facilities;

    ltt::layer layer() const { return facilities.front().layer; }
    uint32_t total_events() const;
};

} // namespace genevent
