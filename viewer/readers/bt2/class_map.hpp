// readers/bt2/class_map.hpp - babeltrace2 event classes as ltt-view
// classes, and the encoding of babeltrace2 events into the viewer's
// payload encoding (core/event_class.hpp).
//
// Every event class of a trace gets one class of the registry, decided once
// when the trace is opened:
//   - An LTTng kernel event whose name is one of the builtin kernel
//     facilities `irq` and `sched` (which copy lttng-modules' names and
//     fields on purpose) is read as that builtin event when every builtin
//     field is in its payload with a type that holds it (an integer no
//     wider, a string), so analyses see it as the kernel event it is. Its
//     other fields (sched_wakeup's `success` before LTTng 2.7, added
//     contexts) are not kept; a notice says which.
//   - Every other event class becomes a class of its own, facility = the
//     trace's name: the payload's fields, then the stream's event context
//     fields and the event class's own context fields with a leading `_`
//     (as LTTng's metadata spells them: `_vtid`, `_procname`; babeltrace2
//     drops that underscore, but without it a context field could clash with
//     a payload field of the same name). Integers keep their signedness and
//     width (rounded up to 8, 16, 32 or 64 bits) and their hexadecimal
//     display; an enumeration is its integer plus a string field
//     `<name>_label` with the label(s) of its value; strings stay strings;
//     booleans are u8, bit arrays u64; everything the encoding cannot hold -
//     structures, variants, arrays and sequences, options, floats - is a
//     string holding its text (field_text.hpp).
#pragma once

#include "../../core/event_class.hpp"
#include "../../core/payload.hpp"

#include <babeltrace2/babeltrace.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace ltt::viewer::bt2 {

// How one field of a viewer class is filled from a babeltrace2 event.
struct field_source {
    enum class scope : std::uint8_t { payload, common_context, specific_context };
    enum class conversion : std::uint8_t {
        unsigned_integer,
        signed_integer,
        enum_label,
        string,
        boolean,
        bit_array,
        text,
    };
    scope where = scope::payload;
    conversion how = conversion::unsigned_integer;
    ltt::field_kind kind = ltt::field_kind::u64; // of the viewer's field
    std::uint64_t member = 0;                    // index in the scope's structure
};

struct class_plan {
    const event_class* cls = nullptr;
    std::vector<field_source> fields;
    bool needs_common_context = false;
    bool needs_specific_context = false;
};

class class_map {
public:
    struct naming {
        ltt::layer layer = ltt::layer::ust;
        std::string facility;     // of the classes of its own
        bool map_kernel_builtins; // an LTTng kernel trace
    };

    // Registers a class for every event class of `trace_class`. Notices
    // (builtin mappings that leave fields out) are appended to `notices`.
    class_map(const bt_trace_class* trace_class, class_registry& classes, const naming& names,
              std::vector<std::string>& notices);

    // nullptr for an event class the trace class did not have when the
    // trace was opened.
    const class_plan* find(const bt_event_class* cls) const noexcept {
        const auto it = plans_.find(cls);
        return it == plans_.end() ? nullptr : &it->second;
    }

    // Encodes `event` as `plan` says into `out` (cleared first). `scratch`
    // is reused for texts.
    static void encode(const class_plan& plan, const bt_event* event, payload_builder& out,
                       std::string& scratch);

private:
    std::unordered_map<const bt_event_class*, class_plan> plans_;
};

} // namespace ltt::viewer::bt2
