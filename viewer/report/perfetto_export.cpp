#include "perfetto_export.hpp"

#include "../core/payload.hpp"

#include <iterator>
#include <stdexcept>

// The JSON is written by hand rather than through nlohmann::json: a trace
// has millions of events, and building a JSON object per event costs ten
// times the rest of the export; the format written is a flat, fixed one.

namespace ltt::viewer {

namespace {

constexpr int hypervisor_pid = 1;

// The length of a valid UTF-8 sequence at s[i], or 0.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size())
        return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80)
            return 0;
    }
    return n;
}

void append_integer_json(fmt::memory_buffer& out, const ltt::field_desc& f, std::uint64_t u,
                         std::int64_t s) {
    const bool is_signed = ltt::kind_is_signed(f.kind);
    if (f.enumeration != nullptr) {
        const std::string_view name =
            f.enumeration->name_of(is_signed ? s : static_cast<std::int64_t>(u));
        if (!name.empty()) {
            append_json_string(out, name);
            return;
        }
    }
    auto it = std::back_inserter(out);
    if (f.hex)
        fmt::format_to(it, "\"{:#x}\"", is_signed ? static_cast<std::uint64_t>(s) : u);
    else if (is_signed)
        fmt::format_to(it, "{}", s);
    else
        fmt::format_to(it, "{}", u);
}

void append_element_json(fmt::memory_buffer& out, const ltt::field_desc& f, const std::byte* p) {
    switch (f.kind) {
    case ltt::field_kind::u8:
        return append_integer_json(out, f, load_le<std::uint8_t>(p), 0);
    case ltt::field_kind::u16:
        return append_integer_json(out, f, load_le<std::uint16_t>(p), 0);
    case ltt::field_kind::u32:
        return append_integer_json(out, f, load_le<std::uint32_t>(p), 0);
    case ltt::field_kind::u64:
        return append_integer_json(out, f, load_le<std::uint64_t>(p), 0);
    case ltt::field_kind::s8:
        return append_integer_json(out, f, 0, load_le<std::int8_t>(p));
    case ltt::field_kind::s16:
        return append_integer_json(out, f, 0, load_le<std::int16_t>(p));
    case ltt::field_kind::s32:
        return append_integer_json(out, f, 0, load_le<std::int32_t>(p));
    case ltt::field_kind::s64:
        return append_integer_json(out, f, 0, load_le<std::int64_t>(p));
    case ltt::field_kind::string:
        out.append(std::string_view("null"));
        return;
    }
}

// An event's fields as a JSON object.
void append_fields_json(fmt::memory_buffer& out, const event& e) {
    out.push_back('{');
    field_cursor cursor(*e.cls->desc, e.payload);
    const ltt::field_desc* f = nullptr;
    field_value v;
    bool first = true;
    while (cursor.next(f, v)) {
        if (!first)
            out.push_back(',');
        first = false;
        append_json_string(out, f->name);
        out.push_back(':');
        switch (v.what) {
        case field_value::kind::string:
            append_json_string(out, v.str);
            break;
        case field_value::kind::array: {
            const std::uint32_t size = ltt::kind_size(f->kind);
            out.push_back('[');
            for (std::uint32_t i = 0; i < f->length; ++i) {
                if (i != 0)
                    out.push_back(',');
                append_element_json(out, *f, v.element.data() + i * size);
            }
            out.push_back(']');
            break;
        }
        default:
            append_integer_json(out, *f, v.u, v.s);
            break;
        }
    }
    out.push_back('}');
}

} // namespace

void append_json_string(fmt::memory_buffer& out, std::string_view text) {
    out.push_back('"');
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
            ++i;
        } else if (u < 0x20) {
            fmt::format_to(std::back_inserter(out), "\\u{:04x}", u);
            ++i;
        } else if (u < 0x80) {
            out.push_back(c);
            ++i;
        } else if (const std::size_t n = utf8_length(text, i); n != 0) {
            out.append(text.substr(i, n));
            i += n;
        } else {
            out.append(std::string_view("\\ufffd"));
            ++i;
        }
    }
    out.push_back('"');
}

perfetto_writer::perfetto_writer(std::FILE* out, std::string path, time_unit unit,
                                 std::uint64_t freq_hz)
    : out_(out), path_(std::move(path)), unit_(unit), freq_hz_(freq_hz) {
    buf_.append(std::string_view("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n"));
}

void perfetto_writer::flush_if_full() {
    if (buf_.size() < (1u << 20))
        return;
    if (std::fwrite(buf_.data(), 1, buf_.size(), out_) != buf_.size())
        throw std::runtime_error(path_ + ": write failed");
    buf_.clear();
}

void perfetto_writer::begin_event() {
    if (!first_event_)
        buf_.append(std::string_view(",\n"));
    first_event_ = false;
}

// Nanoseconds since the origin, computed in integers: whole seconds, then
// the rest, so nothing overflows, and a slice's end and its neighbour's
// start round the same.
std::int64_t perfetto_writer::ns_of(std::uint64_t ts) {
    if (!have_origin_) {
        origin_ = ts;
        have_origin_ = true;
    }
    const bool negative = ts < origin_;
    const std::uint64_t d = negative ? origin_ - ts : ts - origin_;
    std::uint64_t ns;
    if (freq_hz_ == 0)
        ns = d * 1000; // cycles shown as microseconds (the metadata says so)
    else
        ns = d / freq_hz_ * 1'000'000'000u + (d % freq_hz_) * 1'000'000'000u / freq_hz_;
    return negative ? -static_cast<std::int64_t>(ns) : static_cast<std::int64_t>(ns);
}

// Microseconds with three decimals.
void perfetto_writer::put_us(std::int64_t ns) {
    const std::uint64_t a =
        ns < 0 ? static_cast<std::uint64_t>(-ns) : static_cast<std::uint64_t>(ns);
    fmt::format_to(std::back_inserter(buf_), "{}{}.{:03}", ns < 0 ? "-" : "", a / 1000, a % 1000);
}

void perfetto_writer::lane_event(std::uint32_t, const event& e) {
    if (!have_origin_) {
        origin_ = e.ts;
        have_origin_ = true;
    }
}

void perfetto_writer::metadata(int pid, int tid, std::string_view what, std::string_view name) {
    begin_event();
    fmt::format_to(std::back_inserter(buf_),
                   "{{\"ph\":\"M\",\"pid\":{},\"tid\":{},\"name\":\"{}\","
                   "\"args\":{{\"name\":",
                   pid, tid, what);
    append_json_string(buf_, name);
    buf_.append(std::string_view("}}"));
}

void perfetto_writer::sort_index(int pid, int tid, std::string_view what, std::int64_t index) {
    begin_event();
    fmt::format_to(std::back_inserter(buf_),
                   "{{\"ph\":\"M\",\"pid\":{},\"tid\":{},\"name\":\"{}\","
                   "\"args\":{{\"sort_index\":{}}}}}",
                   pid, tid, what, index);
}

void perfetto_writer::lane(const timeline_lane& l) {
    track t;
    if (l.kind == lane_kind::physical_cpu) {
        t.pid = hypervisor_pid;
        t.tid = 1000 + static_cast<int>(l.cpu);
        if (named_pids_.insert(t.pid).second) {
            metadata(t.pid, 0, "process_name", "Xen hypervisor");
            sort_index(t.pid, 0, "process_sort_index", 0);
        }
        metadata(t.pid, t.tid, "thread_name", l.name);
        sort_index(t.pid, t.tid, "thread_sort_index", l.cpu);
    } else {
        t.vcpu = true;
        t.pid = l.domid ? 100 + static_cast<int>(*l.domid) : 100000 + static_cast<int>(l.id);
        t.tid_runstate = 200000 + 2 * static_cast<int>(l.id);
        t.tid_guest = t.tid_runstate + 1;
        if (named_pids_.insert(t.pid).second) {
            metadata(t.pid, 0, "process_name", l.group);
            sort_index(t.pid, 0, "process_sort_index", 1 + (l.domid ? *l.domid : 0));
        }
        metadata(t.pid, t.tid_runstate, "thread_name", l.name + " runstate");
        sort_index(t.pid, t.tid_runstate, "thread_sort_index", 2 * std::int64_t{l.cpu});
        metadata(t.pid, t.tid_guest, "thread_name", l.name);
        sort_index(t.pid, t.tid_guest, "thread_sort_index", 2 * std::int64_t{l.cpu} + 1);
    }
    tracks_[l.id] = t;
    flush_if_full();
}

void perfetto_writer::slice(const timeline_slice& s) {
    const track& t = tracks_.at(s.lane);
    const int tid = !t.vcpu ? t.tid : s.row == 0 ? t.tid_runstate : t.tid_guest;
    begin_event();
    buf_.append(std::string_view("{\"ph\":\"X\",\"name\":"));
    append_json_string(buf_, s.label);
    fmt::format_to(std::back_inserter(buf_),
                   ",\"cat\":\"{}\",\"pid\":{},\"tid\":{},\"ts\":", to_string(s.kind), t.pid, tid);
    // The duration from the rounded ends, so that slices tile exactly.
    const std::int64_t start = ns_of(s.start), end = ns_of(s.end);
    put_us(start);
    buf_.append(std::string_view(",\"dur\":"));
    put_us(end - start);
    buf_.push_back('}');
    ++slices_;
    flush_if_full();
}

void perfetto_writer::instant(const timeline_instant& i) {
    const track& t = tracks_.at(i.lane);
    begin_event();
    buf_.append(std::string_view("{\"ph\":\"i\",\"s\":\"t\",\"name\":"));
    append_json_string(buf_, i.label);
    fmt::format_to(std::back_inserter(buf_),
                   ",\"cat\":\"{}\",\"pid\":{},\"tid\":{},\"ts\":", to_string(i.kind), t.pid,
                   t.vcpu ? t.tid_guest : t.tid);
    put_us(ns_of(i.ts));
    if (i.source != nullptr) {
        buf_.append(std::string_view(",\"args\":"));
        append_fields_json(buf_, *i.source);
    }
    buf_.push_back('}');
    ++instants_;
    flush_if_full();
}

void perfetto_writer::finish(std::uint64_t first, std::uint64_t last) {
    first_ = first;
    last_ = last;
}

void perfetto_writer::close(const std::vector<std::string>& notes) {
    buf_.append(std::string_view("\n],\n\"metadata\":{\"generator\":\"ltt-view\",\"time_base\":"));
    if (unit_ == time_unit::ns)
        append_json_string(buf_, "ns clock; ts in microseconds since the first event");
    else if (freq_hz_ == 0)
        append_json_string(buf_, "TSC frequency unknown: ts and dur are TSC cycles written as "
                                 "microseconds (1 cycle = 1 us); give --cpu-hz for real times");
    else
        append_json_string(buf_, fmt::format("TSC at {} Hz; ts in microseconds since the first "
                                             "event",
                                             freq_hz_));
    fmt::format_to(std::back_inserter(buf_),
                   ",\"tsc_hz\":{},\"origin_ticks\":{},\"span_ticks\":{},\"slices\":{},"
                   "\"instants\":{},\"notes\":[",
                   freq_hz_, origin_, last_ - first_, slices_, instants_);
    for (std::size_t k = 0; k < notes.size(); ++k) {
        if (k != 0)
            buf_.push_back(',');
        append_json_string(buf_, notes[k]);
    }
    buf_.append(std::string_view("]}}\n"));
    if (std::fwrite(buf_.data(), 1, buf_.size(), out_) != buf_.size() || std::fflush(out_) != 0 ||
        std::ferror(out_) != 0)
        throw std::runtime_error(path_ + ": write failed");
    buf_.clear();
}

} // namespace ltt::viewer
