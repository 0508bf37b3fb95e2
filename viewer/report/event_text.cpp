#include "event_text.hpp"

#include "../core/payload.hpp"

#include <charconv>
#include <cstring>

// One line per event is the hot path of `ltt-view events`: the line is
// written with std::to_chars and plain copies, not fmt's run-time format
// strings (which cost ten times as much per event here).

namespace ltt::viewer {

namespace {

// Characters go to a local array, handed to the output buffer in one append
// per line (or when a long string field fills it).
class line {
public:
    explicit line(fmt::memory_buffer& out) : out_(out) {}
    ~line() { flush(); }
    line(const line&) = delete;
    line& operator=(const line&) = delete;

    void put(char c) {
        if (pos_ == end_)
            flush();
        *pos_++ = c;
    }
    void put(std::string_view s) {
        if (s.size() > static_cast<std::size_t>(end_ - pos_)) {
            flush();
            if (s.size() > sizeof buf_) {
                out_.append(s.data(), s.data() + s.size());
                return;
            }
        }
        std::memcpy(pos_, s.data(), s.size());
        pos_ += s.size();
    }
    template <typename T> void number(T v) {
        room(24);
        pos_ = std::to_chars(pos_, end_, v).ptr;
    }
    void hex(std::uint64_t v) {
        room(20);
        *pos_++ = '0';
        *pos_++ = 'x';
        pos_ = std::to_chars(pos_, end_, v, 16).ptr;
    }
    // Right-aligned in `width` characters (spaces before).
    void padded(std::uint64_t v, std::size_t width) {
        char digits[24];
        const auto r = std::to_chars(digits, digits + sizeof digits, v);
        const auto n = static_cast<std::size_t>(r.ptr - digits);
        room(width + n);
        for (std::size_t i = n; i < width; ++i)
            *pos_++ = ' ';
        std::memcpy(pos_, digits, n);
        pos_ += n;
    }
    // Exactly 9 digits, zeros in front.
    void nine_digits(std::uint64_t v) {
        room(9);
        for (int i = 8; i >= 0; --i) {
            pos_[i] = static_cast<char>('0' + v % 10);
            v /= 10;
        }
        pos_ += 9;
    }

private:
    void room(std::size_t n) {
        if (static_cast<std::size_t>(end_ - pos_) < n)
            flush();
    }
    void flush() {
        out_.append(buf_, pos_);
        pos_ = buf_;
    }

    fmt::memory_buffer& out_;
    char buf_[512];
    char* pos_ = buf_;
    char* const end_ = buf_ + sizeof buf_;
};

// Seconds.nanoseconds since the origin, without going through floating
// point (a trace of hours keeps its nanoseconds).
void append_time(line& l, std::uint64_t ts, const event_text_style& style) {
    if (style.absolute || style.freq_hz == 0) {
        l.padded(ts, 18);
        return;
    }
    const bool negative = ts < style.origin;
    const std::uint64_t d = negative ? style.origin - ts : ts - style.origin;
    const std::uint64_t whole = d / style.freq_hz;
    // (d % f) * 1e9 fits in 64 bits for any frequency below 18 GHz.
    const std::uint64_t ns = (d % style.freq_hz) * 1'000'000'000u / style.freq_hz;
    l.put(negative ? '-' : ' ');
    l.padded(whole, 4);
    l.put('.');
    l.nine_digits(ns);
}

// An integer (or enum) value of field f: u for unsigned kinds, s for signed.
void append_integer(line& l, const ltt::field_desc& f, std::uint64_t u, std::int64_t s) {
    const bool is_signed = ltt::kind_is_signed(f.kind);
    if (f.enumeration != nullptr) {
        const std::string_view name =
            f.enumeration->name_of(is_signed ? s : static_cast<std::int64_t>(u));
        if (!name.empty()) {
            l.put(name);
            return;
        }
    }
    if (f.hex)
        l.hex(is_signed ? static_cast<std::uint64_t>(s) : u);
    else if (is_signed)
        l.number(s);
    else
        l.number(u);
}

void append_element(line& l, const ltt::field_desc& f, const std::byte* p) {
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
    append_integer(l, f, u, s);
}

// "name: field=value ...".
void append_body(line& l, const event& e) {
    l.put(e.cls->name);
    l.put(':');
    field_cursor cursor(*e.cls->desc, e.payload);
    const ltt::field_desc* f = nullptr;
    field_value v;
    while (cursor.next(f, v)) {
        l.put(' ');
        l.put(f->name);
        l.put('=');
        switch (v.what) {
        case field_value::kind::string:
            l.put('"');
            l.put(v.str);
            l.put('"');
            break;
        case field_value::kind::array: {
            const std::uint32_t size = ltt::kind_size(f->kind);
            l.put('[');
            for (std::uint32_t i = 0; i < f->length; ++i) {
                if (i != 0)
                    l.put(std::string_view(", "));
                append_element(l, *f, v.element.data() + i * size);
            }
            l.put(']');
            break;
        }
        default:
            append_integer(l, *f, v.u, v.s);
            break;
        }
    }
}

} // namespace

void append_event_line(fmt::memory_buffer& out, const event& e, const event_text_style& style) {
    line l(out);
    append_time(l, e.ts, style);
    l.put(' ');
    l.put(e.stream->source->domain_name);
    l.put(std::string_view("/cpu"));
    l.number(e.cpu);
    l.put(' ');
    append_body(l, e);
    l.put('\n');
}

void append_event_body(fmt::memory_buffer& out, const event& e) {
    line l(out);
    append_body(l, e);
}

} // namespace ltt::viewer
