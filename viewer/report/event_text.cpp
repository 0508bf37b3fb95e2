#include "event_text.hpp"

#include "../core/payload.hpp"

#include <iterator>

namespace ltt::viewer {

namespace {

// Seconds.nanoseconds since the origin, without going through floating
// point (a trace of hours keeps its nanoseconds).
void append_time(fmt::memory_buffer& out, std::uint64_t ts, const event_text_style& style) {
    auto it = std::back_inserter(out);
    if (style.absolute || style.freq_hz == 0) {
        fmt::format_to(it, "{:>18}", ts);
        return;
    }
    const bool negative = ts < style.origin;
    const std::uint64_t d = negative ? style.origin - ts : ts - style.origin;
    const std::uint64_t whole = d / style.freq_hz;
    const std::uint64_t ns = (d % style.freq_hz) * 1'000'000'000u / style.freq_hz;
    fmt::format_to(it, "{}{:>4}.{:09}", negative ? "-" : " ", whole, ns);
}

// An integer (or enum) value of field f: u for unsigned kinds, s for signed.
void append_integer(fmt::memory_buffer& out, const ltt::field_desc& f, std::uint64_t u,
                    std::int64_t s) {
    auto it = std::back_inserter(out);
    const bool is_signed = ltt::kind_is_signed(f.kind);
    if (f.enumeration != nullptr) {
        const std::string_view name =
            f.enumeration->name_of(is_signed ? s : static_cast<std::int64_t>(u));
        if (!name.empty()) {
            out.append(name);
            return;
        }
    }
    if (f.hex)
        fmt::format_to(it, "{:#x}", is_signed ? static_cast<std::uint64_t>(s) : u);
    else if (is_signed)
        fmt::format_to(it, "{}", s);
    else
        fmt::format_to(it, "{}", u);
}

void append_element(fmt::memory_buffer& out, const ltt::field_desc& f, const std::byte* p) {
    std::uint64_t u = 0;
    std::int64_t s = 0;
    switch (f.kind) {
    case ltt::field_kind::u8:
        u = load_le<std::uint8_t>(p);
        break;
    case ltt::field_kind::u16:
        u = load_le<std::uint16_t>(p);
        break;
    case ltt::field_kind::u32:
        u = load_le<std::uint32_t>(p);
        break;
    case ltt::field_kind::u64:
        u = load_le<std::uint64_t>(p);
        break;
    case ltt::field_kind::s8:
        s = load_le<std::int8_t>(p);
        break;
    case ltt::field_kind::s16:
        s = load_le<std::int16_t>(p);
        break;
    case ltt::field_kind::s32:
        s = load_le<std::int32_t>(p);
        break;
    case ltt::field_kind::s64:
        s = load_le<std::int64_t>(p);
        break;
    case ltt::field_kind::string:
        return;
    }
    append_integer(out, f, u, s);
}

} // namespace

void append_event_line(fmt::memory_buffer& out, const event& e, const event_text_style& style) {
    append_time(out, e.ts, style);
    auto it = std::back_inserter(out);
    fmt::format_to(it, " {}/cpu{} {}:", e.stream->source->domain_name, e.cpu, e.cls->name);
    field_cursor cursor(*e.cls->desc, e.payload);
    const ltt::field_desc* f = nullptr;
    field_value v;
    while (cursor.next(f, v)) {
        out.push_back(' ');
        out.append(f->name);
        out.push_back('=');
        switch (v.what) {
        case field_value::kind::string:
            out.push_back('"');
            out.append(v.str);
            out.push_back('"');
            break;
        case field_value::kind::array: {
            const std::uint32_t size = ltt::kind_size(f->kind);
            out.push_back('[');
            for (std::uint32_t i = 0; i < f->length; ++i) {
                if (i != 0)
                    out.append(std::string_view(", "));
                append_element(out, *f, v.element.data() + i * size);
            }
            out.push_back(']');
            break;
        }
        default:
            append_integer(out, *f, v.u, v.s);
            break;
        }
    }
    out.push_back('\n');
}

} // namespace ltt::viewer
