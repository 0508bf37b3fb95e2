#include "tep_events.hpp"

#include "../../core/event_class.hpp"

#include <ltt/errors.hpp>

#include <event-parse.h>
#include <trace-seq.h>

#include <fmt/format.h>

#include <cstring>
#include <stdexcept>
#include <string_view>

namespace ltt::viewer {

namespace {

using kind = ltt::field_kind;

// How one field of an own class is read from the record.
enum class how : std::uint8_t {
    number,    // an integer of 1, 2, 4 or 8 bytes
    string,    // char array, __data_loc/__rel_loc char[], char[] to the record's end
    numbers,   // fixed array of 1/2/4/8-byte integers
    hex_bytes, // anything else: its bytes, in hex
};

bool is_string(const tep_format_field* f) {
    return (f->flags & TEP_FIELD_IS_STRING) != 0 && f->type != nullptr &&
           std::strstr(f->type, "char") != nullptr;
}

bool plain_size(int size) {
    return size == 1 || size == 2 || size == 4 || size == 8;
}

kind int_kind(unsigned size, bool is_signed) {
    switch (size) {
    case 1:
        return is_signed ? kind::s8 : kind::u8;
    case 2:
        return is_signed ? kind::s16 : kind::u16;
    case 4:
        return is_signed ? kind::s32 : kind::u32;
    default:
        return is_signed ? kind::s64 : kind::u64;
    }
}

how how_of(const tep_format_field* f) {
    if (is_string(f))
        return how::string;
    if ((f->flags & TEP_FIELD_IS_DYNAMIC) != 0)
        return how::hex_bytes;
    if ((f->flags & TEP_FIELD_IS_ARRAY) != 0) {
        const unsigned element = f->elementsize;
        return f->arraylen > 0 && plain_size(static_cast<int>(element)) &&
                       static_cast<std::uint64_t>(f->arraylen) * element ==
                           static_cast<std::uint64_t>(f->size)
                   ? how::numbers
                   : how::hex_bytes;
    }
    return plain_size(f->size) ? how::number : how::hex_bytes;
}

// Reads fields of one record, every access checked against its size.
class record_reader {
public:
    record_reader(tep_handle* tep, const tep_record* r, const std::string& file)
        : tep_(tep), data_(static_cast<const char*>(r->data)),
          size_(r->size < 0 ? 0 : static_cast<std::size_t>(r->size)), offset_(r->offset),
          file_(file) {}

    [[noreturn]] void fail(const tep_format_field* f, std::string_view what) const {
        throw ltt::format_error(file_, offset_,
                                fmt::format("record of {}:{}: field `{}` {}",
                                            f->event != nullptr ? f->event->system : "?",
                                            f->event != nullptr ? f->event->name : "?", f->name,
                                            what));
    }

    // Bytes [off, off + len) of the record.
    const char* at(const tep_format_field* f, std::int64_t off, std::int64_t len) const {
        if (off < 0 || len < 0 || static_cast<std::uint64_t>(off + len) > size_)
            fail(f, fmt::format("at bytes {}..{} lies outside the record ({} bytes)", off,
                                off + len, size_));
        return data_ + off;
    }

    std::uint64_t raw(const tep_format_field* f, std::int64_t off, int size) const {
        if (!plain_size(size))
            fail(f, fmt::format("has size {}, not an integer's", size));
        return tep_read_number(tep_, at(f, off, size), size);
    }

    std::uint64_t unsigned_value(const tep_format_field* f) const {
        return raw(f, f->offset, f->size);
    }

    std::int64_t signed_value(const tep_format_field* f) const {
        const std::uint64_t v = unsigned_value(f);
        if ((f->flags & TEP_FIELD_IS_SIGNED) == 0 || f->size == 8)
            return static_cast<std::int64_t>(v);
        const unsigned shift = 64 - 8 * static_cast<unsigned>(f->size);
        return static_cast<std::int64_t>(v << shift) >> shift;
    }

    // The bytes of a dynamic (__data_loc / __rel_loc) field.
    std::string_view dynamic(const tep_format_field* f) const {
        const std::uint64_t loc = raw(f, f->offset, 4);
        std::int64_t off = static_cast<std::int64_t>(loc & 0xffff);
        const std::int64_t len = static_cast<std::int64_t>(loc >> 16);
        if ((f->flags & TEP_FIELD_IS_RELATIVE) != 0)
            off += f->offset + f->size;
        return {at(f, off, len), static_cast<std::size_t>(len)};
    }

    std::string_view bytes(const tep_format_field* f) const {
        if ((f->flags & TEP_FIELD_IS_DYNAMIC) != 0)
            return dynamic(f);
        if ((f->flags & TEP_FIELD_IS_ARRAY) != 0 && f->size == 0) {
            // char buf[]: runs to the end of the record.
            const char* p = at(f, f->offset, 0);
            return {p, size_ - static_cast<std::size_t>(f->offset)};
        }
        return {at(f, f->offset, f->size), static_cast<std::size_t>(f->size)};
    }

    std::string_view string(const tep_format_field* f) const {
        const std::string_view b = bytes(f);
        return b.substr(0, b.find('\0'));
    }

private:
    tep_handle* tep_;
    const char* data_;
    std::size_t size_;
    std::uint64_t offset_;
    const std::string& file_;
};

void put_s32(payload_builder& out, std::int64_t v) {
    out.put(kind::s32, static_cast<std::uint64_t>(v));
}

std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        s.push_back(digits[b >> 4]);
        s.push_back(digits[b & 0xf]);
    }
    return s;
}

const tep_format_field* field_named(tep_event* event, const char* name) {
    return tep_find_field(event, name);
}

} // namespace

struct tep_events::decoder {
    const event_class* cls = nullptr;
    std::optional<kernel_event> builtin;
    std::vector<const tep_format_field*> fields; // builtin: by the facility's order
    std::vector<how> plan;                       // own: how each field is read
    bool text = false;                           // own: + what libtraceevent prints
    const tep_format_field* pid = nullptr;       // common_pid
};

tep_events::tep_events(class_registry& classes, std::string file, std::vector<std::string>& notices)
    : classes_(classes), kernel_(classes), file_(std::move(file)), notices_(notices),
      seq_(new trace_seq) {
    trace_seq_init(seq_);
}

tep_events::~tep_events() {
    trace_seq_destroy(seq_);
    delete seq_;
}

std::unique_ptr<tep_events::decoder> tep_events::make_builtin(tep_event* event,
                                                              kernel_event which) {
    static const char* const names[][7] = {
        {"irq", "name"},
        {"irq", "ret"},
        {"vec"},
        {"vec"},
        {"vec"},
        {"prev_comm", "prev_pid", "prev_prio", "prev_state", "next_comm", "next_pid", "next_prio"},
        {"comm", "pid", "prio", "target_cpu"},
        {"comm", "pid", "prio", "target_cpu"},
        {"comm", "pid", "prio", "target_cpu"},
    };
    auto d = std::make_unique<decoder>();
    d->builtin = which;
    d->cls = &kernel_.of(which);
    for (const char* name : names[static_cast<int>(which)]) {
        if (name == nullptr)
            break;
        const tep_format_field* f = field_named(event, name);
        const bool string_wanted =
            std::string_view(name).ends_with("comm") ||
            (which == kernel_event::irq_handler_entry && std::string_view(name) == "name");
        if (f == nullptr || (string_wanted ? !is_string(f) : !plain_size(f->size))) {
            notices_.push_back(fmt::format(
                "{}:{} has no {} field `{}` in this file's format: kept as an event of its own, "
                "not the builtin {}",
                event->system, event->name, string_wanted ? "string" : "integer", name,
                ftrace_name(which)));
            return nullptr;
        }
        d->fields.push_back(f);
    }
    return d;
}

std::unique_ptr<tep_events::decoder> tep_events::make_own(tep_event* event) {
    auto d = std::make_unique<decoder>();
    std::vector<field_spec> specs{{"common_comm", kind::string}, {"common_pid", kind::s32}};
    for (const tep_format_field* f = event->format.fields; f != nullptr; f = f->next) {
        const how h = how_of(f);
        d->plan.push_back(h);
        d->fields.push_back(f);
        switch (h) {
        case how::number:
            specs.push_back(
                {f->name,
                 int_kind(static_cast<unsigned>(f->size), (f->flags & TEP_FIELD_IS_SIGNED) != 0), 0,
                 (f->flags & TEP_FIELD_IS_POINTER) != 0});
            break;
        case how::numbers:
            specs.push_back({f->name,
                             int_kind(f->elementsize, (f->flags & TEP_FIELD_IS_SIGNED) != 0),
                             f->arraylen, false});
            break;
        case how::string:
        case how::hex_bytes:
            specs.push_back({f->name, kind::string});
            break;
        }
    }
    d->text = (event->flags & TEP_EVENT_FL_ISFTRACE) != 0;
    if (d->text)
        specs.push_back({"text", kind::string});
    const std::string system = event->system != nullptr ? event->system : "ftrace";
    std::string facility = system;
    for (int n = 2;; ++n) {
        try {
            d->cls = &classes_.add(ltt::layer::kernel, facility, event->name, specs);
            break;
        } catch (const std::invalid_argument&) {
            // Another trace of this run has this event with other fields.
            facility = fmt::format("{}#{}", system, n);
        }
    }
    if (facility != system)
        notices_.push_back(fmt::format("{}:{} has other fields here than in a trace read before: "
                                       "its class is {}:{}",
                                       system, event->name, facility, event->name));
    return d;
}

tep_events::decoder& tep_events::decoder_of(tep_handle* tep, tep_event* event) {
    (void)tep;
    auto it = decoders_.find(event);
    if (it != decoders_.end())
        return *it->second;
    std::unique_ptr<decoder> d;
    if (const auto k = kernel_event_named(event->name);
        k && event->system != nullptr && ftrace_system(*k) == event->system)
        d = make_builtin(event, *k);
    if (!d)
        d = make_own(event);
    d->pid = tep_find_common_field(event, "common_pid");
    return *decoders_.emplace(event, std::move(d)).first->second;
}

const event_class& tep_events::decode(tep_handle* tep, tep_record* record, payload_builder& out) {
    out.clear();
    // common_type is the record's first two bytes (what tep_data_type reads).
    if (record->size < 2)
        throw ltt::format_error(
            file_, record->offset,
            fmt::format("record of {} bytes: too short for its type", record->size));
    tep_event* event = tep_find_event_by_record(tep, record);
    if (event == nullptr)
        throw ltt::format_error(file_, record->offset,
                                fmt::format("record of event type {}, which has no format in "
                                            "the file",
                                            tep_data_type(tep, record)));
    const decoder& d = decoder_of(tep, event);
    const record_reader r(tep, record, file_);

    if (d.builtin) {
        const auto& f = d.fields;
        switch (*d.builtin) {
        case kernel_event::irq_handler_entry:
            put_s32(out, r.signed_value(f[0]));
            out.put_string(r.string(f[1]));
            break;
        case kernel_event::irq_handler_exit:
            put_s32(out, r.signed_value(f[0]));
            put_s32(out, r.signed_value(f[1]));
            break;
        case kernel_event::softirq_entry:
        case kernel_event::softirq_exit:
        case kernel_event::softirq_raise:
            out.put(kind::u32, r.unsigned_value(f[0]));
            break;
        case kernel_event::sched_switch:
            out.put_string(r.string(f[0]));
            put_s32(out, r.signed_value(f[1]));
            put_s32(out, facility_prio(static_cast<std::int32_t>(r.signed_value(f[2]))));
            // As __trace_sched_switch_state() recorded it: the facility's
            // value already.
            out.put(kind::s64, static_cast<std::uint64_t>(r.signed_value(f[3])));
            out.put_string(r.string(f[4]));
            put_s32(out, r.signed_value(f[5]));
            put_s32(out, facility_prio(static_cast<std::int32_t>(r.signed_value(f[6]))));
            break;
        case kernel_event::sched_waking:
        case kernel_event::sched_wakeup:
        case kernel_event::sched_wakeup_new:
            out.put_string(r.string(f[0]));
            put_s32(out, r.signed_value(f[1]));
            put_s32(out, facility_prio(static_cast<std::int32_t>(r.signed_value(f[2]))));
            put_s32(out, r.signed_value(f[3]));
            break;
        }
        return *d.cls;
    }

    const std::int64_t pid = d.pid != nullptr ? r.signed_value(d.pid) : -1;
    const char* comm = tep_data_comm_from_pid(tep, static_cast<int>(pid));
    out.put_string(comm != nullptr ? comm : "<...>");
    put_s32(out, pid);
    for (std::size_t i = 0; i < d.fields.size(); ++i) {
        const tep_format_field* f = d.fields[i];
        switch (d.plan[i]) {
        case how::number:
            out.put(int_kind(static_cast<unsigned>(f->size), false), r.unsigned_value(f));
            break;
        case how::numbers: {
            const std::string_view b = r.bytes(f);
            for (unsigned e = 0; e < f->arraylen; ++e)
                out.put(int_kind(f->elementsize, false),
                        tep_read_number(tep, b.data() + e * f->elementsize,
                                        static_cast<int>(f->elementsize)));
            break;
        }
        case how::string:
            out.put_string(r.string(f));
            break;
        case how::hex_bytes:
            out.put_string(hex(r.bytes(f)));
            break;
        }
    }
    if (d.text) {
        trace_seq_reset(seq_);
        tep_print_event(tep, seq_, record, "%s", TEP_PRINT_INFO);
        trace_seq_terminate(seq_);
        out.put_string(std::string_view(seq_->buffer, seq_->len));
    }
    return *d.cls;
}

} // namespace ltt::viewer
