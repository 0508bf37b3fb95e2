#include "class_map.hpp"

#include "field_text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>

namespace ltt::viewer::bt2 {

namespace {

using conversion = field_source::conversion;
using scope = field_source::scope;

bool is(bt_field_class_type type, bt_field_class_type what) {
    return bt_field_class_type_is(type, what) != BT_FALSE;
}

// The builtin facilities that copy lttng-modules' event and field names.
bool lttng_named_facility(std::string_view facility) {
    return facility == "irq" || facility == "sched";
}

ltt::field_kind integer_kind(bool is_signed, std::uint64_t bits) {
    using k = ltt::field_kind;
    if (bits <= 8)
        return is_signed ? k::s8 : k::u8;
    if (bits <= 16)
        return is_signed ? k::s16 : k::u16;
    if (bits <= 32)
        return is_signed ? k::s32 : k::u32;
    return is_signed ? k::s64 : k::u64;
}

// Can a value of class `fc` be stored in a field of kind `target` without
// changing it?
bool fits(const bt_field_class* fc, ltt::field_kind target) {
    const bt_field_class_type type = bt_field_class_get_type(fc);
    if (target == ltt::field_kind::string)
        return is(type, BT_FIELD_CLASS_TYPE_STRING);
    if (!is(type, BT_FIELD_CLASS_TYPE_INTEGER))
        return false;
    const std::uint64_t bits = bt_field_class_integer_get_field_value_range(fc);
    const std::uint64_t target_bits = 8u * ltt::kind_size(target);
    const bool target_signed = ltt::kind_is_signed(target);
    if (is(type, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
        return target_signed && bits <= target_bits;
    return target_signed ? bits < target_bits : bits <= target_bits;
}

std::optional<std::uint64_t> member_index(const bt_field_class* structure, std::string_view name) {
    if (structure == nullptr)
        return std::nullopt;
    const std::uint64_t n = bt_field_class_structure_get_member_count(structure);
    for (std::uint64_t i = 0; i < n; ++i) {
        const char* member = bt_field_class_structure_member_get_name(
            bt_field_class_structure_borrow_member_by_index_const(structure, i));
        if (name == member)
            return i;
    }
    return std::nullopt;
}

struct structure_scope {
    const bt_field_class* fc = nullptr;
    scope where = scope::payload;
    std::string_view prefix;
};

std::vector<structure_scope> scopes_of(const bt_event_class* ec) {
    return {
        {bt_event_class_borrow_payload_field_class_const(ec), scope::payload, ""},
        {bt_stream_class_borrow_event_common_context_field_class_const(
             bt_event_class_borrow_stream_class_const(ec)),
         scope::common_context, "_"},
        {bt_event_class_borrow_specific_context_field_class_const(ec), scope::specific_context,
         "_"},
    };
}

void note_scope_use(class_plan& plan, scope where) {
    if (where == scope::common_context)
        plan.needs_common_context = true;
    else if (where == scope::specific_context)
        plan.needs_specific_context = true;
}

// The builtin event `builtin` read from event class `ec`, if its payload
// holds every builtin field. `left_out` gets the fields not kept.
std::optional<class_plan> builtin_plan(const event_class& builtin, const bt_event_class* ec,
                                       std::vector<std::string>& left_out) {
    const bt_field_class* payload = bt_event_class_borrow_payload_field_class_const(ec);
    class_plan plan;
    plan.cls = &builtin;
    std::set<std::uint64_t> used;
    for (const ltt::field_desc& f : builtin.desc->fields) {
        if (f.is_array())
            return std::nullopt;
        const std::optional<std::uint64_t> index = member_index(payload, f.name);
        if (!index)
            return std::nullopt;
        const bt_field_class* fc = bt_field_class_structure_member_borrow_field_class_const(
            bt_field_class_structure_borrow_member_by_index_const(payload, *index));
        if (!fits(fc, f.kind))
            return std::nullopt;
        field_source source;
        source.member = *index;
        source.kind = f.kind;
        const bt_field_class_type type = bt_field_class_get_type(fc);
        source.how = f.kind == ltt::field_kind::string              ? conversion::string
                     : is(type, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER) ? conversion::signed_integer
                                                                    : conversion::unsigned_integer;
        plan.fields.push_back(source);
        used.insert(*index);
    }
    for (const structure_scope& s : scopes_of(ec)) {
        if (s.fc == nullptr)
            continue;
        const std::uint64_t n = bt_field_class_structure_get_member_count(s.fc);
        for (std::uint64_t i = 0; i < n; ++i) {
            if (s.where == scope::payload && used.contains(i))
                continue;
            left_out.push_back(
                fmt::format("{}{}", s.prefix,
                            bt_field_class_structure_member_get_name(
                                bt_field_class_structure_borrow_member_by_index_const(s.fc, i))));
        }
    }
    return plan;
}

// Field names of one class, made unique.
class field_names {
public:
    std::string take(std::string name) {
        std::string unique = name;
        for (int n = 2; used_.contains(unique); ++n)
            unique = fmt::format("{}_{}", name, n);
        used_.insert(unique);
        return unique;
    }

private:
    std::set<std::string> used_;
};

// A class of its own for `ec`: its fields and how to fill them.
void own_fields(const bt_event_class* ec, std::vector<field_spec>& specs, class_plan& plan) {
    field_names names;
    for (const structure_scope& s : scopes_of(ec)) {
        if (s.fc == nullptr)
            continue;
        const std::uint64_t n = bt_field_class_structure_get_member_count(s.fc);
        for (std::uint64_t i = 0; i < n; ++i) {
            const bt_field_class_structure_member* member =
                bt_field_class_structure_borrow_member_by_index_const(s.fc, i);
            const bt_field_class* fc =
                bt_field_class_structure_member_borrow_field_class_const(member);
            const bt_field_class_type type = bt_field_class_get_type(fc);
            const std::string name = names.take(
                fmt::format("{}{}", s.prefix, bt_field_class_structure_member_get_name(member)));
            field_source source;
            source.where = s.where;
            source.member = i;
            field_spec spec;
            spec.name = name;
            if (is(type, BT_FIELD_CLASS_TYPE_INTEGER)) {
                const bool is_signed = is(type, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER);
                spec.kind =
                    integer_kind(is_signed, bt_field_class_integer_get_field_value_range(fc));
                spec.hex = bt_field_class_integer_get_preferred_display_base(fc) ==
                           BT_FIELD_CLASS_INTEGER_PREFERRED_DISPLAY_BASE_HEXADECIMAL;
                source.how = is_signed ? conversion::signed_integer : conversion::unsigned_integer;
            } else if (is(type, BT_FIELD_CLASS_TYPE_BOOL)) {
                spec.kind = ltt::field_kind::u8;
                source.how = conversion::boolean;
            } else if (is(type, BT_FIELD_CLASS_TYPE_BIT_ARRAY)) {
                spec.kind = ltt::field_kind::u64;
                spec.hex = true;
                source.how = conversion::bit_array;
            } else if (is(type, BT_FIELD_CLASS_TYPE_STRING)) {
                spec.kind = ltt::field_kind::string;
                source.how = conversion::string;
            } else {
                spec.kind = ltt::field_kind::string;
                source.how = conversion::text;
            }
            source.kind = spec.kind;
            specs.push_back(spec);
            plan.fields.push_back(source);
            note_scope_use(plan, s.where);
            if (is(type, BT_FIELD_CLASS_TYPE_ENUMERATION)) {
                field_spec label;
                label.name = names.take(name + "_label");
                label.kind = ltt::field_kind::string;
                specs.push_back(label);
                source.how = conversion::enum_label;
                source.kind = ltt::field_kind::string;
                plan.fields.push_back(source);
            }
        }
    }
}

// Registers the class under `facility`; two classes of one name with other
// fields (two stream classes, or two traces of one host recorded by
// different LTTng versions) get `facility#2`, `facility#3`...
const event_class& register_class(class_registry& classes, ltt::layer layer,
                                  const std::string& facility, const std::string& name,
                                  const std::vector<field_spec>& specs) {
    for (int n = 1;; ++n) {
        const std::string f = n == 1 ? facility : fmt::format("{}#{}", facility, n);
        try {
            return classes.add(layer, f, name, specs);
        } catch (const std::invalid_argument&) {
            if (n == 1000)
                throw;
        }
    }
}

} // namespace

class_map::class_map(const bt_trace_class* trace_class, class_registry& classes,
                     const naming& names, std::vector<std::string>& notices) {
    std::vector<std::string> narrowed;
    const std::uint64_t stream_classes = bt_trace_class_get_stream_class_count(trace_class);
    for (std::uint64_t s = 0; s < stream_classes; ++s) {
        const bt_stream_class* sc =
            bt_trace_class_borrow_stream_class_by_index_const(trace_class, s);
        const std::uint64_t event_classes = bt_stream_class_get_event_class_count(sc);
        for (std::uint64_t e = 0; e < event_classes; ++e) {
            const bt_event_class* ec = bt_stream_class_borrow_event_class_by_index_const(sc, e);
            const char* raw_name = bt_event_class_get_name(ec);
            const std::string name = raw_name != nullptr
                                         ? std::string(raw_name)
                                         : fmt::format("event_{}", bt_event_class_get_id(ec));
            if (names.map_kernel_builtins) {
                const event_class* builtin = classes.find(ltt::layer::kernel, name);
                if (builtin != nullptr && builtin->builtin &&
                    lttng_named_facility(builtin->facility)) {
                    std::vector<std::string> left_out;
                    if (auto plan = builtin_plan(*builtin, ec, left_out)) {
                        if (!left_out.empty())
                            narrowed.push_back(
                                fmt::format("{} (without {})", name, fmt::join(left_out, ", ")));
                        plans_.emplace(ec, std::move(*plan));
                        continue;
                    }
                }
            }
            class_plan plan;
            std::vector<field_spec> specs;
            own_fields(ec, specs, plan);
            plan.cls = &register_class(classes, names.layer, names.facility, name, specs);
            plans_.emplace(ec, std::move(plan));
        }
    }
    if (!narrowed.empty())
        notices.push_back(fmt::format("LTTng events read as the builtin kernel events of the same "
                                      "name, fields not kept: {}",
                                      fmt::join(narrowed, "; ")));
}

void class_map::encode(const class_plan& plan, const bt_event* event, payload_builder& out,
                       std::string& scratch) {
    out.clear();
    const bt_field* payload = bt_event_borrow_payload_field_const(event);
    const bt_field* common =
        plan.needs_common_context ? bt_event_borrow_common_context_field_const(event) : nullptr;
    const bt_field* specific =
        plan.needs_specific_context ? bt_event_borrow_specific_context_field_const(event) : nullptr;
    for (const field_source& source : plan.fields) {
        const bt_field* structure = source.where == scope::payload          ? payload
                                    : source.where == scope::common_context ? common
                                                                            : specific;
        const bt_field* f =
            bt_field_structure_borrow_member_field_by_index_const(structure, source.member);
        switch (source.how) {
        case conversion::unsigned_integer:
            out.put(source.kind, bt_field_integer_unsigned_get_value(f));
            break;
        case conversion::signed_integer:
            out.put(source.kind, static_cast<std::uint64_t>(bt_field_integer_signed_get_value(f)));
            break;
        case conversion::boolean:
            out.put(source.kind, bt_field_bool_get_value(f) ? 1 : 0);
            break;
        case conversion::bit_array:
            out.put(source.kind, bt_field_bit_array_get_value_as_integer(f));
            break;
        case conversion::string:
            out.put_string(
                std::string_view(bt_field_string_get_value(f), bt_field_string_get_length(f)));
            break;
        case conversion::enum_label:
            scratch.clear();
            append_enum_labels(scratch, f);
            out.put_string(scratch);
            break;
        case conversion::text:
            scratch.clear();
            append_field_text(scratch, f);
            out.put_string(scratch);
            break;
        }
    }
}

} // namespace ltt::viewer::bt2
