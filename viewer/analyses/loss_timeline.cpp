#include "loss_timeline.hpp"

#include "../core/event_class.hpp"
#include "../core/loss.hpp"

namespace ltt::viewer {

loss_timeline::loss_timeline(const analysis_context& context, std::uint64_t interval)
    : context_(context), interval_(interval) {
    if (interval_ == 0 && context.freq_hz != 0)
        interval_ = context.freq_hz; // one second
}

void loss_timeline::on_event(const event& e) {
    if (!have_origin_) {
        origin_ = e.ts;
        have_origin_ = true;
        if (interval_ == 0)
            interval_ = 1'000'000; // cycles, when nothing better is known
    }
    const auto [it, fresh] = source_index_.try_emplace(e.stream->source, sources_.size());
    if (fresh)
        sources_.push_back(e.stream->source);
    const std::uint64_t b = e.ts >= origin_ ? (e.ts - origin_) / interval_ : 0;
    bucket& k = buckets_[{it->second, e.cpu, b}];
    if (context_.classes->is_loss(e.cls)) {
        const loss_info l = decode_loss(e.payload);
        if (l.reason == loss_reason::packets_lost)
            k.lost_packets += l.count;
        else
            k.lost += l.count;
    } else {
        ++k.events;
    }
}

result loss_timeline::finish() {
    result r;
    r.name = "loss";
    r.title = "Events and losses per CPU over time";
    table t{"intervals", "Per interval", {}, {}, {}};
    t.columns = {{"source", "source", unit::text},
                 {"cpu", "cpu", unit::id},
                 {"start", "start", unit::time},
                 {"events", "events", unit::count},
                 {"rate", "rate", unit::rate},
                 {"lost", "lost", unit::count},
                 {"lost_packets", "lost packets", unit::count}};
    table totals{"totals", "Per source and CPU", {}, {}, {}};
    totals.columns = {{"source", "source", unit::text},
                      {"cpu", "cpu", unit::id},
                      {"events", "events", unit::count},
                      {"lost", "lost", unit::count},
                      {"lost_packets", "lost packets", unit::count},
                      {"lost_pct", "lost %", unit::percent}};
    std::map<std::pair<std::size_t, std::uint32_t>, bucket> sum;
    for (const auto& [k, b] : buckets_) {
        const auto& [src, cpu, index] = k;
        cell rate = std::monostate{};
        if (context_.freq_hz != 0)
            rate = static_cast<double>(b.events) * static_cast<double>(context_.freq_hz) /
                   static_cast<double>(interval_);
        t.rows.push_back({sources_[src]->domain_name, std::uint64_t{cpu}, index * interval_,
                          b.events, rate, b.lost, b.lost_packets});
        bucket& s = sum[{src, cpu}];
        s.events += b.events;
        s.lost += b.lost;
        s.lost_packets += b.lost_packets;
    }
    for (const auto& [k, s] : sum) {
        const std::uint64_t all = s.events + s.lost;
        totals.rows.push_back(
            {sources_[k.first]->domain_name, std::uint64_t{k.second}, s.events, s.lost,
             s.lost_packets,
             all == 0 ? cell(std::monostate{})
                      : cell(100.0 * static_cast<double>(s.lost) / static_cast<double>(all))});
    }
    r.tables = {std::move(totals), std::move(t)};
    return r;
}

} // namespace ltt::viewer
