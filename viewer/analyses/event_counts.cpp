#include "event_counts.hpp"

#include "../core/event_class.hpp"
#include "../core/loss.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ltt::viewer {

event_counts::event_counts(const analysis_context& context) : context_(context) {}

event_counts::per_cpu& event_counts::slot(const event& e) {
    const std::uint32_t s = e.stream->index;
    if (s >= by_stream_.size())
        by_stream_.resize(s + 1);
    auto& cpus = by_stream_[s];
    if (e.cpu < cpus.size() && cpus[e.cpu] != nullptr)
        return *cpus[e.cpu];
    const auto [src, new_source] = source_index_.try_emplace(e.stream->source, sources_.size());
    if (new_source)
        sources_.push_back(e.stream->source);
    auto [it, fresh] = cpus_.try_emplace(cpu_key{src->second, e.cpu});
    if (fresh)
        it->second.first = it->second.last = e.ts;
    if (e.cpu >= cpus.size())
        cpus.resize(e.cpu + 1, nullptr);
    cpus[e.cpu] = &it->second;
    return it->second;
}

void event_counts::on_event(const event& e) {
    per_cpu& c = slot(e);
    c.first = std::min(c.first, e.ts);
    c.last = std::max(c.last, e.ts);
    if (context_.classes->is_loss(e.cls)) {
        const loss_info loss = decode_loss(e.payload);
        ++c.loss_reports;
        if (loss.reason == loss_reason::packets_lost)
            c.lost_packets += loss.count;
        else
            c.lost_events += loss.count;
        return;
    }
    ++c.events;
    if (e.cls->id >= classes_.size())
        classes_.resize(e.cls->id + 1, 0);
    ++classes_[e.cls->id];
}

result event_counts::finish() {
    result r;
    r.name = "event_counts";
    r.title = "Events per source and CPU";
    const double hz = static_cast<double>(context_.freq_hz);

    table sources{"sources", "Sources", {}, {}, {}};
    sources.columns = {
        {"source", "source", unit::text},     {"format", "format", unit::text},
        {"domain", "domain", unit::text},     {"clock", "clock", unit::text},
        {"cpus", "CPUs", unit::count},        {"events", "events", unit::count},
        {"lost_events", "lost", unit::count}, {"lost_packets", "lost packets", unit::count},
        {"span", "span", unit::time}};
    table cpus{"cpus", "Per CPU", {}, {}, {}};
    cpus.columns = {{"domain", "domain", unit::text},
                    {"cpu", "cpu", unit::id},
                    {"events", "events", unit::count},
                    {"span", "span", unit::time},
                    {"rate", "rate", unit::rate},
                    {"lost_events", "lost", unit::count},
                    {"lost_packets", "lost packets", unit::count}};
    // Every trace read is listed, one with no event too (a guest that
    // wrote no packet): in order of first event, then the silent ones.
    for (const source_info* s : context_.sources)
        if (s != nullptr && source_index_.try_emplace(s, sources_.size()).second)
            sources_.push_back(s);
    for (std::size_t index = 0; index < sources_.size(); ++index) {
        const source_info* s = sources_[index];
        per_cpu total;
        std::uint64_t n_cpus = 0;
        bool first = true;
        for (const auto& [key, c] : cpus_) {
            if (std::get<0>(key) != index)
                continue;
            ++n_cpus;
            total.events += c.events;
            total.lost_events += c.lost_events;
            total.lost_packets += c.lost_packets;
            total.first = first ? c.first : std::min(total.first, c.first);
            total.last = first ? c.last : std::max(total.last, c.last);
            first = false;
            const std::uint64_t span = c.last - c.first;
            cells_row(cpus, s, std::get<1>(key), c, span, hz);
        }
        const std::string clock =
            s->clock.unit == time_unit::ns ? fmt::format("{} (ns)", s->clock.name)
            : s->clock.freq_hz == 0 ? fmt::format("{} (TSC, frequency unknown)", s->clock.name)
                                    : fmt::format("{} (TSC {:.4g} GHz)", s->clock.name,
                                                  static_cast<double>(s->clock.freq_hz) / 1e9);
        sources.rows.push_back({s->path, s->format, s->domain_name, clock, n_cpus, total.events,
                                total.lost_events, total.lost_packets, total.last - total.first});
    }

    table classes{"event_classes", "Events by class", {}, {}, {}};
    classes.columns = {{"layer", "layer", unit::text},
                       {"facility", "facility", unit::text},
                       {"event", "event", unit::text},
                       {"count", "count", unit::count}};
    std::vector<std::pair<const event_class*, std::uint64_t>> sorted;
    for (std::size_t id = 0; id < classes_.size(); ++id) {
        if (classes_[id] != 0)
            sorted.emplace_back(&context_.classes->at(static_cast<class_id>(id)), classes_[id]);
    }
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first->id < b.first->id;
    });
    for (const auto& [cls, n] : sorted)
        classes.rows.push_back({std::string(to_string(cls->layer)), std::string(cls->facility),
                                std::string(cls->name), n});
    r.tables = {std::move(sources), std::move(cpus), std::move(classes)};
    return r;
}

void event_counts::cells_row(table& t, const source_info* s, std::uint32_t cpu, const per_cpu& c,
                             std::uint64_t span, double hz) {
    std::vector<cell> row{s->domain_name,   std::uint64_t{cpu}, c.events,      span,
                          std::monostate{}, c.lost_events,      c.lost_packets};
    if (hz > 0 && span > 0)
        row[4] = static_cast<double>(c.events) * hz / static_cast<double>(span);
    t.rows.push_back(std::move(row));
}

} // namespace ltt::viewer
