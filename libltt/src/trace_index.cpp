#include <ltt/trace_index.hpp>

#include "durable_file.hpp"
#include "text_file.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace ltt {

namespace {

constexpr std::string_view index_format = "ltt-xen-index";
constexpr int index_version = 1;

struct totals {
    std::uint64_t packets = 0, bytes = 0, records = 0, events_discarded = 0, packets_lost = 0;

    void add(const totals& o) {
        packets += o.packets;
        bytes += o.bytes;
        records += o.records;
        events_discarded += o.events_discarded;
        packets_lost += o.packets_lost;
    }
    void add(const stream_stats& s) {
        add(totals{s.packets, s.bytes, s.records, s.events_discarded, s.packets_lost});
    }
    nlohmann::json json() const {
        return {{"packets", packets},
                {"bytes", bytes},
                {"records", records},
                {"events_discarded", events_discarded},
                {"packets_lost", packets_lost}};
    }
};

ltt::layer domain_from(const std::string& s) {
    if (const auto l = layer_from_domain_name(s))
        return *l;
    throw std::invalid_argument(fmt::format("unknown domain kind `{}`", s));
}

ltt::layer layer_from(const std::string& s) {
    if (const auto l = parse_layer(s))
        return *l;
    throw std::invalid_argument(fmt::format("unknown facility layer `{}`", s));
}

std::uint32_t checksum_from(const std::string& s) {
    std::size_t used = 0;
    const unsigned long v = s.starts_with("0x") ? std::stoul(s.substr(2), &used, 16) : 0;
    if (!s.starts_with("0x") || used != s.size() - 2 || v > 0xffffffffu)
        throw std::invalid_argument(fmt::format("bad checksum `{}`", s));
    return static_cast<std::uint32_t>(v);
}

} // namespace

nlohmann::json to_json(const session_index& index) {
    using nlohmann::json;
    json domains = json::array();
    totals session_totals;
    for (const auto& d : index.domains) {
        json channels = json::array();
        totals domain_totals;
        for (const auto& c : d.channels) {
            json facilities = json::array();
            for (const auto& f : c.facilities)
                facilities.push_back({{"name", f.name},
                                      {"layer", to_string(f.layer)},
                                      {"checksum", format_checksum(f.checksum)},
                                      {"base", f.base},
                                      {"events", f.events}});
            json cpus = json::array();
            totals channel_totals;
            for (const auto& s : c.cpus) {
                cpus.push_back({{"cpu", s.cpu},
                                {"file", s.file},
                                {"packets", s.packets},
                                {"bytes", s.bytes},
                                {"records", s.records},
                                {"events_discarded", s.events_discarded},
                                {"packets_lost", s.packets_lost},
                                {"first_tsc", s.first_tsc},
                                {"last_tsc", s.last_tsc}});
                channel_totals.add(s);
            }
            channels.push_back({{"name", c.name},
                                {"path", c.path},
                                {"mode", c.mode},
                                {"event_header", to_string(c.header)},
                                {"subbuf_size", c.subbuf_size},
                                {"subbuf_count", c.subbuf_count},
                                {"facilities", std::move(facilities)},
                                {"cpus", std::move(cpus)},
                                {"totals", channel_totals.json()}});
            domain_totals.add(channel_totals);
        }
        domains.push_back({{"name", d.name},
                           {"kind", domain_name(d.kind)},
                           {"xen_domid", d.xen_domid},
                           {"channels", std::move(channels)},
                           {"totals", domain_totals.json()}});
        if (!d.ended.empty())
            domains.back()["ended"] = d.ended;
        session_totals.add(domain_totals);
    }
    return {{"format", index_format},
            {"version", index_version},
            {"tracer", {{"name", "ltt-xen"}, {"version", LTT_VERSION_STRING}}},
            {"session",
             {{"name", index.name},
              {"mode", index.mode},
              {"created", index.created},
              {"hostname", index.hostname},
              {"tsc_hz", index.tsc_hz},
              {"clock_uuid", uuid_to_string(index.clock_uuid)}}},
            {"domains", std::move(domains)},
            {"totals", session_totals.json()}};
}

session_index index_from_json(const nlohmann::json& j) {
    try {
        if (j.at("format").get<std::string>() != index_format)
            throw std::invalid_argument("not an ltt-xen index (format is not ltt-xen-index)");
        if (j.at("version").get<int>() != index_version)
            throw std::invalid_argument(fmt::format("index version {} (this reader knows {})",
                                                    j.at("version").get<int>(), index_version));
        session_index index;
        const auto& s = j.at("session");
        index.name = s.at("name").get<std::string>();
        index.mode = s.at("mode").get<std::string>();
        index.created = s.at("created").get<std::string>();
        index.hostname = s.at("hostname").get<std::string>();
        index.tsc_hz = s.at("tsc_hz").get<std::uint64_t>();
        const auto clock = parse_uuid(s.at("clock_uuid").get<std::string>());
        if (!clock)
            throw std::invalid_argument("bad clock_uuid");
        index.clock_uuid = *clock;
        for (const auto& dj : j.at("domains")) {
            index_domain d;
            d.name = dj.at("name").get<std::string>();
            d.kind = domain_from(dj.at("kind").get<std::string>());
            d.xen_domid = dj.at("xen_domid").get<std::uint32_t>();
            if (dj.contains("ended"))
                d.ended = dj.at("ended").get<std::string>();
            for (const auto& cj : dj.at("channels")) {
                index_channel c;
                c.name = cj.at("name").get<std::string>();
                c.path = cj.at("path").get<std::string>();
                c.mode = cj.at("mode").get<std::string>();
                const auto header = cj.at("event_header").get<std::string>();
                if (header != "compact" && header != "large")
                    throw std::invalid_argument(fmt::format("unknown event_header `{}`", header));
                c.header =
                    header == "compact" ? event_header_kind::compact : event_header_kind::large;
                c.subbuf_size = cj.at("subbuf_size").get<std::uint64_t>();
                c.subbuf_count = cj.at("subbuf_count").get<std::uint64_t>();
                for (const auto& fj : cj.at("facilities"))
                    c.facilities.push_back({fj.at("name").get<std::string>(),
                                            layer_from(fj.at("layer").get<std::string>()),
                                            checksum_from(fj.at("checksum").get<std::string>()),
                                            fj.at("base").get<std::uint32_t>(),
                                            fj.at("events").get<std::uint32_t>()});
                for (const auto& sj : cj.at("cpus"))
                    c.cpus.push_back(
                        {sj.at("cpu").get<std::uint32_t>(), sj.at("file").get<std::string>(),
                         sj.at("packets").get<std::uint64_t>(), sj.at("bytes").get<std::uint64_t>(),
                         sj.at("records").get<std::uint64_t>(),
                         sj.at("events_discarded").get<std::uint64_t>(),
                         sj.at("packets_lost").get<std::uint64_t>(),
                         sj.at("first_tsc").get<std::uint64_t>(),
                         sj.at("last_tsc").get<std::uint64_t>()});
                d.channels.push_back(std::move(c));
            }
            index.domains.push_back(std::move(d));
        }
        return index;
    } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(fmt::format("malformed ltt-xen index: {}", e.what()));
    }
}

void write_index(const std::filesystem::path& root, const session_index& index) {
    detail::write_file_durably(root / "index.json", to_json(index).dump(2) + "\n");
}

session_index read_index(const std::filesystem::path& root) {
    const auto path = root / "index.json";
    try {
        return index_from_json(nlohmann::json::parse(detail::read_text_file(path)));
    } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(fmt::format("{}: {}", path.string(), e.what()));
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(fmt::format("{}: {}", path.string(), e.what()));
    }
}

} // namespace ltt
