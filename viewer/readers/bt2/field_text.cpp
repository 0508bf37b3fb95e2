#include "field_text.hpp"

#include <fmt/format.h>

#include <iterator>

namespace ltt::viewer::bt2 {

namespace {

bool is(bt_field_class_type type, bt_field_class_type what) {
    return bt_field_class_type_is(type, what) != BT_FALSE;
}

void append_quoted(std::string& out, const char* text, std::uint64_t length) {
    out.push_back('"');
    for (std::uint64_t i = 0; i < length; ++i) {
        const char c = text[i];
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (static_cast<unsigned char>(c) < 0x20) {
            fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned>(c));
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
}

void append_integer(std::string& out, const bt_field* field, bt_field_class_type type) {
    const bool hex =
        bt_field_class_integer_get_preferred_display_base(bt_field_borrow_class_const(field)) ==
        BT_FIELD_CLASS_INTEGER_PREFERRED_DISPLAY_BASE_HEXADECIMAL;
    auto it = std::back_inserter(out);
    if (is(type, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER)) {
        const std::int64_t v = bt_field_integer_signed_get_value(field);
        if (hex)
            fmt::format_to(it, "{:#x}", static_cast<std::uint64_t>(v));
        else
            fmt::format_to(it, "{}", v);
    } else {
        const std::uint64_t v = bt_field_integer_unsigned_get_value(field);
        if (hex)
            fmt::format_to(it, "{:#x}", v);
        else
            fmt::format_to(it, "{}", v);
    }
}

} // namespace

void append_enum_labels(std::string& out, const bt_field* field) {
    bt_field_class_enumeration_mapping_label_array labels = nullptr;
    std::uint64_t count = 0;
    const bt_field_class_type type = bt_field_get_class_type(field);
    const bt_field_enumeration_get_mapping_labels_status status =
        is(type, BT_FIELD_CLASS_TYPE_SIGNED_ENUMERATION)
            ? bt_field_enumeration_signed_get_mapping_labels(field, &labels, &count)
            : bt_field_enumeration_unsigned_get_mapping_labels(field, &labels, &count);
    if (status != BT_FIELD_ENUMERATION_GET_MAPPING_LABELS_STATUS_OK)
        return;
    for (std::uint64_t i = 0; i < count; ++i) {
        if (i != 0)
            out.push_back('|');
        out.append(labels[i]);
    }
}

void append_field_text(std::string& out, const bt_field* field) {
    const bt_field_class_type type = bt_field_get_class_type(field);
    auto it = std::back_inserter(out);
    if (is(type, BT_FIELD_CLASS_TYPE_BOOL)) {
        out.append(bt_field_bool_get_value(field) ? "true" : "false");
    } else if (is(type, BT_FIELD_CLASS_TYPE_BIT_ARRAY)) {
        fmt::format_to(it, "{:#x}", bt_field_bit_array_get_value_as_integer(field));
    } else if (is(type, BT_FIELD_CLASS_TYPE_ENUMERATION)) {
        const std::size_t before = out.size();
        append_enum_labels(out, field);
        const bool labelled = out.size() != before;
        if (labelled)
            out.push_back('(');
        append_integer(out, field, type);
        if (labelled)
            out.push_back(')');
    } else if (is(type, BT_FIELD_CLASS_TYPE_INTEGER)) {
        append_integer(out, field, type);
    } else if (is(type, BT_FIELD_CLASS_TYPE_SINGLE_PRECISION_REAL)) {
        fmt::format_to(it, "{}", bt_field_real_single_precision_get_value(field));
    } else if (is(type, BT_FIELD_CLASS_TYPE_DOUBLE_PRECISION_REAL)) {
        fmt::format_to(it, "{}", bt_field_real_double_precision_get_value(field));
    } else if (is(type, BT_FIELD_CLASS_TYPE_STRING)) {
        append_quoted(out, bt_field_string_get_value(field), bt_field_string_get_length(field));
    } else if (is(type, BT_FIELD_CLASS_TYPE_STRUCTURE)) {
        const bt_field_class* cls = bt_field_borrow_class_const(field);
        const std::uint64_t n = bt_field_class_structure_get_member_count(cls);
        out.append("{");
        for (std::uint64_t i = 0; i < n; ++i) {
            out.append(i == 0 ? " " : ", ");
            out.append(bt_field_class_structure_member_get_name(
                bt_field_class_structure_borrow_member_by_index_const(cls, i)));
            out.append(" = ");
            append_field_text(out, bt_field_structure_borrow_member_field_by_index_const(field, i));
        }
        out.append(n == 0 ? "}" : " }");
    } else if (is(type, BT_FIELD_CLASS_TYPE_ARRAY)) {
        const std::uint64_t n = bt_field_array_get_length(field);
        out.append("[");
        for (std::uint64_t i = 0; i < n; ++i) {
            out.append(i == 0 ? " " : ", ");
            append_field_text(out, bt_field_array_borrow_element_field_by_index_const(field, i));
        }
        out.append(n == 0 ? "]" : " ]");
    } else if (is(type, BT_FIELD_CLASS_TYPE_OPTION)) {
        const bt_field* content = bt_field_option_borrow_field_const(field);
        if (content == nullptr)
            out.append("none");
        else
            append_field_text(out, content);
    } else if (is(type, BT_FIELD_CLASS_TYPE_VARIANT)) {
        const char* name = bt_field_class_variant_option_get_name(
            bt_field_variant_borrow_selected_option_class_const(field));
        out.append("{ ");
        out.append(name == nullptr ? "?" : name);
        out.append(" = ");
        append_field_text(out, bt_field_variant_borrow_selected_option_field_const(field));
        out.append(" }");
    } else {
        out.append("?");
    }
}

} // namespace ltt::viewer::bt2
