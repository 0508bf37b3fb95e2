// readers/ftrace/kernel_classes.hpp - the builtin kernel classes Linux's
// ftrace events map onto (facilities/kernel/irq.xml and sched.xml), and the
// conversions from what ftrace records to what those facilities say.
//
// ftrace and the facilities (LTTng's names and fields) record the same
// tracepoints, with three differences:
//   - names: ftrace's prev_pid/next_pid/pid are the facilities'
//     prev_tid/next_tid/tid (both are the task's pid, a thread id);
//   - priority: ftrace records p->prio (120 for a nice-0 task), the
//     facilities p->prio - MAX_RT_PRIO (20), as LTTng does;
//   - sched_switch's prev_state: the value both record is the same (Linux
//     >= 4.14 computes it in __trace_sched_switch_state(): one TASK_REPORT
//     bit, or TASK_REPORT_MAX when the task was preempted), but ftrace text
//     prints it as letters, which parse_prev_state() turns back into bits.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ltt::viewer {

class class_registry;
struct event_class;

// MAX_RT_PRIO in include/linux/sched/prio.h.
inline constexpr std::int32_t max_rt_prio = 100;

inline std::int32_t facility_prio(std::int32_t kernel_prio) noexcept {
    return kernel_prio - max_rt_prio;
}

// Which builtin class an ftrace event is (by its ftrace name).
enum class kernel_event : std::uint8_t {
    irq_handler_entry,
    irq_handler_exit,
    softirq_entry,
    softirq_exit,
    softirq_raise,
    sched_switch,
    sched_waking,
    sched_wakeup,
    sched_wakeup_new,
};

// The ftrace event system (`irq`, `sched`) and name of each.
std::string_view ftrace_system(kernel_event e) noexcept;
std::string_view ftrace_name(kernel_event e) noexcept;
std::optional<kernel_event> kernel_event_named(std::string_view ftrace_name) noexcept;

// The builtin classes, looked up once. The constructor checks that each
// has the fields (names, kinds, order) the ftrace readers encode: a facility
// changed without its readers is a build problem, reported as
// std::logic_error, never a wrong payload.
class kernel_classes {
public:
    explicit kernel_classes(const class_registry& classes);
    const event_class& of(kernel_event e) const noexcept { return *classes_[static_cast<int>(e)]; }

private:
    const event_class* classes_[9] = {};
};

// sched_switch's prev_state as ftrace text prints it (Linux >= 4.14): "R"
// (0, runnable: the task called schedule() itself), "R+" (TASK_REPORT_MAX,
// 0x100: preempted), or TASK_REPORT letters joined by '|' (S 0x1, D 0x2,
// T 0x4, t 0x8, X 0x10, Z 0x20, P 0x40, I 0x80), bits without a letter as
// 0x..., a trailing '+' adding TASK_REPORT_MAX. nullopt when the text is not
// that (e.g. an older kernel's letters K, W, x, N, whose bits differ).
std::optional<std::int64_t> parse_prev_state(std::string_view text) noexcept;

// TASK_REPORT_MAX of Linux >= 4.14 (include/linux/sched.h).
inline constexpr std::int64_t task_report_max = 0x100;

} // namespace ltt::viewer
