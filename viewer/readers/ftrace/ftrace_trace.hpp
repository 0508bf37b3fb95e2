// readers/ftrace/ftrace_trace.hpp - Linux ftrace recorded with the x86-tsc
// clock (a dom0 or domU kernel on the hypervisor's TSC): the text format
// (`cat trace`, optionally gzip'd) and trace-cmd's .dat files (through
// Debian's libtracecmd).
//
// Kernel events ltt-xen has a facility for (irq_handler_entry/exit,
// softirq_*, sched_switch, sched_waking/wakeup/wakeup_new) become the
// builtin kernel events; the others get classes of their own, their fields
// as the format gives them. "LOST n EVENTS" markers become lost_events. A
// trace recorded with another clock is refused for merging with TSC sources
// (its unit is not the TSC).
#pragma once

#include "../reader.hpp"

#include <filesystem>
#include <memory>

namespace ltt::viewer {

class class_registry;

bool is_ftrace_text(const std::filesystem::path& file);    // plain or gzip'd
bool is_trace_cmd_file(const std::filesystem::path& file); // "\x17\x08\x44tracing"

std::unique_ptr<trace_reader> open_ftrace_text(const std::filesystem::path& file,
                                               class_registry& classes,
                                               const read_options& options);
std::unique_ptr<trace_reader> open_trace_cmd(const std::filesystem::path& file,
                                             class_registry& classes, const read_options& options);

} // namespace ltt::viewer
