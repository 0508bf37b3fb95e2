#include "kernel_classes.hpp"

#include "../../core/event_class.hpp"

#include <fmt/format.h>

#include <charconv>
#include <span>
#include <stdexcept>
#include <utility>

namespace ltt::viewer {

namespace {

using kind = ltt::field_kind;
using field = std::pair<std::string_view, kind>;

const field irq_entry_fields[] = {{"irq", kind::s32}, {"name", kind::string}};
const field irq_exit_fields[] = {{"irq", kind::s32}, {"ret", kind::s32}};
const field softirq_fields[] = {{"vec", kind::u32}};
const field switch_fields[] = {{"prev_comm", kind::string}, {"prev_tid", kind::s32},
                               {"prev_prio", kind::s32},    {"prev_state", kind::s64},
                               {"next_comm", kind::string}, {"next_tid", kind::s32},
                               {"next_prio", kind::s32}};
const field wakeup_fields[] = {
    {"comm", kind::string}, {"tid", kind::s32}, {"prio", kind::s32}, {"target_cpu", kind::s32}};

struct known {
    std::string_view system;
    std::string_view name;
    std::span<const field> fields; // the facility's, as the readers encode them
};

// In kernel_event order.
const known known_events[] = {
    {"irq", "irq_handler_entry", irq_entry_fields}, {"irq", "irq_handler_exit", irq_exit_fields},
    {"irq", "softirq_entry", softirq_fields},       {"irq", "softirq_exit", softirq_fields},
    {"irq", "softirq_raise", softirq_fields},       {"sched", "sched_switch", switch_fields},
    {"sched", "sched_waking", wakeup_fields},       {"sched", "sched_wakeup", wakeup_fields},
    {"sched", "sched_wakeup_new", wakeup_fields},
};

} // namespace

std::string_view ftrace_system(kernel_event e) noexcept {
    return known_events[static_cast<int>(e)].system;
}

std::string_view ftrace_name(kernel_event e) noexcept {
    return known_events[static_cast<int>(e)].name;
}

std::optional<kernel_event> kernel_event_named(std::string_view name) noexcept {
    for (std::size_t i = 0; i < std::size(known_events); ++i) {
        if (known_events[i].name == name)
            return static_cast<kernel_event>(i);
    }
    return std::nullopt;
}

kernel_classes::kernel_classes(const class_registry& classes) {
    for (std::size_t i = 0; i < std::size(known_events); ++i) {
        const known& k = known_events[i];
        const event_class* c = classes.find(ltt::layer::kernel, k.name);
        if (c == nullptr)
            throw std::logic_error(fmt::format(
                "ftrace readers: no builtin kernel class `{}` (facilities/kernel changed?)",
                k.name));
        bool same = c->desc->fields.size() == k.fields.size();
        for (std::size_t f = 0; same && f < k.fields.size(); ++f) {
            const ltt::field_desc& d = c->desc->fields[f];
            same = d.name == k.fields[f].first && d.kind == k.fields[f].second && d.length == 0;
        }
        if (!same)
            throw std::logic_error(fmt::format(
                "ftrace readers: the builtin kernel class `{}` has other fields than the "
                "readers encode (facilities/kernel changed without readers/ftrace)",
                k.name));
        classes_[i] = c;
    }
}

std::optional<std::int64_t> parse_prev_state(std::string_view text) noexcept {
    if (text.empty())
        return std::nullopt;
    std::int64_t state = 0;
    if (text.back() == '+') {
        state |= task_report_max;
        text.remove_suffix(1);
    }
    if (text == "R")
        return state;
    // __print_flags(prev_state & (TASK_REPORT_MAX - 1), "|", ...)
    while (!text.empty()) {
        const std::size_t bar = text.find('|');
        const std::string_view flag = text.substr(0, bar);
        text = bar == std::string_view::npos ? std::string_view{} : text.substr(bar + 1);
        if (bar != std::string_view::npos && text.empty())
            return std::nullopt; // a trailing '|'
        if (flag.size() == 1) {
            static constexpr std::string_view letters = "SDTtXZPI";
            const std::size_t bit = letters.find(flag[0]);
            if (bit == std::string_view::npos)
                return std::nullopt;
            state |= std::int64_t{1} << bit;
        } else if (flag.size() > 2 && flag.substr(0, 2) == "0x") {
            // Bits __print_flags has no name for, printed as 0x%lx.
            std::uint64_t bits = 0;
            const char* end = flag.data() + flag.size();
            const auto r = std::from_chars(flag.data() + 2, end, bits, 16);
            if (r.ec != std::errc{} || r.ptr != end)
                return std::nullopt;
            state |= static_cast<std::int64_t>(bits);
        } else {
            return std::nullopt;
        }
    }
    return state;
}

} // namespace ltt::viewer
