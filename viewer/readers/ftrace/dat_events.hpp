// readers/ftrace/dat_events.hpp - what a trace-cmd record becomes: a class
// and a payload in the viewer's encoding, from the event formats the .dat
// file carries (as the worker sent them, dat_protocol.hpp).
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
// the facility becomes `system#2` (#3...) and a notice says so. Classes are
// registered when their first record is read.
//
// Every read of a record is checked against the record's size: the formats
// and the records both come from the file.
#pragma once

#include "dat_protocol.hpp"
#include "kernel_classes.hpp"

#include "../../core/payload.hpp"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ltt::viewer {

class class_registry;
struct event_class;

class dat_events {
public:
    // `file` names the trace in errors; `notices` gets what is said once.
    dat_events(class_registry& classes, std::string file, std::vector<std::string>& notices,
               bool big_endian);
    ~dat_events();
    dat_events(const dat_events&) = delete;
    dat_events& operator=(const dat_events&) = delete;

    void add_format(dat_format format);

    // The class of `record`, its payload encoded into `payload`.
    // ltt::format_error (file, the record's offset) for a record its format
    // does not fit.
    const event_class& decode(const dat_record& record, payload_builder& payload);

private:
    struct decoder;

    decoder& decoder_of(const dat_record& record);
    std::unique_ptr<decoder> make_builtin(const dat_format& format, kernel_event which);
    std::unique_ptr<decoder> make_own(const dat_format& format);

    class_registry& classes_;
    kernel_classes kernel_;
    std::string file_;
    std::vector<std::string>& notices_;
    bool big_endian_;
    std::map<std::pair<std::uint32_t, std::int32_t>, dat_format> formats_; // (buffer, id)
    std::map<std::pair<std::uint32_t, std::int32_t>, std::unique_ptr<decoder>> decoders_;
};

} // namespace ltt::viewer
