#include <ltt/errors.hpp>
#include <ltt/metadata_info.hpp>

#include "text_file.hpp"

#include <fmt/format.h>

#include <charconv>
#include <map>

namespace ltt {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

template <typename T> std::optional<T> number(std::string_view s, int base = 10) {
    T v{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty())
        return std::nullopt;
    return v;
}

// `"text"` -> text (the writer escapes only `"` and `\`).
std::optional<std::string> unquote(std::string_view s) {
    if (s.size() < 2 || s.front() != '"' || s.back() != '"')
        return std::nullopt;
    std::string out;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
        if (s[i] == '\\' && i + 2 < s.size())
            ++i;
        out += s[i];
    }
    return out;
}

class parser {
public:
    parser(std::string_view text, std::string source) : text_(text), source_(std::move(source)) {}

    metadata_info run() {
        metadata_info info;
        std::string_view block;
        bool have_header = false, have_trace_uuid = false, have_clock = false;
        std::size_t lineno = 0;
        std::string_view rest = text_;
        while (!rest.empty()) {
            const auto nl = rest.find('\n');
            const std::string_view raw = rest.substr(0, nl);
            rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
            ++lineno;
            line_ = lineno;
            const std::string_view line = trim(raw);
            if (lineno == 1) {
                if (line != "/* CTF 1.8 */")
                    fail("not plain-text CTF 1.8 metadata (no `/* CTF 1.8 */` first line)");
                continue;
            }
            if (line.starts_with("/* ltt-facility: ")) {
                info.facilities.push_back(facility(line));
                continue;
            }
            if (line == "trace {" || line == "env {" || line == "clock {" || line == "stream {") {
                block = line.substr(0, line.size() - 2);
                continue;
            }
            if (line == "};") {
                block = {};
                continue;
            }
            if (block == "stream" && line.starts_with("event.header := ")) {
                const std::string_view value = line.substr(16, line.size() - 17);
                if (value == "struct event_header_compact")
                    info.header = event_header_kind::compact;
                else if (value == "struct event_header_large")
                    info.header = event_header_kind::large;
                else
                    fail(fmt::format("unknown event header `{}`", value));
                have_header = true;
                continue;
            }
            const auto eq = line.find(" = ");
            if (block.empty() || eq == std::string_view::npos || !line.ends_with(';'))
                continue;
            const std::string_view key = line.substr(0, eq);
            const std::string_view value = line.substr(eq + 3, line.size() - eq - 4);
            if (block == "trace" && key == "uuid") {
                info.trace_uuid = uuid_value(value);
                have_trace_uuid = true;
            } else if (block == "env") {
                env_[std::string(key)] = std::string(value);
            } else if (block == "clock") {
                have_clock = true;
                if (key == "uuid")
                    info.clock_uuid = uuid_value(value);
                else if (key == "freq")
                    info.tsc_hz = integer<std::uint64_t>(value, "freq");
                else if (key == "offset_s")
                    info.offset.seconds = integer<std::int64_t>(value, "offset_s");
                else if (key == "offset")
                    info.offset.cycles = integer<std::uint64_t>(value, "offset");
            }
        }
        line_ = 1;
        if (env("tracer_name") != "ltt-xen")
            fail("not an ltt-xen trace (env tracer_name is not \"ltt-xen\")");
        if (!have_trace_uuid || !have_clock || !have_header)
            fail("trace uuid, clock or stream event header missing");
        const std::string domain = env("domain");
        if (const auto l = layer_from_domain_name(domain))
            info.domain = *l;
        else
            fail(fmt::format("unknown env domain `{}`", domain));
        info.xen_domid = integer<std::uint32_t>(env_raw("xen_domid"), "xen_domid");
        info.hostname = env("hostname");
        if (env_.contains("guest_tsc_ratio"))
            info.guest_tsc = guest_tsc_params{
                integer<std::uint64_t>(env_raw("guest_tsc_ratio"), "guest_tsc_ratio"),
                integer<std::uint32_t>(env_raw("guest_tsc_frac_bits"), "guest_tsc_frac_bits"),
                integer<std::int64_t>(env_raw("guest_tsc_offset"), "guest_tsc_offset")};
        std::uint64_t next_base = 0;
        for (const auto& f : info.facilities) {
            if (f.base != next_base)
                fail(fmt::format("facility `{}` has base {}, expected {}", f.name, f.base,
                                 next_base));
            next_base += f.events;
        }
        return info;
    }

private:
    [[noreturn]] void fail(const std::string& why) const { throw parse_error(source_, line_, why); }

    template <typename T> T integer(std::string_view s, std::string_view what) const {
        const auto v = number<T>(s);
        if (!v)
            fail(fmt::format("bad {} `{}`", what, s));
        return *v;
    }

    ltt::uuid uuid_value(std::string_view s) const {
        const auto q = unquote(s);
        const auto u = q ? parse_uuid(*q) : std::nullopt;
        if (!u)
            fail(fmt::format("bad uuid {}", s));
        return *u;
    }

    const std::string& env_raw(const std::string& key) const {
        const auto it = env_.find(key);
        if (it == env_.end())
            fail(fmt::format("env has no `{}`", key));
        return it->second;
    }

    std::string env(const std::string& key) const {
        const auto q = unquote(env_raw(key));
        if (!q)
            fail(fmt::format("env `{}` is not a string", key));
        return *q;
    }

    facility_slot facility(std::string_view line) const {
        std::string_view body = line.substr(17);
        if (!body.ends_with(" */"))
            fail("malformed ltt-facility comment");
        body.remove_suffix(3);
        std::map<std::string_view, std::string_view> kv;
        while (!body.empty()) {
            const auto sp = body.find(' ');
            const std::string_view item = body.substr(0, sp);
            body = sp == std::string_view::npos ? std::string_view{} : body.substr(sp + 1);
            const auto eq = item.find('=');
            if (eq != std::string_view::npos)
                kv[item.substr(0, eq)] = item.substr(eq + 1);
        }
        const auto get = [&](std::string_view key) {
            const auto it = kv.find(key);
            if (it == kv.end())
                fail(fmt::format("ltt-facility comment without {}=", key));
            return it->second;
        };
        facility_slot f;
        f.name = std::string(get("name"));
        const std::string_view layer = get("layer");
        if (const auto l = parse_layer(layer))
            f.layer = *l;
        else
            fail(fmt::format("unknown layer `{}`", layer));
        const std::string_view sum = get("checksum");
        const auto checksum =
            sum.starts_with("0x") ? number<std::uint32_t>(sum.substr(2), 16) : std::nullopt;
        if (!checksum)
            fail(fmt::format("bad checksum `{}`", sum));
        f.checksum = *checksum;
        f.events = integer<std::uint32_t>(get("events"), "events");
        f.base = integer<std::uint32_t>(get("base"), "base");
        return f;
    }

    std::string_view text_;
    std::string source_;
    std::size_t line_ = 0;
    std::map<std::string, std::string> env_;
};

} // namespace

const facility_slot* metadata_info::facility_of(std::uint32_t id) const noexcept {
    for (const auto& f : facilities)
        if (id >= f.base && id - f.base < f.events)
            return &f;
    return nullptr;
}

metadata_info parse_metadata_info(std::string_view text, std::string source) {
    return parser(text, std::move(source)).run();
}

metadata_info read_metadata_info(const std::filesystem::path& trace_dir) {
    const auto path = trace_dir / "metadata";
    return parse_metadata_info(detail::read_text_file(path), path.string());
}

} // namespace ltt
