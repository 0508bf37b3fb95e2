// readers/ftrace/text_line.hpp - one line of ftrace's text output (the
// `trace` and `trace_pipe` files, Linux's kernel/trace/trace_output.c and
// trace.c), taken apart without copying.
//
// An event line is trace_print_context()'s columns, then the event:
//
//       comm-pid     [cpu] flags  timestamp: name: what the event printed
//       comm-pid (tgid) [cpu] ...                     (option record-tgid)
//       comm-pid     [cpu]  timestamp: ...            (option irq-info off)
//
// comm is right-aligned in 16 columns ("%16s-%-7d") and may itself hold
// '-', digits and spaces ("memfd:sealed-91-15707"): the fields are found
// from the fixed layout first, from the `[cpu]` column otherwise. The
// timestamp is the raw counter when the trace clock does not count
// nanoseconds (x86-tsc: "%12llu"), seconds.microseconds otherwise
// ("%5lu.%06lu", trace_print_time()).
//
// Other lines: the header ('#'), "##### CPU n buffer started ####" (the
// ring buffer was overwritten: CPU n's oldest event kept starts there),
// "CPU:n [LOST m EVENTS]" (m events of CPU n were dropped before its next
// event).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ltt::viewer {

// What is wrong with a line; the reader adds the file and line number.
class line_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class timestamp_form : std::uint8_t {
    counter,  // an integer: the clock's raw value (x86-tsc cycles)
    sec_usec, // seconds.microseconds of a nanosecond clock
};

struct event_line {
    std::string_view comm;
    std::int32_t pid = 0;
    std::optional<std::int32_t> tgid;
    std::uint32_t cpu = 0;
    std::string_view flags; // irq-info column ("d..3."), empty without it
    std::uint64_t ts = 0;   // counter value, or nanoseconds for sec_usec
    timestamp_form form = timestamp_form::counter;
    std::string_view rest; // after "timestamp: ": "name: fields" for events
};

// Parses an event line; throws line_error saying what does not fit.
void parse_event_line(std::string_view line, event_line& out);

// "name: text" -> name and text; for the function tracer's "func <-parent"
// and syscall events' "sys_x(args)" the name is the leading identifier and
// the text what follows it.
struct event_text {
    std::string_view name;
    std::string_view text;
};
event_text split_event(std::string_view rest);

enum class line_kind : std::uint8_t {
    blank,
    comment,        // a header line, or another '#' line
    buffer_started, // "##### CPU n buffer started ####"
    lost,           // "CPU:n [LOST m EVENTS]" / "CPU:n [LOST EVENTS]"
    event,
};

line_kind classify(std::string_view line) noexcept;

// "##### CPU n buffer started ####" -> n.
std::uint32_t parse_buffer_started(std::string_view line);

struct lost_line {
    std::uint32_t cpu = 0;
    std::optional<std::uint64_t> count; // nullopt: the kernel did not know how many
};
lost_line parse_lost(std::string_view line);

// The header of a `trace` file: "# tracer: nop" and
// "# entries-in-buffer/entries-written: 38355/38355   #P:2".
struct trace_header {
    std::string tracer; // empty: no "# tracer:" line (trace_pipe has no header)
    std::optional<std::uint64_t> entries_in_buffer;
    std::optional<std::uint64_t> entries_written;
    std::optional<std::uint32_t> cpus; // #P: CPUs online when it was read
    bool latency_format = false;       // option latency-format: another layout
};

// Takes what a '#' line says into `header` (other comment lines change
// nothing); throws line_error when a line it knows is malformed.
void parse_header_line(std::string_view line, trace_header& header);

} // namespace ltt::viewer
