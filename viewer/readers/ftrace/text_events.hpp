// readers/ftrace/text_events.hpp - what an ftrace text line's event becomes:
// a class and a payload in the viewer's encoding.
//
// Kernel events with a builtin class (kernel_classes.hpp) are parsed with
// the print format Linux >= 4.14 gives them (include/trace/events/irq.h and
// sched.h) and encoded as the facility says; a line that does not have that
// format is an error (another kernel's format, or a damaged line), never a
// half-filled event.
//
// Every other event gets a class of its own in the kernel layer, named as
// ftrace names it. Text carries no field list and no types (the format is
// in tracefs's events/*/format, not in the trace), and what an event prints
// need not be `key=value` pairs (xen_mc_flush prints a sentence) nor the
// same keys each time (print formats with conditional parts). So:
//   - facility `ftrace_text`: when the event's first line is all
//     `key=value` pairs, the fields are common_comm, common_pid, then those
//     keys in order, every value a string as printed (a value may hold
//     spaces: it runs to the next ` key=`);
//   - facility `ftrace_text_line`: otherwise, and for any later line of the
//     event whose keys differ from its first line's: common_comm,
//     common_pid and `text`, what the event printed.
// A class's fields never change once registered; nothing printed is lost.
// (trace-cmd .dat files carry the formats: that reader gives typed fields.)
// The function tracer's lines ("func <-parent") are the event `function`
// (facility ftrace_text: common_comm, common_pid, ip, parent_ip).
#pragma once

#include "kernel_classes.hpp"
#include "text_line.hpp"

#include "../../core/payload.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ltt::viewer {

class class_registry;
struct event_class;

inline constexpr std::string_view text_kv_facility = "ftrace_text";
inline constexpr std::string_view text_line_facility = "ftrace_text_line";

class text_events {
public:
    explicit text_events(class_registry& classes);

    // The class of the line's event, its payload encoded into `payload`.
    // `function_tracer`: the trace's tracer is `function`. Throws line_error.
    const event_class& decode(const event_line& line, bool function_tracer,
                              payload_builder& payload);

private:
    struct own_class {
        const event_class* kv = nullptr; // key=value shape, if the first line had it
        std::vector<std::string> keys;
        const event_class* line = nullptr; // registered when first needed
    };
    struct name_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };

    const event_class& builtin(kernel_event which, std::string_view text, payload_builder& out);
    const event_class& own(const event_line& line, std::string_view name, std::string_view text,
                           payload_builder& out);
    const event_class& function(const event_line& line, std::string_view rest,
                                payload_builder& out);
    const event_class& line_class(own_class& c, std::string_view name);

    class_registry& classes_;
    kernel_classes kernel_;
    std::unordered_map<std::string, own_class, name_hash, std::equal_to<>> own_;
    const event_class* function_ = nullptr;
    std::vector<std::pair<std::string_view, std::string_view>> pairs_; // reused
};

// `key=value key=value...` -> pairs (false when the text is not that, or a
// key repeats). A value runs to the next ` key=`.
bool split_key_values(std::string_view text,
                      std::vector<std::pair<std::string_view, std::string_view>>& out);

} // namespace ltt::viewer
