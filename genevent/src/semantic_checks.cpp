#include "semantic_checks.hpp"

#include "c_names.hpp"
#include "diagnostic.hpp"
#include "reserved_names.hpp"

#include <fmt/format.h>

#include <map>
#include <string>

namespace genevent {

namespace {

// Where a name was first seen, for "duplicate ... (first at ...)" messages.
struct FirstSeen {
    const Facility* facility;
    long line;
};

std::string where(const FirstSeen& seen, const Facility& current) {
    if (seen.facility == &current) {
        return fmt::format("line {}", seen.line);
    }
    return fmt::format("{}:{}", seen.facility->path, seen.line);
}

class Checker {
public:
    Checker(FacilitySet& set, Target target) : set_(set), target_(target) {}

    void run() {
        check_one_layer();
        check_target();
        check_facility_names();
        for (Facility& facility : set_.facilities) {
            check_facility(facility);
        }
    }

private:
    [[noreturn]] static void fail(const Facility& facility, long line, const std::string& message) {
        throw Diagnostic(facility.path, line, message);
    }

    static void check_name(const Facility& facility, long line, std::string_view what,
                           const std::string& name) {
        if (auto reason = reserved_reason(name)) {
            fail(facility, line, fmt::format("{} name '{}' is reserved: {}", what, name, *reason));
        }
    }

    void check_one_layer() {
        const Facility& first = set_.facilities.front();
        for (const Facility& facility : set_.facilities) {
            if (facility.layer != first.layer) {
                fail(facility, facility.line,
                     fmt::format("facility '{}' is layer {} but facility '{}' ({}) is layer {}; "
                                 "one invocation generates one layer",
                                 facility.name, to_string(facility.layer), first.name,
                                 first.base_name, to_string(first.layer)));
            }
        }
    }

    void check_target() {
        const Facility& first = set_.facilities.front();
        const auto needs = [&](ltt::layer layer) {
            if (first.layer != layer) {
                fail(first, first.line,
                     fmt::format("target {} needs facilities of layer {}, but facility '{}' is "
                                 "layer {}",
                                 to_string(target_), to_string(layer), first.name,
                                 to_string(first.layer)));
            }
        };
        switch (target_) {
        case Target::Xen:
            needs(ltt::layer::xen);
            break;
        case Target::Kernel:
            needs(ltt::layer::kernel);
            break;
        case Target::Ust:
            needs(ltt::layer::ust);
            break;
        case Target::Ctf:
        case Target::Cpp:
            break;
        }
    }

    void check_facility_names() {
        std::map<std::string, FirstSeen, std::less<>> seen;
        for (const Facility& facility : set_.facilities) {
            if (facility.name == "facilities") {
                fail(facility, facility.line,
                     "facility name 'facilities' is reserved: the cpp target writes "
                     "facilities.hpp for the whole set");
            }
            auto [it, inserted] =
                seen.try_emplace(facility.name, FirstSeen{&facility, facility.line});
            if (!inserted) {
                fail(facility, facility.line,
                     fmt::format("duplicate facility '{}' (first at {})", facility.name,
                                 where(it->second, facility)));
            }
        }
    }

    void check_facility(Facility& facility) {
        check_name(facility, facility.line, "facility", facility.name);
        check_enums(facility);
        for (Event& event : facility.events) {
            check_event(facility, event);
        }
    }

    void check_enums(const Facility& facility) {
        std::map<std::string, FirstSeen, std::less<>> enums;
        for (const Enum& e : facility.enums) {
            check_name(facility, e.line, "enum", e.name);
            auto [it, inserted] = enums.try_emplace(e.name, FirstSeen{&facility, e.line});
            if (!inserted) {
                fail(facility, e.line,
                     fmt::format("duplicate enum '{}' (first at {})", e.name,
                                 where(it->second, facility)));
            }
            if (enum_name_in_macro_family(e.name)) {
                fail(facility, e.line,
                     fmt::format("enum name '{}' would generate constants {}_* inside a macro "
                                 "family genevent or include/ltt/ already uses; rename the enum",
                                 e.name, "LTT_" + upper(e.name)));
            }
            std::map<std::string, FirstSeen, std::less<>> values;
            for (const EnumValue& v : e.values) {
                check_name(facility, v.line, "enum value", v.name);
                auto [vit, vinserted] = values.try_emplace(v.name, FirstSeen{&facility, v.line});
                if (!vinserted) {
                    fail(facility, v.line,
                         fmt::format("duplicate value name '{}' in enum '{}' (first at {})", v.name,
                                     e.name, where(vit->second, facility)));
                }
                if (v.value < min_value(e.type) || v.value > max_value(e.type)) {
                    fail(facility, v.line,
                         fmt::format("value {} of '{}' does not fit enum '{}' of type {} "
                                     "({}..{})",
                                     v.value, v.name, e.name, to_string(e.type), min_value(e.type),
                                     max_value(e.type)));
                }
                const std::string macro = enum_value_macro(e.name, v.name);
                auto [mit, minserted] =
                    enum_macros_.try_emplace(macro, FirstSeen{&facility, v.line});
                if (!minserted) {
                    fail(facility, v.line,
                         fmt::format("enum constant {} of '{}' in enum '{}' collides with the one "
                                     "generated at {}",
                                     macro, v.name, e.name, where(mit->second, facility)));
                }
            }
        }
    }

    void check_event(const Facility& facility, Event& event) {
        check_name(facility, event.line, "event", event.name);
        auto [it, inserted] = events_.try_emplace(event.name, FirstSeen{&facility, event.line});
        if (!inserted) {
            fail(facility, event.line,
                 fmt::format("duplicate event '{}' (first at {})", event.name,
                             where(it->second, facility)));
        }
        if (facility.layer == ltt::layer::ust && event.fields.size() > kMaxUstFields) {
            fail(facility, event.line,
                 fmt::format("event '{}' has {} fields; lttng-ust tracepoints take at most {}",
                             event.name, event.fields.size(), kMaxUstFields));
        }
        std::map<std::string, long, std::less<>> fields;
        for (Field& field : event.fields) {
            check_name(facility, field.line, "field", field.name);
            auto [fit, finserted] = fields.try_emplace(field.name, field.line);
            if (!finserted) {
                fail(facility, field.line,
                     fmt::format("duplicate field '{}' in event '{}' (first at line {})",
                                 field.name, event.name, fit->second));
            }
            resolve_field(facility, event, field);
        }
    }

    void resolve_field(const Facility& facility, const Event& event, Field& field) {
        if (field.type_attr.has_value() == field.enum_attr.has_value()) {
            fail(facility, field.line,
                 fmt::format("field '{}' of event '{}' needs exactly one of type= or enum=",
                             field.name, event.name));
        }
        if (field.enum_attr) {
            const std::string& name = *field.enum_attr;
            for (size_t i = 0; i < facility.enums.size(); ++i) {
                if (facility.enums[i].name == name) {
                    field.kind = Field::Kind::Enum;
                    field.enum_index = static_cast<int>(i);
                    field.int_type = facility.enums[i].type;
                    return;
                }
            }
            fail(facility, field.line,
                 fmt::format("field '{}' of event '{}' uses unknown enum '{}'", field.name,
                             event.name, name));
        }
        const std::string& type = *field.type_attr;
        if (type == "string") {
            if (facility.layer == ltt::layer::xen) {
                fail(facility, field.line,
                     fmt::format("field '{}' of event '{}': strings are not allowed in layer xen "
                                 "(hypervisor records are fixed-size)",
                                 field.name, event.name));
            }
            if (field.is_array()) {
                fail(facility, field.line,
                     fmt::format("field '{}' of event '{}': arrays of strings are not supported",
                                 field.name, event.name));
            }
            field.kind = Field::Kind::String;
            return;
        }
        const auto parsed = parse_int_type(type);
        if (!parsed) {
            fail(facility, field.line,
                 fmt::format("field '{}' of event '{}' has unknown type '{}'", field.name,
                             event.name, type));
        }
        field.kind = Field::Kind::Integer;
        field.int_type = *parsed;
    }

    FacilitySet& set_;
    Target target_;
    std::map<std::string, FirstSeen, std::less<>> events_;
    std::map<std::string, FirstSeen, std::less<>> enum_macros_;
};

} // namespace

void check_and_resolve(FacilitySet& set, Target target) {
    if (set.facilities.empty()) {
        throw Diagnostic("genevent", 0, "no facility files given");
    }
    Checker(set, target).run();
}

} // namespace genevent
