#include "guest_tsc_conversion.hpp"

#include "hypervisor_time_scan.hpp"

#include "../readers/open.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string_view>

namespace ltt::viewer {

namespace {

bool is_guest_kernel(const source_info& s) {
    return s.layer == ltt::layer::kernel && s.domid && *s.domid != 0;
}

bool is_identity(const std::vector<tsc_record>& records) {
    return std::all_of(records.begin(), records.end(), [](const tsc_record& r) {
        return r.ratio == 1 && r.frac_bits == 0 && r.offset == 0;
    });
}

// The vCPU of an ltt-xen guest stream file ("cpu_3"), if its name says.
std::optional<std::uint32_t> stream_vcpu(std::string_view name) {
    if (!name.starts_with("cpu_"))
        return std::nullopt;
    name.remove_prefix(4);
    std::uint32_t v = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), v);
    if (ec != std::errc{} || end != name.data() + name.size())
        return std::nullopt;
    return v;
}

} // namespace

guest_tsc_conversion::guest_tsc_conversion(opened_inputs& inputs, class_registry& classes,
                                           const read_options& options) {
    const auto& readers = inputs.readers;
    const bool guests = std::any_of(readers.begin(), readers.end(),
                                    [](const auto& r) { return is_guest_kernel(r->source()); });
    const bool hypervisor = std::any_of(readers.begin(), readers.end(), [](const auto& r) {
        return r->source().layer == ltt::layer::xen;
    });
    if (!guests || !hypervisor || inputs.unit != time_unit::tsc)
        return;

    // The second pass: a reader of its own for each hypervisor trace.
    hypervisor_time_facts facts;
    for (const auto& r : readers) {
        if (r->source().layer != ltt::layer::xen)
            continue;
        opened_inputs again = open_inputs({r->source().path}, classes, options);
        for (const auto& h : again.readers)
            scan_hypervisor_time(*h, facts);
    }
    facts.params.finish();

    for (const auto& r : readers) {
        source_info& s = r->mutable_source();
        if (!is_guest_kernel(s))
            continue;
        const std::uint32_t domid = *s.domid;
        const auto kind = facts.kinds.find(domid);
        const bool hvm = kind != facts.kinds.end() &&
                         (kind->second == guest_kind::hvm || kind->second == guest_kind::pvh);
        auto say = [&](std::string text) {
            inputs.notices.push_back(fmt::format("{}: {}", s.path, text));
        };
        std::map<std::uint32_t, std::vector<tsc_record>> vcpus;
        for (const auto& [key, records] : facts.params.all())
            if (key.first == domid)
                vcpus.emplace(key.second, records);
        if (vcpus.empty()) {
            if (hvm) {
                s.clock.host_tsc = false;
                say(fmt::format("domain {} is {} but the hypervisor trace has no tsc_params for "
                                "it: its events stay on the guest's TSC, not host time",
                                domid, kind->second == guest_kind::pvh ? "PVH" : "HVM"));
            }
            continue;
        }
        const bool usable = std::all_of(vcpus.begin(), vcpus.end(), [](const auto& v) {
            return vcpu_tsc_map::convertible(v.second);
        });
        if (!usable) {
            s.clock.host_tsc = false;
            say(fmt::format("Xen emulates domain {}'s TSC (tsc_params emulated=1, or no usable "
                            "ratio): its timestamps cannot be converted to host TSC; record "
                            "with tsc_mode=\"native\"",
                            domid));
            continue;
        }
        if (std::all_of(vcpus.begin(), vcpus.end(),
                        [](const auto& v) { return is_identity(v.second); })) {
            s.clock.host_tsc = true; // PV: the guest reads the host TSC
            continue;
        }
        for (event_stream* st : r->streams()) {
            const auto v = stream_vcpu(st->info().name);
            if (v && !vcpus.contains(*v))
                say(fmt::format("vCPU {} of domain {} has no tsc_params: its events keep guest "
                                "time",
                                *v, domid));
        }
        std::size_t changes = 0;
        for (const auto& [vcpu, records] : vcpus)
            changes += records.size() - 1;
        if (!options.tsc_convert) {
            s.clock.host_tsc = false;
            say(fmt::format("domain {}'s guest TSC is not converted (--no-tsc-convert): its "
                            "events are merged at guest time",
                            domid));
            continue;
        }
        auto& maps =
            *domains_.emplace_back(std::make_unique<std::map<std::uint32_t, vcpu_tsc_map>>());
        for (auto& [vcpu, records] : vcpus)
            maps.emplace(vcpu, vcpu_tsc_map(std::move(records)));
        for (event_stream* st : r->streams()) {
            auto& wrapped = *streams_.emplace_back(std::make_unique<guest_tsc_stream>(*st, maps));
            std::replace(inputs.streams.begin(), inputs.streams.end(), st,
                         static_cast<event_stream*>(&wrapped));
        }
        s.clock.host_tsc = true;
        ++converted_;
        say(fmt::format("domain {}'s guest TSC converted to host TSC with Xen's tsc_params ({} "
                        "vCPUs, {} changes during the trace)",
                        domid, maps.size(), changes));
    }
}

} // namespace ltt::viewer
