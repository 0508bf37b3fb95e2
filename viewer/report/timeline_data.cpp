#include "timeline_data.hpp"

#include "event_text.hpp"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

namespace ltt::viewer {

namespace {

void put_varint(std::vector<std::uint8_t>& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(v));
}

void put_signed(std::vector<std::uint8_t>& out, std::int64_t v) {
    put_varint(out, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}

std::string_view lane_kind_name(lane_kind k) {
    return k == lane_kind::physical_cpu ? "cpu" : "vcpu";
}

} // namespace

std::string base64(const std::vector<std::uint8_t>& bytes) {
    static constexpr char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v =
            (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
        out += digits[v >> 18];
        out += digits[(v >> 12) & 63];
        out += digits[(v >> 6) & 63];
        out += digits[v & 63];
    }
    if (const std::size_t rest = bytes.size() - i; rest != 0) {
        std::uint32_t v = std::uint32_t{bytes[i]} << 16;
        if (rest == 2)
            v |= std::uint32_t{bytes[i + 1]} << 8;
        out += digits[v >> 18];
        out += digits[(v >> 12) & 63];
        out += rest == 2 ? digits[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

namespace {

// The columns as the page reads them: zlib (RFC 1950: what the browser's
// DecompressionStream("deflate") takes), then base64. Varints of deltas
// still repeat a lot (gaps of 0, a few dozen names): deflate takes the file
// to about a third.
std::string packed(const std::vector<std::uint8_t>& bytes) {
    uLongf size = compressBound(static_cast<uLong>(bytes.size()));
    std::vector<std::uint8_t> out(size);
    if (compress2(out.data(), &size, bytes.data(), static_cast<uLong>(bytes.size()), 6) != Z_OK)
        throw std::runtime_error("zlib: cannot compress the timeline");
    out.resize(size);
    return base64(out);
}

} // namespace

timeline_data::timeline_data(limits l) : limits_(l) {}

std::int64_t timeline_data::rel(std::uint64_t ts) {
    if (!have_origin_) {
        origin_ = ts;
        have_origin_ = true;
    }
    return static_cast<std::int64_t>(ts - origin_);
}

std::uint32_t timeline_data::name_of(mark_kind kind, std::optional<std::uint32_t> domid,
                                     std::string_view label) {
    const std::int64_t d = domid ? std::int64_t{*domid} : -1;
    key_.assign(1, static_cast<char>(kind));
    key_.append(reinterpret_cast<const char*>(&d), sizeof d);
    key_.append(label);
    const auto it = name_index_.find(key_);
    if (it != name_index_.end())
        return it->second;
    const auto index = static_cast<std::uint32_t>(names_.size());
    names_.emplace_back(kind, d, std::string(label));
    name_index_.emplace(key_, index);
    return index;
}

std::uint32_t timeline_data::text_of(std::string_view text) {
    const auto it = text_index_.find(std::string(text));
    if (it != text_index_.end())
        return it->second;
    const auto index = static_cast<std::uint32_t>(texts_.size());
    texts_.emplace_back(text);
    text_index_.emplace(texts_.back(), index);
    return index;
}

void timeline_data::lane(const timeline_lane& l) {
    if (lanes_.size() <= l.id)
        lanes_.resize(l.id + 1);
    lanes_[l.id].info = l;
    lanes_[l.id].rows.resize(l.rows);
}

void timeline_data::slice(const timeline_slice& s) {
    lane_state& l = lanes_.at(s.lane);
    if (l.rows.size() <= s.row)
        l.rows.resize(s.row + 1);
    series& r = l.rows[s.row];
    const std::int64_t start = rel(s.start);
    put_signed(r.gap, start - r.prev);
    put_varint(r.value, s.end - s.start);
    put_varint(r.name, name_of(s.kind, s.domid, s.label));
    r.prev = start + static_cast<std::int64_t>(s.end - s.start);
    ++r.n;
    ++slices_;
}

void timeline_data::instant(const timeline_instant& i) {
    ++instants_seen_;
    if (i.kind != mark_kind::loss) {
        if (instants_kept_ >= limits_.max_instants)
            return;
        instants_until_ = i.ts;
    }
    ++instants_kept_;
    series& r = lanes_.at(i.lane).instants;
    const std::int64_t t = rel(i.ts);
    put_signed(r.gap, t - r.prev);
    put_varint(r.name, name_of(i.kind, std::nullopt, i.label));
    r.prev = t;
    ++r.n;
}

void timeline_data::lane_event(std::uint32_t lane, const event& e) {
    ++events_seen_;
    const std::int64_t t = rel(e.ts);
    if (events_kept_ >= limits_.max_detail_events)
        return;
    ++events_kept_;
    detail_until_ = e.ts;
    fmt::memory_buffer text;
    body_text_.append_body(text, e);
    series& r = lanes_.at(lane).events;
    put_signed(r.gap, t - r.prev);
    put_varint(r.name, text_of(std::string_view(text.data(), text.size())));
    r.prev = t;
    ++r.n;
}

void timeline_data::finish(std::uint64_t first, std::uint64_t last) {
    first_ = first;
    last_ = last;
    if (!have_origin_) {
        origin_ = first;
        have_origin_ = true;
    }
}

std::size_t timeline_data::physical_cpus() const noexcept {
    return static_cast<std::size_t>(
        std::count_if(lanes_.begin(), lanes_.end(),
                      [](const lane_state& l) { return l.info.kind == lane_kind::physical_cpu; }));
}

std::optional<double> timeline_data::detail_until() const {
    if (events_kept_ >= events_seen_ || !detail_until_)
        return std::nullopt;
    return static_cast<double>(static_cast<std::int64_t>(*detail_until_ - first_));
}

std::optional<double> timeline_data::instants_until() const {
    if (instants_kept_ >= instants_seen_ || !instants_until_)
        return std::nullopt;
    return static_cast<double>(static_cast<std::int64_t>(*instants_until_ - first_));
}

nlohmann::json timeline_data::to_json(time_unit unit, std::uint64_t freq_hz) const {
    using nlohmann::json;
    const auto rel_of = [&](std::uint64_t ts) {
        return static_cast<double>(static_cast<std::int64_t>(ts - origin_));
    };
    json doc;
    doc["format"] = 3; // 3: every column in one deflated buffer
    doc["unit"] = to_string(unit);
    doc["freq_hz"] = freq_hz;
    doc["origin"] = std::to_string(origin_);
    doc["first"] = rel_of(first_);
    doc["last"] = rel_of(last_);
    json kinds = json::array();
    for (std::size_t k = 0; k < mark_kind_count; ++k)
        kinds.push_back(to_string(static_cast<mark_kind>(k)));
    doc["kinds"] = std::move(kinds);
    json names = json::array();
    for (const auto& [kind, domid, label] : names_)
        names.push_back(json::array({static_cast<int>(kind), domid, label}));
    doc["names"] = std::move(names);
    doc["texts"] = texts_;

    // Physical CPUs first, then guests by domain and vCPU.
    std::vector<const lane_state*> order;
    for (const lane_state& l : lanes_)
        order.push_back(&l);
    std::stable_sort(order.begin(), order.end(), [](const lane_state* a, const lane_state* b) {
        const auto key = [](const lane_state* l) {
            return std::make_tuple(l->info.kind, l->info.domid.value_or(0xffffffffu), l->info.group,
                                   l->info.cpu);
        };
        return key(a) < key(b);
    });
    // Every column into one buffer, deflated once (the page inflates it in
    // one go); a column is [offset, length] in it.
    std::vector<std::uint8_t> blob;
    const auto place = [&](const std::vector<std::uint8_t>& column) {
        const json at = json::array({blob.size(), column.size()});
        blob.insert(blob.end(), column.begin(), column.end());
        return at;
    };
    const auto encoded = [&](const series& s, const char* name_key, const char* values) {
        json o = {{"n", s.n}, {"gap", place(s.gap)}, {name_key, place(s.name)}};
        if (values != nullptr)
            o[values] = place(s.value);
        return o;
    };
    json lanes = json::array();
    for (const lane_state* l : order) {
        json rows = json::array();
        for (const series& r : l->rows)
            rows.push_back(encoded(r, "name", "dur"));
        lanes.push_back({{"name", l->info.name},
                         {"group", l->info.group},
                         {"kind", lane_kind_name(l->info.kind)},
                         {"cpu", l->info.cpu},
                         {"domid", l->info.domid ? json(*l->info.domid) : json(nullptr)},
                         {"rows", std::move(rows)},
                         {"instants", encoded(l->instants, "name", nullptr)},
                         {"events", encoded(l->events, "text", nullptr)}});
    }
    doc["columns"] = packed(blob);
    doc["lanes"] = std::move(lanes);
    doc["detail"] = {{"total", events_seen_},
                     {"kept", events_kept_},
                     {"cap", limits_.max_detail_events},
                     {"until", events_kept_ < events_seen_ && detail_until_
                                   ? json(rel_of(*detail_until_))
                                   : json(nullptr)}};
    doc["instant_cap"] = {{"total", instants_seen_},
                          {"kept", instants_kept_},
                          {"cap", limits_.max_instants},
                          {"until", instants_kept_ < instants_seen_ && instants_until_
                                        ? json(rel_of(*instants_until_))
                                        : json(nullptr)}};
    return doc;
}

} // namespace ltt::viewer
