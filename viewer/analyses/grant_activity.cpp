#include "grant_activity.hpp"

#include "../core/event_class.hpp"
#include "../core/payload.hpp"

namespace ltt::viewer {

grant_activity::grant_activity(const analysis_context& context)
    : context_(context), map_(context.classes->find(ltt::layer::xen, "memory_grant_map")),
      unmap_(context.classes->find(ltt::layer::xen, "memory_grant_unmap")),
      transfer_(context.classes->find(ltt::layer::xen, "memory_grant_transfer")) {
    const auto resolve = [](const event_class*& c, std::size_t(&f)[2], std::string_view other) {
        const auto a = c != nullptr ? c->field_index("dom_id") : std::nullopt;
        const auto b = c != nullptr ? c->field_index(other) : std::nullopt;
        if (!a || !b) {
            c = nullptr;
            return;
        }
        f[0] = *a;
        f[1] = *b;
    };
    resolve(map_, f_map_, "map_dom_id");
    resolve(unmap_, f_unmap_, "map_dom_id");
    resolve(transfer_, f_transfer_, "from_dom_id");
}

void grant_activity::on_event(const event& e) {
    if (!have_span_) {
        first_ = e.ts;
        have_span_ = true;
    }
    last_ = e.ts;
    if (e.cls == nullptr || (e.cls != map_ && e.cls != unmap_ && e.cls != transfer_))
        return;
    // dom_id is the granting domain for map/unmap and the receiving one for
    // a transfer; the other field is who maps (or gives the page).
    const std::size_t* f = e.cls == map_ ? f_map_ : e.cls == unmap_ ? f_unmap_ : f_transfer_;
    const auto a = static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f[0]));
    const auto b = static_cast<std::uint32_t>(unsigned_at(*e.cls, e.payload, f[1]));
    counts& c = pairs_[{a, b}];
    if (e.cls == map_)
        ++c.maps;
    else if (e.cls == unmap_)
        ++c.unmaps;
    else
        ++c.transfers;
}

result grant_activity::finish() {
    result r;
    r.name = "grants";
    r.title = "Grant-table activity";
    table t{"pairs", "Per domain pair", {}, {}, {}};
    t.columns = {{"granting_domid", "granting dom", unit::id},
                 {"mapping_domid", "mapping dom", unit::id},
                 {"maps", "maps", unit::count},
                 {"unmaps", "unmaps", unit::count},
                 {"transfers", "transfers", unit::count},
                 {"rate", "ops rate", unit::rate}};
    const double span = static_cast<double>(last_ - first_);
    for (const auto& [key, c] : pairs_) {
        const std::uint64_t ops = c.maps + c.unmaps + c.transfers;
        cell rate = std::monostate{};
        if (context_.freq_hz != 0 && span > 0)
            rate = static_cast<double>(ops) * static_cast<double>(context_.freq_hz) / span;
        t.rows.push_back({std::uint64_t{key.first}, std::uint64_t{key.second}, c.maps, c.unmaps,
                          c.transfers, rate});
    }
    t.notes.push_back("granting dom: whose pages (for a transfer: the receiving domain); "
                      "mapping dom: who maps them (for a transfer: who gives the page away)");
    r.tables.push_back(std::move(t));
    return r;
}

} // namespace ltt::viewer
