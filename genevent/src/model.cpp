#include "model.hpp"

#include <array>
#include <limits>

namespace genevent {

namespace {

struct IntTypeInfo {
    std::string_view name;
    std::string_view c_name;
    uint32_t size;
    bool is_signed;
};

// Indexed by IntType.
constexpr std::array<IntTypeInfo, 8> kIntTypes{{
    {"u8", "uint8_t", 1, false},
    {"u16", "uint16_t", 2, false},
    {"u32", "uint32_t", 4, false},
    {"u64", "uint64_t", 8, false},
    {"s8", "int8_t", 1, true},
    {"s16", "int16_t", 2, true},
    {"s32", "int32_t", 4, true},
    {"s64", "int64_t", 8, true},
}};

const IntTypeInfo& info(IntType type) {
    return kIntTypes[static_cast<size_t>(type)];
}

constexpr std::array<std::string_view, 5> kTargets{"xen", "kernel", "ust", "ctf", "cpp"};

} // namespace

std::string_view to_string(IntType type) {
    return info(type).name;
}
std::string_view to_string(Target target) {
    return kTargets[static_cast<size_t>(target)];
}

std::optional<IntType> parse_int_type(std::string_view text) {
    for (size_t i = 0; i < kIntTypes.size(); ++i) {
        if (kIntTypes[i].name == text) {
            return static_cast<IntType>(i);
        }
    }
    return std::nullopt;
}

std::optional<Target> parse_target(std::string_view text) {
    for (size_t i = 0; i < kTargets.size(); ++i) {
        if (kTargets[i] == text) {
            return static_cast<Target>(i);
        }
    }
    return std::nullopt;
}

uint32_t size_of(IntType type) {
    return info(type).size;
}
bool is_signed(IntType type) {
    return info(type).is_signed;
}
std::string_view c_type(IntType type) {
    return info(type).c_name;
}

int64_t min_value(IntType type) {
    if (!is_signed(type)) {
        return 0;
    }
    const uint32_t bits = size_of(type) * 8;
    return bits == 64 ? std::numeric_limits<int64_t>::min() : -(int64_t{1} << (bits - 1));
}

int64_t max_value(IntType type) {
    const uint32_t bits = size_of(type) * 8 - (is_signed(type) ? 1 : 0);
    return bits >= 63 ? std::numeric_limits<int64_t>::max() : (int64_t{1} << bits) - 1;
}

uint32_t Field::fixed_size() const {
    if (kind == Kind::String) {
        return 0;
    }
    return size_of(int_type) * (length == 0 ? 1 : length);
}

bool Event::has_strings() const {
    for (const Field& f : fields) {
        if (f.kind == Field::Kind::String) {
            return true;
        }
    }
    return false;
}

uint32_t Event::fixed_payload_size() const {
    uint32_t size = 0;
    for (const Field& f : fields) {
        size += f.fixed_size();
    }
    return size;
}

uint32_t FacilitySet::total_events() const {
    uint32_t n = 0;
    for (const Facility& f : facilities) {
        n += static_cast<uint32_t>(f.events.size());
    }
    return n;
}

} // namespace genevent
