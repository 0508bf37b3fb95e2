#include "hypervisor_time_scan.hpp"

#include "../core/event_class.hpp"
#include "../core/payload.hpp"
#include "../readers/reader.hpp"

#include <array>
#include <string_view>

namespace ltt::viewer {

namespace {

// A class's field indices by name, looked up once per class.
template <std::size_t N> struct fields_of {
    const event_class* cls = nullptr;
    bool ok = false;
    std::array<std::size_t, N> index{};

    bool bind(const event_class* c, const std::array<std::string_view, N>& names) {
        if (c != cls) {
            cls = c;
            ok = true;
            for (std::size_t i = 0; i < N && ok; ++i) {
                const auto f = c->field_index(names[i]);
                ok = f.has_value();
                index[i] = f.value_or(0);
            }
        }
        return ok;
    }
    std::uint64_t u(const event& e, std::size_t i) const {
        return unsigned_at(*cls, e.payload, index[i]);
    }
};

} // namespace

void scan_hypervisor_time(trace_reader& hypervisor, hypervisor_time_facts& facts) {
    fields_of<6> params;
    fields_of<2> domain, created;
    for (event_stream* s : hypervisor.streams()) {
        event e;
        while (s->next(e)) {
            const std::string_view name = e.cls->name;
            if (name == "time_tsc_params") {
                if (!params.bind(e.cls,
                                 {"domid", "vcpu", "ratio", "frac_bits", "offset", "emulated"}))
                    continue;
                tsc_record r;
                r.host_ts = e.ts;
                r.ratio = params.u(e, 2);
                r.frac_bits = static_cast<std::uint32_t>(params.u(e, 3));
                r.offset = static_cast<std::int64_t>(params.u(e, 4));
                r.emulated = params.u(e, 5) != 0;
                facts.params.add(static_cast<std::uint32_t>(params.u(e, 0)),
                                 static_cast<std::uint32_t>(params.u(e, 1)), r);
            } else if (name == "domain_statedump_domain") {
                if (domain.bind(e.cls, {"dom_id", "guest_type"}))
                    facts.kinds[static_cast<std::uint32_t>(domain.u(e, 0))] =
                        static_cast<guest_kind>(domain.u(e, 1));
            } else if (name == "domain_create") {
                if (created.bind(e.cls, {"dom_id", "guest_type"}))
                    facts.kinds[static_cast<std::uint32_t>(created.u(e, 0))] =
                        static_cast<guest_kind>(created.u(e, 1));
            }
        }
    }
}

} // namespace ltt::viewer
