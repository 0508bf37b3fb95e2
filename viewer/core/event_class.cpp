#include "event_class.hpp"

#include "event_registry.hpp"
#include "loss.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace ltt::viewer {

std::optional<std::size_t> event_class::field_index(std::string_view field) const {
    for (std::size_t i = 0; i < desc->fields.size(); ++i) {
        if (desc->fields[i].name == field)
            return i;
    }
    return std::nullopt;
}

class_registry::class_registry() {
    for (const ltt::facility_desc* facility : event_registry::builtin().facilities()) {
        for (const ltt::event_desc& event : facility->events)
            push(facility->layer, facility->name, event.name, &event, true);
    }
    for (const ltt::layer l : {ltt::layer::xen, ltt::layer::kernel, ltt::layer::ust})
        loss_[static_cast<int>(l)] = &push(l, loss_facility, loss_desc.name, &loss_desc, true);
}

event_class& class_registry::push(ltt::layer layer, std::string_view facility,
                                  std::string_view name, const ltt::event_desc* desc,
                                  bool builtin) {
    event_class& c = storage_.emplace_back();
    c.id = static_cast<class_id>(classes_.size());
    c.layer = layer;
    c.facility = facility;
    c.name = name;
    c.desc = desc;
    c.builtin = builtin;
    if (!desc->variable_size) {
        std::uint32_t offset = 0;
        for (const ltt::field_desc& f : desc->fields) {
            c.offsets.push_back(offset);
            offset += f.size;
        }
    }
    classes_.push_back(&c);
    // The first of a name wins (genevent keeps names unique per layer).
    by_name_.try_emplace({layer, name}, &c);
    by_key_.try_emplace({layer, facility, name}, &c);
    if (builtin)
        by_desc_.try_emplace(desc, &c);
    return c;
}

const event_class* class_registry::find(ltt::layer layer, std::string_view name) const {
    const auto it = by_name_.find({layer, name});
    return it == by_name_.end() ? nullptr : it->second;
}

const event_class* class_registry::of(const ltt::event_desc& desc) const {
    const auto it = by_desc_.find(&desc);
    return it == by_desc_.end() ? nullptr : it->second;
}

namespace {

bool same_fields(const ltt::event_desc& desc, const std::vector<field_spec>& fields) {
    if (desc.fields.size() != fields.size())
        return false;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const ltt::field_desc& f = desc.fields[i];
        if (f.name != fields[i].name || f.kind != fields[i].kind || f.length != fields[i].length)
            return false;
    }
    return true;
}

} // namespace

const event_class& class_registry::add(ltt::layer layer, std::string_view facility,
                                       std::string_view name, std::vector<field_spec> fields) {
    if (const auto it = by_key_.find({layer, facility, name}); it != by_key_.end()) {
        if (!same_fields(*it->second->desc, fields))
            throw std::invalid_argument(
                fmt::format("event class {}:{}:{} registered twice with different fields",
                            to_string(layer), facility, name));
        return *it->second;
    }
    owned_class& o = owned_.emplace_back();
    o.facility = facility;
    o.name = name;
    o.fields.reserve(fields.size());
    std::uint32_t fixed = 0;
    bool variable = false;
    for (const field_spec& f : fields) {
        const std::string& stored = o.field_names.emplace_back(f.name);
        const std::uint32_t elements = f.length == 0 ? 1 : f.length;
        const std::uint32_t size = ltt::kind_size(f.kind) * elements;
        o.fields.push_back({stored, f.kind, nullptr, f.length, f.hex, size});
        if (f.kind == ltt::field_kind::string)
            variable = true;
        fixed += size;
    }
    o.desc = ltt::event_desc{o.name, 0, o.fields, fixed, variable};
    return push(layer, o.facility, o.name, &o.desc, false);
}

} // namespace ltt::viewer
