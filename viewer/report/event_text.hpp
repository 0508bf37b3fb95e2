// report/event_text.hpp - one line per event, as `ltt-view events` prints
// them (a faster babeltrace2 text output):
//
//   12.345678901 hypervisor/cpu1 runstate_change: domid=0 vcpu=1 old_state=runnable ...
//
// time since the first event of the merge (seconds; cycles when the TSC
// frequency is unknown, or the raw timestamp with `absolute`), the source's
// domain and the event's CPU (physical for the hypervisor, vCPU for guests),
// the event's name, its fields by name: enums by their value's name, hex
// fields in hex, arrays in brackets, strings quoted.
#pragma once

#include "../core/event.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ltt::viewer {

struct event_text_style {
    std::uint64_t origin = 0;  // time 0 (the first event's timestamp)
    std::uint64_t freq_hz = 0; // 0: cycles
    bool absolute = false;     // raw timestamps instead of seconds since origin
};

// Writes lines for many events: what does not change from one event of a
// class (or stream) to the next is worked out once and kept, which is what
// makes `ltt-view events` fast. One writer serves the events of one
// class_registry.
class event_text_writer {
public:
    explicit event_text_writer(const event_text_style& style);
    ~event_text_writer();
    event_text_writer(const event_text_writer&) = delete;
    event_text_writer& operator=(const event_text_writer&) = delete;

    void set_origin(std::uint64_t origin) noexcept;

    void append_line(fmt::memory_buffer& out, const event& e);
    // What follows the time and source in a line: "name: field=value ...".
    void append_body(fmt::memory_buffer& out, const event& e);

    struct class_text; // per event class: the literal pieces, the fields to decode

private:
    struct stream_text {
        const stream_info* stream = nullptr;
        std::uint32_t cpu = 0;
        std::string text;     // " hypervisor/cpu1 ", then padding
        std::size_t size = 0; // of the text without the padding
    };

    // The kept text of a class or a stream (built on first use).
    const class_text& text_of(const event_class& cls) {
        if (cls.id < class_keys_.size() && class_keys_[cls.id] == &cls)
            return *classes_[cls.id];
        return build_text(cls);
    }
    const stream_text& text_of(const event& e) {
        const std::uint32_t i = e.stream->index;
        if (i < streams_.size() && streams_[i].stream == e.stream && streams_[i].cpu == e.cpu)
            return streams_[i];
        return build_text(e);
    }
    const class_text& build_text(const event_class& cls);
    const stream_text& build_text(const event& e);

    event_text_style style_;
    // Seconds of the previous time shown and the tick they start at: events
    // come in time order, so the whole seconds are mostly the same as the
    // previous event's and need no division.
    std::uint64_t second_ = 0;
    std::uint64_t second_start_ = 0;
    char second_text_[40] = {}; // " 1234." of second_, padded for sink::put_padded
    std::size_t second_size_ = 0;
    double per_tick_ns_ = 0;                           // 1e9 / freq_hz
    std::vector<std::unique_ptr<class_text>> classes_; // by event_class::id
    std::vector<const event_class*> class_keys_;       // whose text classes_ holds
    std::vector<stream_text> streams_;                 // by stream_info::index
};

// One line; a writer for one event (the plans are built for it alone).
void append_event_line(fmt::memory_buffer& out, const event& e, const event_text_style& style);

void append_event_body(fmt::memory_buffer& out, const event& e);

} // namespace ltt::viewer
