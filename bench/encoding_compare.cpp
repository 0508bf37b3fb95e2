#include "encoding_compare.hpp"

#include <fmt/format.h>

#include <optional>
#include <stdexcept>
#include <vector>

namespace ltt::bench {

channel_encoding::channel_encoding(std::span<const ltt::facility_desc* const> facilities) {
    std::uint32_t base = 0;
    for (const ltt::facility_desc* facility : facilities) {
        for (const ltt::event_desc& e : facility->events) {
            event_info info;
            info.desc = &e;
            info.id = base + e.local_id;
            info.payload = e.fixed_size;
            events_.emplace(std::string(e.name), info);
        }
        base += static_cast<std::uint32_t>(facility->events.size());
    }
    count_ = base;
    header_ = ltt::header_kind_for(count_);
}

const channel_encoding::event_info& channel_encoding::event(std::string_view name) const {
    const auto it = events_.find(name);
    if (it == events_.end())
        throw std::invalid_argument(fmt::format(
            "the Xen facilities have no event {} (xentrace_mapping.cpp names it)", name));
    if (it->second.desc->variable_size)
        throw std::invalid_argument(fmt::format("event {} has strings: no fixed size", name));
    return it->second;
}

double comparison::xentrace_per_event() const {
    return events ? static_cast<double>(xentrace_bytes) / static_cast<double>(events) : 0.0;
}

double comparison::ours_per_event() const {
    return events ? static_cast<double>(our_bytes) / static_cast<double>(events) : 0.0;
}

void comparison::add(const comparison& o) {
    stats.records += o.stats.records;
    stats.cpu_changes += o.stats.cpu_changes;
    stats.wraps += o.stats.wraps;
    stats.lost_reports += o.stats.lost_reports;
    stats.records_lost += o.stats.records_lost;
    stats.without_tsc += o.stats.without_tsc;
    stats.tsc_backwards += o.stats.tsc_backwards;
    stats.bytes += o.stats.bytes;
    events += o.events;
    excluded += o.excluded;
    equivalent += o.equivalent;
    conservative += o.conservative;
    xentrace_bytes += o.xentrace_bytes;
    our_bytes += o.our_bytes;
    our_records += o.our_records;
    extended_headers += o.extended_headers;
    equivalent_xentrace_bytes += o.equivalent_xentrace_bytes;
    equivalent_our_bytes += o.equivalent_our_bytes;
    for (const auto& [name, t] : o.classes) {
        class_tally& mine = classes[name];
        if (mine.count == 0) {
            mine.name = t.name;
            mine.ours = t.ours;
            mine.kind = t.kind;
        }
        mine.count += t.count;
        mine.xentrace_bytes += t.xentrace_bytes;
        mine.our_bytes += t.our_bytes;
    }
}

namespace {

// The ltt-xen records standing for one xentrace class, resolved once.
struct resolved_class {
    xentrace_class cls;
    std::vector<const channel_encoding::event_info*> ours;
};

} // namespace

comparison compare(std::span<const std::byte> data, const std::string& name,
                   const channel_encoding& channel, const compare_options& options) {
    comparison out;
    out.file = name;
    xentrace::reader reader(data, name);
    std::map<std::uint32_t, resolved_class> classes;    // by xentrace event id
    std::vector<std::optional<std::uint64_t>> prev_tsc; // of our previous record, by CPU
    // Conservative records get an id the large header carries unextended.
    constexpr std::uint32_t stand_in_id = 0;

    while (const auto rec = reader.next()) {
        auto it = classes.find(rec->event);
        if (it == classes.end()) {
            resolved_class rc{classify(rec->event), {}};
            if (options.hypercall_args && rc.cls.ours[0] == "hypercall_entry" &&
                rc.cls.ours[1].empty())
                rc.cls.ours[1] = "hypercall_args";
            if (rc.cls.kind == match::equivalent)
                for (std::string_view ours : rc.cls.ours)
                    if (!ours.empty())
                        rc.ours.push_back(&channel.event(ours));
            it = classes.emplace(rec->event, std::move(rc)).first;
        }
        const resolved_class& rc = it->second;
        if (rc.cls.kind == match::excluded) {
            out.excluded++;
            continue;
        }
        if (rec->cpu >= prev_tsc.size())
            prev_tsc.resize(rec->cpu + 1);
        auto& prev = prev_tsc[rec->cpu];
        // No TSC in the xentrace record: ours would be stamped about when
        // the CPU's previous one was. A CPU's first record opens its packet,
        // whose timestamp_begin is that record's own TSC.
        const std::uint64_t tsc = rec->has_tsc ? rec->tsc : prev.value_or(0);
        const std::uint64_t ref = prev.value_or(tsc);

        std::uint64_t bytes = 0;
        auto encode = [&](std::uint32_t id, std::uint32_t payload) {
            const bool ext = ltt::needs_extended(channel.header(), id, tsc, ref);
            if (ext)
                out.extended_headers++;
            bytes += ltt::header_size(channel.header(), ext) + payload;
            out.our_records++;
        };
        if (rc.cls.kind == match::equivalent) {
            out.equivalent++;
            for (const auto* ev : rc.ours)
                encode(ev->id, ev->payload);
        } else {
            out.conservative++;
            encode(stand_in_id, 4u * rec->n_extra);
        }
        if (rec->has_tsc || prev)
            prev = tsc;

        out.events++;
        out.xentrace_bytes += rec->size();
        out.our_bytes += bytes;
        if (rc.cls.kind == match::equivalent) {
            out.equivalent_xentrace_bytes += rec->size();
            out.equivalent_our_bytes += bytes;
        }
        class_tally& t = out.classes[rc.cls.name];
        if (t.count == 0) {
            t.name = rc.cls.name;
            t.kind = rc.cls.kind;
            if (rc.cls.kind == match::equivalent) {
                t.ours = std::string(rc.cls.ours[0]);
                if (!rc.cls.ours[1].empty())
                    t.ours += "+" + std::string(rc.cls.ours[1]);
            } else {
                t.ours = "(same data words)";
            }
        }
        t.count++;
        t.xentrace_bytes += rec->size();
        t.our_bytes += bytes;
    }
    out.stats = reader.stats();
    return out;
}

} // namespace ltt::bench
