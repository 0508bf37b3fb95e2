// analyses/event_filter.hpp - `--filter EXPR`: which events to keep.
//
//   EXPR   := AND ("||" AND)*
//   AND    := NOT ("&&" NOT)*
//   NOT    := "!" NOT | "(" EXPR ")" | KEY OP VALUE | KEY
//   OP     := == != < <= > >=
//   KEY    := name | facility | layer | source | cpu | domid | vcpu | FIELD
//   VALUE  := integer (decimal, 0x hex, negative) | 'text' | "text" | word
//
// `name`, `facility`, `layer` (xen, kernel, ust) and `source` (the trace's
// domain: hypervisor, dom0, domU-3...) compare as text, with `*` as a
// wildcard for == and !=. `cpu` is the event's CPU (physical for the
// hypervisor, vCPU for guests). `domid` and `vcpu` are the event's own
// (dom_id/domid and vcpu fields) when it has them, a guest trace's domain
// and vCPU otherwise, and for other hypervisor events the vCPU running on
// that CPU then. Any other key is a field of the event: an integer field
// compares as a number (an enum field also by its value's name), a string
// field as text; an event without the field does not match. A bare KEY
// matches events that have it.
//
// Examples:  name == irq_*    domid == 0 && vcpu == 1    irq > 255 || port >= 65536
#pragma once

#include "../core/event.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ltt::viewer {

class cpu_tracker;

// A malformed expression: the message shows the expression and the column.
class filter_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

class event_filter {
public:
    explicit event_filter(std::string_view expression);
    ~event_filter();
    event_filter(event_filter&&) noexcept;
    event_filter& operator=(event_filter&&) noexcept;

    // `cpus` gives the running vCPU of hypervisor events (may be null).
    bool matches(const event& e, const cpu_tracker* cpus) const;

    struct node;

private:
    std::unique_ptr<node> root_;
};

} // namespace ltt::viewer
