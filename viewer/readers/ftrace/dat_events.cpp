#include "dat_events.hpp"

#include "../../core/event_class.hpp"

#include <ltt/errors.hpp>

#include <fmt/format.h>

#include <stdexcept>
#include <string_view>

namespace ltt::viewer {

namespace {

using kind = ltt::field_kind;
namespace flag = dat_field_flag;

// How one field of an own class is read from the record.
enum class how : std::uint8_t {
    number,    // an integer of 1, 2, 4 or 8 bytes
    string,    // char array, __data_loc/__rel_loc char[], char[] to the record's end
    numbers,   // fixed array of 1/2/4/8-byte integers
    hex_bytes, // anything else: its bytes, in hex
};

bool is_string(const dat_field& f) {
    return (f.flags & flag::string) != 0 && f.type.find("char") != std::string::npos;
}

bool plain_size(std::int64_t size) {
    return size == 1 || size == 2 || size == 4 || size == 8;
}

kind int_kind(std::int64_t size, bool is_signed) {
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

how how_of(const dat_field& f) {
    if (is_string(f))
        return how::string;
    if ((f.flags & flag::dynamic) != 0)
        return how::hex_bytes;
    if ((f.flags & flag::array) != 0)
        return f.array_length > 0 && f.array_length <= 65536 && plain_size(f.element_size) &&
                       std::int64_t{f.array_length} * f.element_size == f.size
                   ? how::numbers
                   : how::hex_bytes;
    return plain_size(f.size) ? how::number : how::hex_bytes;
}

// An integer of b.size() bytes in the file's byte order.
std::uint64_t load_number(std::string_view b, bool big_endian) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < b.size(); ++i) {
        const std::size_t byte = big_endian ? i : b.size() - 1 - i;
        v = v << 8 | static_cast<unsigned char>(b[byte]);
    }
    return v;
}

// Reads fields of one record, every access checked against its size.
class record_reader {
public:
    record_reader(const dat_record& r, const dat_format& format, const std::string& file,
                  bool big_endian)
        : data_(r.data), offset_(r.offset), format_(format), file_(file), big_endian_(big_endian) {}

    [[noreturn]] void fail(const dat_field& f, std::string_view what) const {
        throw ltt::format_error(file_, offset_,
                                fmt::format("record of {}:{}: field `{}` {}", format_.system,
                                            format_.name, f.name, what));
    }

    // Bytes [off, off + len) of the record.
    std::string_view at(const dat_field& f, std::int64_t off, std::int64_t len) const {
        if (off < 0 || len < 0 || static_cast<std::uint64_t>(off + len) > data_.size())
            fail(f, fmt::format("at bytes {}..{} lies outside the record ({} bytes)", off,
                                off + len, data_.size()));
        return data_.substr(static_cast<std::size_t>(off), static_cast<std::size_t>(len));
    }

    std::uint64_t raw(const dat_field& f, std::int64_t off, std::int64_t size) const {
        if (!plain_size(size))
            fail(f, fmt::format("has size {}, not an integer's", size));
        return load_number(at(f, off, size), big_endian_);
    }

    std::uint64_t unsigned_value(const dat_field& f) const { return raw(f, f.offset, f.size); }

    std::int64_t signed_value(const dat_field& f) const {
        const std::uint64_t v = unsigned_value(f);
        if ((f.flags & flag::is_signed) == 0 || f.size == 8)
            return static_cast<std::int64_t>(v);
        const unsigned shift = 64 - 8 * static_cast<unsigned>(f.size);
        return static_cast<std::int64_t>(v << shift) >> shift;
    }

    // The bytes of a dynamic (__data_loc / __rel_loc) field.
    std::string_view dynamic(const dat_field& f) const {
        const std::uint64_t loc = raw(f, f.offset, 4);
        std::int64_t off = static_cast<std::int64_t>(loc & 0xffff);
        const auto len = static_cast<std::int64_t>(loc >> 16);
        if ((f.flags & flag::relative) != 0)
            off += std::int64_t{f.offset} + f.size;
        return at(f, off, len);
    }

    std::string_view bytes(const dat_field& f) const {
        if ((f.flags & flag::dynamic) != 0)
            return dynamic(f);
        if ((f.flags & flag::array) != 0 && f.size == 0) {
            // char buf[]: runs to the end of the record.
            at(f, f.offset, 0); // the offset is within the record
            return data_.substr(static_cast<std::size_t>(f.offset));
        }
        return at(f, f.offset, f.size);
    }

    std::string_view string(const dat_field& f) const {
        const std::string_view b = bytes(f);
        return b.substr(0, b.find('\0'));
    }

    // Element i of a fixed array (its size checked by how_of()).
    std::uint64_t element(const dat_field& f, std::string_view array, std::size_t i) const {
        return load_number(array.substr(i * f.element_size, f.element_size), big_endian_);
    }

private:
    std::string_view data_;
    std::uint64_t offset_;
    const dat_format& format_;
    const std::string& file_;
    bool big_endian_;
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

const dat_field* field_named(const dat_format& format, std::string_view name) {
    for (const dat_field& f : format.fields) {
        if (f.name == name)
            return &f;
    }
    return nullptr;
}

} // namespace

struct dat_events::decoder {
    const dat_format* format = nullptr;
    const event_class* cls = nullptr;
    std::optional<kernel_event> builtin;
    std::vector<const dat_field*> fields; // builtin: in the facility's order
    std::vector<how> plan;                // own: how each field is read
};

dat_events::dat_events(class_registry& classes, std::string file, std::vector<std::string>& notices,
                       bool big_endian)
    : classes_(classes), kernel_(classes), file_(std::move(file)), notices_(notices),
      big_endian_(big_endian) {}

dat_events::~dat_events() = default;

void dat_events::add_format(dat_format format) {
    const auto key = std::make_pair(format.buffer, format.id);
    formats_.insert_or_assign(key, std::move(format));
}

std::unique_ptr<dat_events::decoder> dat_events::make_builtin(const dat_format& format,
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
        const dat_field* f = field_named(format, name);
        const std::string_view n = name;
        const bool string_wanted =
            n.ends_with("comm") || (which == kernel_event::irq_handler_entry && n == "name");
        if (f == nullptr || (string_wanted ? !is_string(*f) : !plain_size(f->size))) {
            notices_.push_back(fmt::format(
                "{}:{} has no {} field `{}` in this file's format: kept as an event of its own, "
                "not the builtin {}",
                format.system, format.name, string_wanted ? "string" : "integer", name,
                ftrace_name(which)));
            return nullptr;
        }
        d->fields.push_back(f);
    }
    return d;
}

std::unique_ptr<dat_events::decoder> dat_events::make_own(const dat_format& format) {
    auto d = std::make_unique<decoder>();
    std::vector<field_spec> specs{{"common_comm", kind::string}, {"common_pid", kind::s32}};
    for (const dat_field& f : format.fields) {
        const how h = how_of(f);
        d->plan.push_back(h);
        d->fields.push_back(&f);
        const bool is_signed = (f.flags & flag::is_signed) != 0;
        switch (h) {
        case how::number:
            specs.push_back(
                {f.name, int_kind(f.size, is_signed), 0, (f.flags & flag::pointer) != 0});
            break;
        case how::numbers:
            specs.push_back({f.name, int_kind(f.element_size, is_signed), f.array_length, false});
            break;
        case how::string:
        case how::hex_bytes:
            specs.push_back({f.name, kind::string});
            break;
        }
    }
    if (format.ftrace)
        specs.push_back({"text", kind::string});
    const std::string system = format.system.empty() ? "ftrace" : format.system;
    std::string facility = system;
    for (int n = 2;; ++n) {
        try {
            d->cls = &classes_.add(ltt::layer::kernel, facility, format.name, specs);
            break;
        } catch (const std::invalid_argument&) {
            // Another trace of this run has this event with other fields
            // (or the file names two fields alike).
            if (n > 100)
                throw ltt::format_error(file_, 0,
                                        fmt::format("event {}:{}: its fields cannot be made a "
                                                    "class (a field name twice?)",
                                                    system, format.name));
            facility = fmt::format("{}#{}", system, n);
        }
    }
    if (facility != system)
        notices_.push_back(fmt::format("{}:{} has other fields here than in a trace read before: "
                                       "its class is {}:{}",
                                       system, format.name, facility, format.name));
    return d;
}

dat_events::decoder& dat_events::decoder_of(const dat_record& r) {
    // common_type: the record's first two bytes.
    if (r.data.size() < 2)
        throw ltt::format_error(
            file_, r.offset,
            fmt::format("record of {} bytes: too short for its type", r.data.size()));
    const auto b0 = static_cast<unsigned char>(r.data[0]);
    const auto b1 = static_cast<unsigned char>(r.data[1]);
    const auto type = static_cast<std::int32_t>(big_endian_ ? b0 << 8 | b1 : b1 << 8 | b0);
    const auto key = std::make_pair(r.buffer, type);
    if (const auto it = decoders_.find(key); it != decoders_.end())
        return *it->second;
    const auto f = formats_.find(key);
    if (f == formats_.end())
        throw ltt::format_error(file_, r.offset,
                                fmt::format("record of event type {}, which has no format in "
                                            "the file",
                                            type));
    const dat_format& format = f->second;
    std::unique_ptr<decoder> d;
    if (const auto k = kernel_event_named(format.name); k && ftrace_system(*k) == format.system)
        d = make_builtin(format, *k);
    if (!d)
        d = make_own(format);
    d->format = &format;
    return *decoders_.emplace(key, std::move(d)).first->second;
}

const event_class& dat_events::decode(const dat_record& record, payload_builder& out) {
    out.clear();
    const decoder& d = decoder_of(record);
    const record_reader r(record, *d.format, file_, big_endian_);

    if (d.builtin) {
        const auto& f = d.fields;
        switch (*d.builtin) {
        case kernel_event::irq_handler_entry:
            put_s32(out, r.signed_value(*f[0]));
            out.put_string(r.string(*f[1]));
            break;
        case kernel_event::irq_handler_exit:
            put_s32(out, r.signed_value(*f[0]));
            put_s32(out, r.signed_value(*f[1]));
            break;
        case kernel_event::softirq_entry:
        case kernel_event::softirq_exit:
        case kernel_event::softirq_raise:
            out.put(kind::u32, r.unsigned_value(*f[0]));
            break;
        case kernel_event::sched_switch:
            out.put_string(r.string(*f[0]));
            put_s32(out, r.signed_value(*f[1]));
            put_s32(out, facility_prio(static_cast<std::int32_t>(r.signed_value(*f[2]))));
            // As __trace_sched_switch_state() recorded it: the facility's
            // value already.
            out.put(kind::s64, static_cast<std::uint64_t>(r.signed_value(*f[3])));
            out.put_string(r.string(*f[4]));
            put_s32(out, r.signed_value(*f[5]));
            put_s32(out, facility_prio(static_cast<std::int32_t>(r.signed_value(*f[6]))));
            break;
        case kernel_event::sched_waking:
        case kernel_event::sched_wakeup:
        case kernel_event::sched_wakeup_new:
            out.put_string(r.string(*f[0]));
            put_s32(out, r.signed_value(*f[1]));
            put_s32(out, facility_prio(static_cast<std::int32_t>(r.signed_value(*f[2]))));
            put_s32(out, r.signed_value(*f[3]));
            break;
        }
        return *d.cls;
    }

    const std::int64_t pid =
        d.format->common_pid ? r.signed_value(*d.format->common_pid) : std::int64_t{-1};
    out.put_string(record.comm.empty() ? std::string_view{"<...>"} : record.comm);
    put_s32(out, pid);
    for (std::size_t i = 0; i < d.fields.size(); ++i) {
        const dat_field& f = *d.fields[i];
        switch (d.plan[i]) {
        case how::number:
            out.put(int_kind(f.size, false), r.unsigned_value(f));
            break;
        case how::numbers: {
            const std::string_view b = r.bytes(f);
            for (std::size_t e = 0; e < f.array_length; ++e)
                out.put(int_kind(f.element_size, false), r.element(f, b, e));
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
    if (d.format->ftrace)
        out.put_string(record.text);
    return *d.cls;
}

} // namespace ltt::viewer
