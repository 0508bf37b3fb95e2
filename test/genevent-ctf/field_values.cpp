#include "field_values.hpp"

#include <ltt/payload_writer.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <set>

namespace ctf_test {

namespace {

std::uint64_t mask(unsigned bits) {
    return bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
}

std::int64_t sign_extend(std::uint64_t raw, unsigned bits) {
    if (bits < 64 && (raw >> (bits - 1)) & 1)
        raw |= ~mask(bits);
    return static_cast<std::int64_t>(raw);
}

// The raw bits of an integer field's value: candidate (round + element) % 4
// of {minimum, maximum, pattern, small}.
std::uint64_t integer_bits(const field_decl& f, unsigned round, unsigned element) {
    const unsigned bits = f.size;
    const std::uint64_t pattern = (0x9E3779B97F4A7C15ull * (element + 3)) ^ 0x0123456789ABCDEFull;
    switch ((round + element) % 4) {
    case 0: // minimum
        return f.is_signed ? std::uint64_t{1} << (bits - 1) : 0;
    case 1: // maximum
        return f.is_signed ? mask(bits - 1) : mask(bits);
    case 2: // a pattern; negative when signed
        return (pattern & mask(bits)) | (f.is_signed ? std::uint64_t{1} << (bits - 1) : 0);
    default: // small: -1, -2... or 1, 2...
        return f.is_signed ? static_cast<std::uint64_t>(-std::int64_t(element + 1)) & mask(bits)
                           : element + 1;
    }
}

// babeltrace2's pretty sink: decimal, or 0x + upper-case hex of the raw bits.
std::string render_integer(const field_decl& f, std::uint64_t raw) {
    if (f.base == 16)
        return fmt::format("0x{:X}", raw & mask(f.size));
    if (f.is_signed)
        return fmt::format("{}", sign_extend(raw, f.size));
    return fmt::format("{}", raw);
}

// An enum value: labels in turn, and once (round 3, first element) a value
// no label maps, when there is one.
std::int64_t enum_value(const field_decl& f, unsigned round, unsigned element) {
    if (round == 3 && element == 0) {
        std::set<std::int64_t> used;
        for (const auto& l : f.labels)
            used.insert(l.second);
        for (std::int64_t v = 1; v < 100; ++v)
            if (!used.contains(v))
                return v;
    }
    return f.labels[(round + element) % f.labels.size()].second;
}

std::string render_enum(const field_decl& f, std::int64_t value) {
    const std::string container =
        f.is_signed ? fmt::format("{}", value)
                    : fmt::format("{}", static_cast<std::uint64_t>(value) & mask(f.size));
    for (const auto& [label, v] : f.labels)
        if (v == value)
            return fmt::format("( \"{}\" : container = {} )", label, container);
    return fmt::format("( <unknown> : container = {} )", container);
}

std::string string_value(unsigned round, unsigned field_index) {
    switch ((round + field_index) % 4) {
    case 0:
        return "";
    case 1: {
        std::string s;
        for (int i = 0; s.size() < 200; ++i)
            s += fmt::format("long-{}/", i);
        return s;
    }
    case 2:
        return "swapper/0";
    default:
        return "h\xc3\xa9llo w\xc3\xb6rld, {x} = [y]";
    }
}

void put_bits(ltt::payload_writer& w, std::uint64_t raw, unsigned bits) {
    switch (bits) {
    case 8:
        w.put(static_cast<std::uint8_t>(raw));
        break;
    case 16:
        w.put(static_cast<std::uint16_t>(raw));
        break;
    case 32:
        w.put(static_cast<std::uint32_t>(raw));
        break;
    default:
        w.put(raw);
        break;
    }
}

} // namespace

event_instance make_instance(const event_decl& event, unsigned round) {
    ltt::payload_writer w;
    event_instance out;
    unsigned index = 0;
    for (const auto& f : event.fields) {
        const std::string name = f.name.starts_with('_') ? f.name.substr(1) : f.name;
        const unsigned count = f.length == 0 ? 1 : f.length;
        std::vector<std::string> texts;
        for (unsigned e = 0; e < count; ++e) {
            switch (f.type) {
            case field_decl::kind::integer: {
                const std::uint64_t raw = integer_bits(f, round, e + index);
                put_bits(w, raw, f.size);
                texts.push_back(render_integer(f, raw));
                break;
            }
            case field_decl::kind::enumeration: {
                const std::int64_t v = enum_value(f, round, e);
                put_bits(w, static_cast<std::uint64_t>(v), f.size);
                texts.push_back(render_enum(f, v));
                break;
            }
            case field_decl::kind::string: {
                const std::string s = string_value(round, index);
                w.put_string(s);
                texts.push_back(fmt::format("\"{}\"", s));
                break;
            }
            }
        }
        if (f.length == 0) {
            out.fields.push_back({name, texts.front()});
        } else {
            std::string a = "[ ";
            for (unsigned e = 0; e < count; ++e)
                a += fmt::format("{}[{}] = {}", e ? ", " : "", e, texts[e]);
            out.fields.push_back({name, a + " ]"});
        }
        ++index;
    }
    out.payload = w.take();
    return out;
}

std::string render_payload(const std::vector<field_text>& fields) {
    if (fields.empty())
        return "{ }";
    std::string s = "{ ";
    for (std::size_t i = 0; i < fields.size(); ++i)
        s += fmt::format("{}{} = {}", i ? ", " : "", fields[i].name, fields[i].value);
    return s + " }";
}

} // namespace ctf_test
