#include "reserved_names.hpp"

#include <algorithm>
#include <array>

namespace genevent {

namespace {

// Only lower-case words matter: the schema restricts names to [a-z][a-z0-9_]*.
// C11 and C23 keywords (C23 made bool, true, false, alignas... keywords).
constexpr std::array kCKeywords = {
    "alignas",      "alignof",  "auto",          "bool",      "break",
    "case",         "char",     "const",         "constexpr", "continue",
    "default",      "do",       "double",        "else",      "enum",
    "extern",       "false",    "float",         "for",       "goto",
    "if",           "inline",   "int",           "long",      "nullptr",
    "register",     "restrict", "return",        "short",     "signed",
    "sizeof",       "static",   "static_assert", "struct",    "switch",
    "thread_local", "true",     "typedef",       "typeof",    "typeof_unqual",
    "union",        "unsigned", "void",          "volatile",  "while",
    "asm",
};

// C++20 keywords and alternative tokens not already C keywords.
constexpr std::array kCxxKeywords = {
    "and",       "and_eq",       "bitand",   "bitor",     "catch",    "char8_t",
    "char16_t",  "char32_t",     "class",    "compl",     "concept",  "consteval",
    "constinit", "const_cast",   "co_await", "co_return", "co_yield", "decltype",
    "delete",    "dynamic_cast", "explicit", "export",    "friend",   "mutable",
    "namespace", "new",          "noexcept", "not",       "not_eq",   "operator",
    "or",        "or_eq",        "private",  "protected", "public",   "reinterpret_cast",
    "requires",  "static_cast",  "template", "this",      "throw",    "try",
    "typeid",    "typename",     "using",    "virtual",   "wchar_t",  "xor",
    "xor_eq",
};

// Words TSDL gives a meaning to, and the names of the LTTng/ltt-xen event
// header and packet fields a reader looks up by name.
constexpr std::array kCtfWords = {
    "event",   "stream",    "struct", "enum",    "integer", "string",   "variant",
    "typedef", "typealias", "trace",  "env",     "clock",   "callsite", "floating_point",
    "id",      "timestamp", "fields", "context", "header",
};

// Identifiers the generated C depends on: the integer types of <ltt-env.h>
// (a parameter named uint32_t would not compile), and `current`, an
// object-like macro in both Xen and Linux.
constexpr std::array kEnvironmentNames = {
    "int8_t",   "int16_t",  "int32_t",  "int64_t", "uint8_t",
    "uint16_t", "uint32_t", "uint64_t", "size_t",  "current",
};

template <typename Words> bool contains(const Words& words, std::string_view name) {
    return std::find(words.begin(), words.end(), name) != words.end();
}

} // namespace

std::optional<std::string_view> reserved_reason(std::string_view name) {
    if (name.starts_with("ltt_")) {
        return "names starting with 'ltt_' are reserved for ltt-xen";
    }
    if (name.starts_with("__")) {
        return "names starting with '__' are reserved for generated code";
    }
    if (contains(kCKeywords, name)) {
        return "a C keyword";
    }
    if (contains(kCxxKeywords, name)) {
        return "a C++ keyword";
    }
    if (contains(kCtfWords, name)) {
        return "a CTF reserved word";
    }
    if (contains(kEnvironmentNames, name)) {
        return "a type or macro name the generated C code depends on";
    }
    return std::nullopt;
}

} // namespace genevent
