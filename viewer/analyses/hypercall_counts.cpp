#include "hypercall_counts.hpp"

#include "../core/event_class.hpp"
#include "../core/payload.hpp"

namespace ltt::viewer {

hypercall_counts::hypercall_counts(const analysis_context& context) : context_(context) {
    entry_ = context.classes->find(ltt::layer::xen, "hypercall_entry");
    exit_ = context.classes->find(ltt::layer::xen, "hypercall_exit");
    if (entry_ != nullptr)
        f_entry_number_ = *entry_->field_index("number");
}

std::size_t hypercall_counts::calls_of(const std::optional<vcpu_id>& v) {
    if (last_ < calls_.size() && calls_[last_].v == v)
        return last_;
    for (std::size_t i = 0; i < calls_.size(); ++i)
        if (calls_[i].v == v)
            return last_ = i;
    calls_.push_back({v, {}});
    return last_ = calls_.size() - 1;
}

hypercall_counts::open_call& hypercall_counts::open_on(const source_info* source,
                                                       std::uint32_t cpu) {
    for (open_call& c : open_)
        if (c.source == source && c.cpu == cpu)
            return c;
    open_.push_back({source, cpu});
    return open_.back();
}

void hypercall_counts::on_event(const event& e) {
    if (e.cls == nullptr || (e.cls != entry_ && e.cls != exit_))
        return;
    if (e.cls == entry_) {
        const std::optional<vcpu_id> v =
            context_.cpus != nullptr ? context_.cpus->running_on(e.cpu) : std::nullopt;
        const auto number =
            static_cast<std::uint8_t>(unsigned_at(*e.cls, e.payload, f_entry_number_));
        const std::size_t i = calls_of(v);
        ++calls_[i].count[number];
        if (exit_ != nullptr) {
            open_call& c = open_on(e.stream->source, e.cpu);
            c.open = true;
            c.calls = i;
            c.number = number;
            c.ts = e.ts;
        }
        return;
    }
    open_call& c = open_on(e.stream->source, e.cpu);
    if (!c.open)
        return;
    if (e.ts >= c.ts)
        times_[{calls_[c.calls].v, c.number}].add(e.ts - c.ts);
    c.open = false;
}

result hypercall_counts::finish() {
    result r;
    r.name = "hypercalls";
    r.title = "Hypercalls";
    table t{"vcpu_hypercalls",
            "Per domain and vCPU: hypercalls by name",
            {{"domain", "domain", unit::id},
             {"vcpu", "vcpu", unit::id},
             {"hypercall", "hypercall", unit::text},
             {"number", "number", unit::id},
             {"count", "count", unit::count},
             {"timed", "timed", unit::count},
             {"time", "time", unit::time},
             {"avg", "avg", unit::time},
             {"p50", "p50", unit::time},
             {"p95", "p95", unit::time}},
            {},
            {}};
    std::map<call_key, std::uint64_t> counts;
    for (const vcpu_calls& c : calls_)
        for (std::size_t number = 0; number < c.count.size(); ++number)
            if (c.count[number] != 0)
                counts[{c.v, number}] = c.count[number];
    std::map<std::pair<std::optional<std::uint32_t>, std::uint64_t>, std::uint64_t> per_domain;
    for (const auto& [key, n] : counts) {
        const auto& [v, number] = key;
        std::vector<cell> row{domain_cell(v), vcpu_cell(v),
                              enum_text(entry_, "number", static_cast<std::int64_t>(number)),
                              number, n};
        if (const auto it = times_.find(key); it != times_.end() && it->second.count() != 0) {
            const duration_stats& s = it->second;
            row.insert(row.end(), {s.count(), s.total(), s.total() / s.count(), s.percentile(50),
                                   s.percentile(95)});
        } else {
            row.insert(row.end(), {std::uint64_t{0}, cell{}, cell{}, cell{}, cell{}});
        }
        t.rows.push_back(std::move(row));
        per_domain[{v ? std::optional(v->domid) : std::nullopt, number}] += n;
    }
    t.notes.push_back("a hypercall belongs to the vCPU running on its CPU; time is from "
                      "hypercall_entry to hypercall_exit where the trace has exits (timed)");
    table d{"domain_hypercalls",
            "Per domain: hypercalls by name",
            {{"domain", "domain", unit::id},
             {"hypercall", "hypercall", unit::text},
             {"number", "number", unit::id},
             {"count", "count", unit::count}},
            {},
            {}};
    for (const auto& [key, n] : per_domain) {
        const auto& [domid, number] = key;
        d.rows.push_back({domid ? cell(std::uint64_t{*domid}) : cell{},
                          enum_text(entry_, "number", static_cast<std::int64_t>(number)), number,
                          n});
    }
    r.tables = {std::move(t), std::move(d)};
    return r;
}

} // namespace ltt::viewer
