#include "text_events.hpp"

#include "../../core/event_class.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <stdexcept>

namespace ltt::viewer {

namespace {

using kind = ltt::field_kind;

bool is_ident(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

template <std::size_t N>
void values_in_order(std::string_view name, std::string_view text,
                     const std::array<std::string_view, N>& keys,
                     std::array<std::string_view, N>& values) {
    if (!text.starts_with(keys[0]))
        throw line_error(fmt::format("{}: `{}` does not start with `{}` (not the print format of "
                                     "Linux >= 4.14)",
                                     name, text.substr(0, 60), keys[0]));
    std::size_t p = keys[0].size();
    for (std::size_t i = 1; i <= N; ++i) {
        const std::size_t next = i < N ? text.find(keys[i], p) : text.size();
        if (next == std::string_view::npos)
            throw line_error(fmt::format("{}: no `{}` in `{}`", name, keys[i], text));
        values[i - 1] = text.substr(p, next - p);
        if (i < N)
            p = next + keys[i].size();
    }
}

template <typename T> T number(std::string_view name, std::string_view what, std::string_view v) {
    T out{};
    const char* end = v.data() + v.size();
    const auto r = std::from_chars(v.data(), end, out);
    if (v.empty() || r.ec != std::errc{} || r.ptr != end)
        throw line_error(fmt::format("{}: {} `{}` is not a number", name, what, v));
    return out;
}

void put_s32(payload_builder& out, std::int32_t v) {
    out.put(kind::s32, static_cast<std::uint64_t>(static_cast<std::int64_t>(v)));
}

void put_common(payload_builder& out, const event_line& line) {
    out.put_string(line.comm);
    put_s32(out, line.pid);
}

} // namespace

bool split_key_values(std::string_view text,
                      std::vector<std::pair<std::string_view, std::string_view>>& out) {
    out.clear();
    std::size_t p = 0;
    // Length of `ident=` at q, 0 if there is none.
    const auto key_at = [&](std::size_t q) -> std::size_t {
        std::size_t e = q;
        while (e < text.size() && is_ident(text[e]))
            ++e;
        return e > q && e < text.size() && text[e] == '=' ? e - q : 0;
    };
    if (text.empty())
        return false;
    while (p < text.size()) {
        const std::size_t k = key_at(p);
        if (k == 0)
            return false;
        const std::string_view key = text.substr(p, k);
        for (const auto& kv : out) {
            if (kv.first == key)
                return false;
        }
        const std::size_t v = p + k + 1;
        std::size_t e = v;
        while (e < text.size() && !(text[e] == ' ' && key_at(e + 1) != 0))
            ++e;
        out.emplace_back(key, text.substr(v, e - v));
        p = e + 1;
    }
    return true;
}

text_events::text_events(class_registry& classes) : classes_(classes), kernel_(classes) {}

const event_class& text_events::decode(const event_line& line, bool function_tracer,
                                       payload_builder& payload) {
    payload.clear();
    const event_text e = split_event(line.rest);
    // The function tracer prints "func <-parent" (or "func" without the
    // print-parent option), events "name: ..." as always.
    if (function_tracer && (e.text.empty() || line.rest.find(" <-") != std::string_view::npos) &&
        line.rest.find(": ") == std::string_view::npos)
        return function(line, line.rest, payload);
    if (const auto k = kernel_event_named(e.name))
        return builtin(*k, e.text, payload);
    return own(line, e.name, e.text, payload);
}

const event_class& text_events::builtin(kernel_event which, std::string_view text,
                                        payload_builder& out) {
    const std::string_view name = ftrace_name(which);
    switch (which) {
    case kernel_event::irq_handler_entry: {
        std::array<std::string_view, 2> v;
        values_in_order(name, text, std::array<std::string_view, 2>{"irq=", " name="}, v);
        put_s32(out, number<std::int32_t>(name, "irq", v[0]));
        out.put_string(v[1]);
        break;
    }
    case kernel_event::irq_handler_exit: {
        std::array<std::string_view, 2> v;
        values_in_order(name, text, std::array<std::string_view, 2>{"irq=", " ret="}, v);
        put_s32(out, number<std::int32_t>(name, "irq", v[0]));
        // "ret=%s", ret ? "handled" : "unhandled": the text keeps only
        // whether the handler returned non-zero, so IRQ_WAKE_THREAD (2)
        // reads as IRQ_HANDLED (1).
        if (v[1] == "handled")
            put_s32(out, 1);
        else if (v[1] == "unhandled")
            put_s32(out, 0);
        else
            throw line_error(
                fmt::format("{}: ret `{}` is neither handled nor unhandled", name, v[1]));
        break;
    }
    case kernel_event::softirq_entry:
    case kernel_event::softirq_exit:
    case kernel_event::softirq_raise: {
        // "vec=%u [action=%s]"
        std::array<std::string_view, 1> v;
        values_in_order(name, text, std::array<std::string_view, 1>{"vec="}, v);
        std::string_view vec = v[0];
        if (const std::size_t sp = vec.find(' '); sp != std::string_view::npos) {
            if (!vec.substr(sp).starts_with(" [action="))
                throw line_error(fmt::format("{}: `{}` is not `vec=n [action=name]`", name, text));
            vec = vec.substr(0, sp);
        }
        out.put(kind::u32, number<std::uint32_t>(name, "vec", vec));
        break;
    }
    case kernel_event::sched_switch: {
        std::array<std::string_view, 7> v;
        values_in_order(name, text,
                        std::array<std::string_view, 7>{
                            "prev_comm=", " prev_pid=", " prev_prio=", " prev_state=",
                            " ==> next_comm=", " next_pid=", " next_prio="},
                        v);
        const auto state = parse_prev_state(v[3]);
        if (!state)
            throw line_error(fmt::format(
                "{}: prev_state `{}` is not Linux >= 4.14's (R, R+, or S D T t X Z P I joined by "
                "|)",
                name, v[3]));
        out.put_string(v[0]);
        put_s32(out, number<std::int32_t>(name, "prev_pid", v[1]));
        put_s32(out, facility_prio(number<std::int32_t>(name, "prev_prio", v[2])));
        out.put(kind::s64, static_cast<std::uint64_t>(*state));
        out.put_string(v[4]);
        put_s32(out, number<std::int32_t>(name, "next_pid", v[5]));
        put_s32(out, facility_prio(number<std::int32_t>(name, "next_prio", v[6])));
        break;
    }
    case kernel_event::sched_waking:
    case kernel_event::sched_wakeup:
    case kernel_event::sched_wakeup_new: {
        // "comm=%s pid=%d prio=%d target_cpu=%03d" (kernels before 4.3
        // printed " success=%d" before target_cpu: its value is skipped).
        std::array<std::string_view, 4> v;
        values_in_order(name, text,
                        std::array<std::string_view, 4>{"comm=", " pid=", " prio=", " target_cpu="},
                        v);
        std::string_view prio = v[2];
        if (const std::size_t sp = prio.find(' '); sp != std::string_view::npos) {
            if (!prio.substr(sp).starts_with(" success="))
                throw line_error(fmt::format("{}: prio `{}` is not a number", name, prio));
            prio = prio.substr(0, sp);
        }
        out.put_string(v[0]);
        put_s32(out, number<std::int32_t>(name, "pid", v[1]));
        put_s32(out, facility_prio(number<std::int32_t>(name, "prio", prio)));
        put_s32(out, number<std::int32_t>(name, "target_cpu", v[3]));
        break;
    }
    }
    return kernel_.of(which);
}

const event_class& text_events::line_class(own_class& c, std::string_view name) {
    if (c.line == nullptr)
        c.line = &classes_.add(
            ltt::layer::kernel, text_line_facility, name,
            {{"common_comm", kind::string}, {"common_pid", kind::s32}, {"text", kind::string}});
    return *c.line;
}

const event_class& text_events::own(const event_line& line, std::string_view name,
                                    std::string_view text, payload_builder& out) {
    auto it = own_.find(name);
    const bool kv = split_key_values(text, pairs_);
    if (it == own_.end()) {
        it = own_.emplace(std::string(name), own_class{}).first;
        if (kv) {
            std::vector<field_spec> fields{{"common_comm", kind::string},
                                           {"common_pid", kind::s32}};
            for (const auto& [key, value] : pairs_) {
                fields.push_back({std::string(key), kind::string});
                it->second.keys.emplace_back(key);
            }
            try {
                it->second.kv = &classes_.add(ltt::layer::kernel, text_kv_facility, name, fields);
            } catch (const std::invalid_argument&) {
                // Another trace read in this run registered the event with
                // other keys (another kernel version): this one's lines keep
                // their whole text instead.
                it->second.keys.clear();
            }
        }
    }
    own_class& c = it->second;
    bool same = kv && c.kv != nullptr && pairs_.size() == c.keys.size();
    for (std::size_t i = 0; same && i < pairs_.size(); ++i)
        same = pairs_[i].first == c.keys[i];
    put_common(out, line);
    if (same) {
        for (const auto& [key, value] : pairs_)
            out.put_string(value);
        return *c.kv;
    }
    out.put_string(text);
    return line_class(c, name);
}

const event_class& text_events::function(const event_line& line, std::string_view rest,
                                         payload_builder& out) {
    if (function_ == nullptr)
        function_ = &classes_.add(ltt::layer::kernel, text_kv_facility, "function",
                                  {{"common_comm", kind::string},
                                   {"common_pid", kind::s32},
                                   {"ip", kind::string},
                                   {"parent_ip", kind::string}});
    const std::size_t arrow = rest.find(" <-");
    put_common(out, line);
    out.put_string(rest.substr(0, arrow));
    out.put_string(arrow == std::string_view::npos ? std::string_view{} : rest.substr(arrow + 3));
    return *function_;
}

} // namespace ltt::viewer
