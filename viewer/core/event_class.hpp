// core/event_class.hpp - the kinds of events ltt-view knows, one table for
// every reader.
//
// A class is a name, the layer and facility it belongs to, and the fields of
// its payload as an ltt::event_desc. Every payload the viewer handles is in
// one encoding, whatever format it was read from: the fields in declaration
// order, packed, little-endian, strings NUL-terminated (ltt/event_desc.hpp).
// The native reader hands out the bytes of the trace as they are; the other
// readers encode what they read into that form. So an analysis reads a field
// the same way whether the event came from ltt-xen, xentrace or ftrace.
//
// Builtin classes are genevent's descriptors of facilities/ (xen and kernel
// layers) plus the viewer's own (loss reports, core/loss.hpp): the
// vocabulary analyses are written against. A reader maps what it reads onto
// them where the meaning is the same (xentrace's runstate change record is
// the xen runstate_change event) and registers classes of its own for the
// rest (an LTTng event, an ftrace event, a xentrace record ltt-xen has no
// facility for), which the registry owns.
#pragma once

#include <ltt/event_desc.hpp>
#include <ltt/layer.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ltt::viewer {

using class_id = std::uint32_t;

struct event_class {
    class_id id = 0; // dense, in registration order: index analyses' tables with it
    ltt::layer layer = ltt::layer::xen;
    std::string_view facility;
    std::string_view name;
    const ltt::event_desc* desc = nullptr; // never null once registered
    bool builtin = false;                  // from facilities/ or the viewer itself
    // Byte offset of each field in the payload, when the payload has a fixed
    // layout (no string field); empty otherwise (walk the fields instead).
    std::vector<std::uint32_t> offsets;

    // Index of the field named `field` in desc->fields.
    std::optional<std::size_t> field_index(std::string_view field) const;
    bool fixed_layout() const noexcept { return !desc->variable_size; }
};

// A field of a class a reader defines (the registry keeps the name).
struct field_spec {
    std::string name;
    ltt::field_kind kind = ltt::field_kind::u64;
    std::uint32_t length = 0; // 0: scalar; otherwise a fixed array
    bool hex = false;
};

class class_registry {
public:
    // The builtin classes: every facility compiled into the viewer, then the
    // viewer's own.
    class_registry();
    class_registry(const class_registry&) = delete;
    class_registry& operator=(const class_registry&) = delete;

    const event_class* find(ltt::layer layer, std::string_view name) const;
    // The class of a facility's event (builtin descriptors only).
    const event_class* of(const ltt::event_desc& desc) const;
    const event_class& at(class_id id) const { return *classes_.at(id); }
    // One of the viewer's lost_events classes (core/loss.hpp).
    bool is_loss(const event_class* c) const noexcept {
        return c == loss_[0] || c == loss_[1] || c == loss_[2];
    }
    std::size_t size() const noexcept { return classes_.size(); }

    // A class of a reader's own. Registering the same layer, facility and
    // name twice returns the first class when the fields are the same, and
    // throws std::invalid_argument when they differ (two readers disagreeing
    // on what an event carries is a bug, not an input problem).
    const event_class& add(ltt::layer layer, std::string_view facility, std::string_view name,
                           std::vector<field_spec> fields);

private:
    // Strings and descriptors of added classes.
    struct owned_class {
        std::string facility;
        std::string name;
        std::deque<std::string> field_names; // stable addresses for field_desc::name
        std::vector<ltt::field_desc> fields;
        ltt::event_desc desc{};
    };

    event_class& push(ltt::layer layer, std::string_view facility, std::string_view name,
                      const ltt::event_desc* desc, bool builtin);

    std::deque<event_class> storage_;
    const event_class* loss_[3] = {nullptr, nullptr, nullptr};
    std::vector<event_class*> classes_; // by id
    std::deque<owned_class> owned_;
    std::map<std::pair<ltt::layer, std::string_view>, event_class*> by_name_;
    std::map<std::tuple<ltt::layer, std::string_view, std::string_view>, event_class*> by_key_;
    std::map<const ltt::event_desc*, event_class*> by_desc_;
};

} // namespace ltt::viewer
