// readers/ftrace/tep_events.hpp - what a trace-cmd record becomes: a class
// and a payload in the viewer's encoding, from the event formats the .dat
// file carries (libtraceevent's tep_event / tep_format_field).
//
// Kernel events with a builtin class (kernel_classes.hpp) are read field by
// field by name (prio converted, prev_state as recorded, which is already
// the facility's value); an event whose format lacks a field the mapping
// needs keeps a class of its own instead (and a notice says so).
//
// Every other event gets a class of its own in the kernel layer, facility
// = its ftrace system (`xen`, `sched`, `ftrace`...), with typed fields:
// common_comm (from the file's saved cmdlines), common_pid, then the
// format's fields: integers as their size and signedness say (pointers as
// hex), char arrays and __data_loc/__rel_loc strings as strings, fixed
// arrays of integers as arrays, anything else (dynamic arrays of integers,
// odd sizes) as a string of hex bytes. Events of the ftrace system itself
// (trace_printk, markers, the function tracer) also get `text`, what
// libtraceevent prints for them, since their fields alone (a format
// pointer, an argument buffer) do not say it. When another trace of this
// run registered the same system:event with other fields (another kernel),
// the facility becomes `system#2` (#3...) and a notice says so.
//
// Every read of a record is checked against the record's size: the
// formats and the records both come from the file.
#pragma once

#include "kernel_classes.hpp"

#include "../../core/payload.hpp"

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

struct tep_handle;
struct tep_event;
struct tep_record;
struct tep_format_field;
struct trace_seq;

namespace ltt::viewer {

class class_registry;
struct event_class;

class tep_events {
public:
    // `file` names the trace in errors; `notices` gets what is said once.
    tep_events(class_registry& classes, std::string file, std::vector<std::string>& notices);
    ~tep_events();
    tep_events(const tep_events&) = delete;
    tep_events& operator=(const tep_events&) = delete;

    // The class of `record` (an event of `tep`), its payload encoded into
    // `payload`. ltt::format_error (file, the record's offset) for a record
    // its format does not fit.
    const event_class& decode(tep_handle* tep, tep_record* record, payload_builder& payload);

private:
    struct decoder;

    decoder& decoder_of(tep_handle* tep, tep_event* event);
    std::unique_ptr<decoder> make_builtin(tep_event* event, kernel_event which);
    std::unique_ptr<decoder> make_own(tep_event* event);

    class_registry& classes_;
    kernel_classes kernel_;
    std::string file_;
    std::vector<std::string>& notices_;
    // By (tep, event id): a .dat file's instance buffers share one tep.
    std::unordered_map<const tep_event*, std::unique_ptr<decoder>> decoders_;
    trace_seq* seq_ = nullptr; // for libtraceevent's printing of ftrace events
};

} // namespace ltt::viewer
