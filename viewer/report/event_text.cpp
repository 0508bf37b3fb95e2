#include "event_text.hpp"

#include "../core/payload.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

// One line per event is the hot path of `ltt-view events`. What makes it
// fast: per event class, the literal text ("name: field=", " field=") and
// each field's decoding are worked out once (class_text); characters go
// straight into the output buffer after one room check per line (not through
// a line buffer); numbers are written with std::to_chars, not fmt's run-time
// format strings (which cost ten times as much per event here); the time
// needs no 64-bit division for most events.

namespace ltt::viewer {

namespace {

// Writes into the free space of a memory_buffer; room(n) before writing n
// characters. The buffer's size is set once, when the sink goes.
class sink {
public:
    explicit sink(fmt::memory_buffer& out)
        : out_(out), pos_(out.data() + out.size()), end_(out.data() + out.capacity()) {}
    ~sink() { out_.resize(static_cast<std::size_t>(pos_ - out_.data())); }
    sink(const sink&) = delete;
    sink& operator=(const sink&) = delete;

    void room(std::size_t n) {
        if (static_cast<std::size_t>(end_ - pos_) < n)
            grow(n);
    }
    void put(char c) noexcept { *pos_++ = c; }
    void put(std::string_view s) noexcept {
        std::memcpy(pos_, s.data(), s.size());
        pos_ += s.size();
    }
    template <typename T> void number(T v) noexcept { pos_ = std::to_chars(pos_, end_, v).ptr; }
    void hex(std::uint64_t v) noexcept {
        *pos_++ = '0';
        *pos_++ = 'x';
        pos_ = std::to_chars(pos_, end_, v, 16).ptr;
    }
    // Right-aligned in `width` characters (spaces before); room for
    // max(width, 20).
    void padded(std::uint64_t v, std::size_t width) noexcept {
        char digits[24];
        const auto r = std::to_chars(digits, digits + sizeof digits, v);
        const auto n = static_cast<std::size_t>(r.ptr - digits);
        for (std::size_t i = n; i < width; ++i)
            *pos_++ = ' ';
        std::memcpy(pos_, digits, n);
        pos_ += n;
    }
    // Exactly 9 digits, zeros in front (v < 1e9). Two digits at a time from
    // a table, in two independent halves: a digit at a time was a chain of
    // nine dependent divisions, the costliest part of a line.
    void nine_digits(std::uint64_t v) noexcept {
        const auto n = static_cast<std::uint32_t>(v);
        const std::uint32_t high = n / 10000; // 5 digits
        const std::uint32_t low = n % 10000;  // 4 digits
        pos_[0] = static_cast<char>('0' + high / 10000);
        pair(pos_ + 1, high % 10000 / 100);
        pair(pos_ + 3, high % 100);
        pair(pos_ + 5, low / 100);
        pair(pos_ + 7, low % 100);
        pos_ += 9;
    }
    // A literal piece of a line, whose storage has copy_slack readable bytes
    // after it (class_text::literal, stream_text::text): copied in fixed
    // 16-byte moves, which room() leaves space for, instead of a call to
    // memcpy of a variable length.
    void put_padded(std::string_view s) noexcept {
        if (s.size() <= 32) {
            std::memcpy(pos_, s.data(), 16);
            std::memcpy(pos_ + 16, s.data() + 16, 16);
        } else {
            std::memcpy(pos_, s.data(), s.size());
        }
        pos_ += s.size();
    }

private:
    static void pair(char* at, std::uint32_t v) noexcept {
        static constexpr char digits[] = "00010203040506070809"
                                         "10111213141516171819"
                                         "20212223242526272829"
                                         "30313233343536373839"
                                         "40414243444546474849"
                                         "50515253545556575859"
                                         "60616263646566676869"
                                         "70717273747576777879"
                                         "80818283848586878889"
                                         "90919293949596979899";
        std::memcpy(at, digits + 2 * v, 2);
    }
    void grow(std::size_t n) {
        const auto used = static_cast<std::size_t>(pos_ - out_.data());
        out_.resize(used);
        out_.reserve(used + n);
        pos_ = out_.data() + used;
        end_ = out_.data() + out_.capacity();
    }

    fmt::memory_buffer& out_;
    char* pos_;
    char* end_;
};

// The most a number takes: "-9223372036854775808" (20), "18446744073709551615"
// (20), "0xffffffffffffffff" (18).
constexpr std::size_t max_number = 21;

// The time column: at most a sign, 20 digits, a point and 9 digits.
constexpr std::size_t max_time = 32;

// What sink::put_padded may read past a piece and write past its end.
constexpr std::size_t copy_slack = 32;

} // namespace

struct event_text_writer::class_text {
    struct field_text {
        std::string_view prefix; // " field=" (the first field's: "name: field=")
        const ltt::field_desc* f = nullptr;
        // An enum whose values are all small non-negative integers: names by
        // value (empty: no name), instead of a search per event; they point
        // into class_text::names_literal.
        std::vector<std::string_view> names;
    };

    const event_class* cls = nullptr;
    std::string literal;       // every prefix, one after the other
    std::string_view head;     // "name:" (what shows when the first field is missing)
    std::string names_literal; // the enums' names, then padding for sink::put_padded
    std::vector<field_text> fields;
    std::size_t room = 0; // the most the body takes besides string fields' text
};

event_text_writer::event_text_writer(const event_text_style& style) : style_(style) {
    if (style.freq_hz != 0)
        per_tick_ns_ = 1e9 / static_cast<double>(style.freq_hz);
}

event_text_writer::~event_text_writer() = default;

void event_text_writer::set_origin(std::uint64_t origin) noexcept {
    style_.origin = origin;
    second_ = second_start_ = second_size_ = 0;
}

const event_text_writer::class_text& event_text_writer::build_text(const event_class& cls) {
    auto t = std::make_unique<class_text>();
    t->cls = &cls;
    const auto& fields = cls.desc->fields;
    std::vector<std::size_t> ends; // of each prefix in literal
    t->literal.append(cls.name).push_back(':');
    const std::size_t head = t->literal.size();
    t->room = head;
    for (const ltt::field_desc& f : fields) {
        t->literal.append(" ").append(f.name).push_back('=');
        ends.push_back(t->literal.size());
        std::size_t value = max_number;
        if (f.enumeration != nullptr) {
            for (const ltt::enum_value_desc& v : f.enumeration->values)
                value = std::max(value, v.name.size());
        }
        if (f.is_string())
            value = 2; // the quotes; the text's own room is asked for per event
        else if (f.is_array())
            value = 2 + f.length * (value + 2);
        t->room += ends.back() - (ends.size() == 1 ? 0 : ends[ends.size() - 2]) + value;
    }
    t->room += copy_slack;
    t->literal.append(copy_slack, '\0'); // for sink::put_padded; the views end before it
    t->head = std::string_view(t->literal).substr(0, head);
    std::size_t begin = 0;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        class_text::field_text ft;
        ft.prefix = std::string_view(t->literal).substr(begin, ends[i] - begin);
        ft.f = &fields[i];
        begin = ends[i];
        if (const ltt::enum_desc* en = fields[i].enumeration) {
            const bool small = std::all_of(en->values.begin(), en->values.end(), [](const auto& v) {
                return v.value >= 0 && v.value < 256;
            });
            if (small && !en->values.empty()) {
                for (const ltt::enum_value_desc& v : en->values) {
                    const auto at = static_cast<std::size_t>(v.value);
                    if (at >= ft.names.size())
                        ft.names.resize(at + 1);
                    if (ft.names[at].empty()) // the first value's name, as name_of
                        ft.names[at] = v.name;
                }
            }
        }
        t->fields.push_back(std::move(ft));
    }
    // The names where put_padded may read past them.
    std::size_t names_size = copy_slack;
    for (const auto& ft : t->fields)
        for (const std::string_view n : ft.names)
            names_size += n.size();
    t->names_literal.reserve(names_size); // no reallocation below: the views stay valid
    for (auto& ft : t->fields) {
        for (std::string_view& n : ft.names) {
            const std::size_t at = t->names_literal.size();
            t->names_literal.append(n);
            n = std::string_view(t->names_literal).substr(at, n.size());
        }
    }
    t->names_literal.append(copy_slack, '\0');
    if (cls.id >= classes_.size()) {
        classes_.resize(cls.id + 1);
        class_keys_.resize(cls.id + 1);
    }
    classes_[cls.id] = std::move(t);
    class_keys_[cls.id] = &cls;
    return *classes_[cls.id];
}

const event_text_writer::stream_text& event_text_writer::build_text(const event& e) {
    const std::uint32_t i = e.stream->index;
    if (i >= streams_.size())
        streams_.resize(i + 1);
    stream_text& s = streams_[i];
    s.stream = e.stream;
    s.cpu = e.cpu;
    s.text = fmt::format(" {}/cpu{} ", e.stream->source->domain_name, e.cpu);
    s.size = s.text.size();
    s.text.append(copy_slack, '\0'); // for sink::put_padded
    return s;
}

namespace {

// An integer (or enum) value of field f: u for unsigned kinds, s for signed.
inline void append_integer(sink& out, const ltt::field_desc& f,
                           const std::vector<std::string_view>& names, std::uint64_t u,
                           std::int64_t s) {
    const bool is_signed = ltt::kind_is_signed(f.kind);
    if (f.enumeration != nullptr) {
        const std::int64_t v = is_signed ? s : static_cast<std::int64_t>(u);
        if (!names.empty()) {
            if (v >= 0 && static_cast<std::uint64_t>(v) < names.size() &&
                !names[static_cast<std::size_t>(v)].empty()) {
                out.put_padded(names[static_cast<std::size_t>(v)]);
                return;
            }
        } else if (const std::string_view name = f.enumeration->name_of(v); !name.empty()) {
            out.put(name);
            return;
        }
    }
    if (f.hex)
        out.hex(is_signed ? static_cast<std::uint64_t>(s) : u);
    else if (is_signed)
        out.number(s);
    else
        out.number(u);
}

// Reads one integer of kind `kind` at p: into u (unsigned kinds) or s.
inline void load(ltt::field_kind kind, const std::byte* p, std::uint64_t& u, std::int64_t& s) {
    switch (kind) {
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
        break;
    }
}

// "name: field=value ...", the fields read in order as field_cursor does: a
// payload too short for a field ends the line there.
void write_body(sink& out, const event_text_writer::class_text& t,
                std::span<const std::byte> payload) {
    out.room(t.room);
    std::size_t pos = 0;
    bool first = true;
    for (const auto& ft : t.fields) {
        const ltt::field_desc& f = *ft.f;
        const std::size_t left = payload.size() - pos;
        const std::byte* p = payload.data() + pos;
        const std::string_view prefix = ft.prefix;
        if (f.is_string()) {
            const void* nul = std::memchr(p, 0, left);
            if (nul == nullptr)
                break;
            const auto n = static_cast<std::size_t>(static_cast<const std::byte*>(nul) - p);
            out.room(n + t.room); // the text, and what the fields after it may take
            out.put_padded(prefix);
            out.put('"');
            out.put(std::string_view(reinterpret_cast<const char*>(p), n));
            out.put('"');
            pos += n + 1;
        } else {
            if (f.size > left)
                break;
            out.put_padded(prefix);
            if (f.is_array()) {
                const std::uint32_t size = ltt::kind_size(f.kind);
                out.put('[');
                for (std::uint32_t i = 0; i < f.length; ++i) {
                    if (i != 0)
                        out.put(std::string_view(", "));
                    std::uint64_t u = 0;
                    std::int64_t s = 0;
                    load(f.kind, p + i * size, u, s);
                    append_integer(out, f, ft.names, u, s);
                }
                out.put(']');
            } else {
                std::uint64_t u = 0;
                std::int64_t s = 0;
                load(f.kind, p, u, s);
                append_integer(out, f, ft.names, u, s);
            }
            pos += f.size;
        }
        first = false;
    }
    if (first)
        out.put_padded(t.head);
}

} // namespace

void event_text_writer::append_line(fmt::memory_buffer& out, const event& e) {
    const stream_text& stream = text_of(e);
    const class_text& t = text_of(*e.cls);
    sink s(out);
    s.room(max_time + stream.text.size());
    // Seconds.nanoseconds since the origin, without going through floating
    // point (a trace of hours keeps its nanoseconds).
    const std::uint64_t f = style_.freq_hz;
    if (style_.absolute || f == 0) {
        s.padded(e.ts, 18);
    } else if (e.ts >= style_.origin && f < 18'000'000'000u) {
        const std::uint64_t d = e.ts - style_.origin;
        if (d - second_start_ >= f || second_size_ == 0) { // another second (or an earlier one)
            second_ = d / f;
            second_start_ = d - d % f;
            fmt::memory_buffer b;
            {
                sink text(b);
                text.room(max_time);
                text.put(' ');
                text.padded(second_, 4);
                text.put('.');
            }
            std::memcpy(second_text_, b.data(), b.size());
            second_size_ = b.size();
        }
        const std::uint64_t rem = d - second_start_;
        // rem * 1e9 / f exactly: an estimate in floating point, then
        // corrected, costs less than the 64-bit division. rem * 1e9 fits in
        // 64 bits below 18 GHz.
        const std::uint64_t num = rem * 1'000'000'000u;
        auto ns = static_cast<std::uint64_t>(static_cast<double>(rem) * per_tick_ns_);
        while (ns * f > num)
            --ns;
        while (num - ns * f >= f)
            ++ns;
        s.put_padded(std::string_view(second_text_, second_size_));
        s.nine_digits(ns);
    } else {
        const bool negative = e.ts < style_.origin;
        const std::uint64_t d = negative ? style_.origin - e.ts : e.ts - style_.origin;
        // (d % f) * 1e9 fits in 64 bits for any frequency below 18 GHz.
        const std::uint64_t ns = (d % f) * 1'000'000'000u / f;
        s.put(negative ? '-' : ' ');
        s.padded(d / f, 4);
        s.put('.');
        s.nine_digits(ns);
    }
    s.put_padded(std::string_view(stream.text.data(), stream.size));
    write_body(s, t, e.payload);
    s.room(1);
    s.put('\n');
}

void event_text_writer::append_body(fmt::memory_buffer& out, const event& e) {
    sink s(out);
    write_body(s, text_of(*e.cls), e.payload);
}

void append_event_line(fmt::memory_buffer& out, const event& e, const event_text_style& style) {
    event_text_writer w(style);
    w.append_line(out, e);
}

void append_event_body(fmt::memory_buffer& out, const event& e) {
    event_text_writer w(event_text_style{});
    w.append_body(out, e);
}

} // namespace ltt::viewer
