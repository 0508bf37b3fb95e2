#include <lttd/channel_file.hpp>

#include <lttd/size_parse.hpp>
#include <lttd/unique_fd.hpp>

#include <ltt/facility_fragment.hpp>
#include <ltt/ring_layout.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace lttd {

namespace {

constexpr std::string_view format_name = "ltt-xen-channel";
constexpr int format_version = 1;

[[noreturn]] void fail(std::string_view field, const std::string& problem) {
    throw channel_error(fmt::format("{}: {}", field, problem));
}

// Channel names: [a-z0-9][a-z0-9_-]*; facility names (genevent
// identifiers): [a-z][a-z0-9_]*.
bool is_name(std::string_view s, std::size_t max, bool channel_name) {
    if (s.empty() || s.size() > max)
        return false;
    for (std::size_t i = 0; i < s.size(); i++) {
        const char c = s[i];
        const bool lower = c >= 'a' && c <= 'z', digit = c >= '0' && c <= '9';
        const bool ok = i == 0 ? lower || (channel_name && digit)
                               : lower || digit || c == '_' || (channel_name && c == '-');
        if (!ok)
            return false;
    }
    return true;
}

const nlohmann::json& member(const nlohmann::json& obj, std::string_view key,
                             std::string_view where) {
    const auto it = obj.find(key);
    if (it == obj.end())
        fail(where.empty() ? key : where,
             where.empty() ? "missing" : fmt::format("`{}` missing", key));
    return *it;
}

std::string get_string(const nlohmann::json& obj, std::string_view key) {
    const auto& v = member(obj, key, {});
    if (!v.is_string())
        fail(key, fmt::format("must be a string, not {}", v.dump()));
    return v.get<std::string>();
}

// Integers only (no floats, no booleans), within [lo, hi].
std::uint64_t get_uint(const nlohmann::json& v, std::string_view field, std::uint64_t lo,
                       std::uint64_t hi) {
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
        fail(field, fmt::format("must be a non-negative integer, not {}", v.dump()));
    const auto n = v.get<std::uint64_t>();
    if (n < lo || n > hi)
        fail(field, fmt::format("{} is outside [{}, {}]", n, lo, hi));
    return n;
}

ltt::layer domain_from(const std::string& s) {
    if (s == "ust")
        return ltt::layer::ust;
    if (s == "kernel")
        return ltt::layer::kernel;
    fail("domain", fmt::format("`{}` is not \"ust\" or \"kernel\"", s));
}

ltt::layer layer_from(const std::string& s, std::string_view field) {
    if (const auto l = ltt::parse_layer(s))
        return *l;
    fail(field, fmt::format("unknown layer `{}`", s));
}

std::uint32_t checksum_from(const std::string& s, std::string_view field) {
    if (s.size() != 10 || !s.starts_with("0x"))
        fail(field, fmt::format("`{}` is not 0x followed by 8 hex digits", s));
    std::uint32_t v = 0;
    for (std::size_t i = 2; i < s.size(); i++) {
        const char c = s[i];
        unsigned d = 0;
        if (c >= '0' && c <= '9')
            d = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = static_cast<unsigned>(c - 'A' + 10);
        else
            fail(field, fmt::format("`{}` is not 0x followed by 8 hex digits", s));
        v = v << 4 | d;
    }
    return v;
}

void check_keys(const nlohmann::json& obj, const std::set<std::string, std::less<>>& allowed,
                std::string_view where) {
    for (const auto& [key, value] : obj.items())
        if (!allowed.contains(key))
            fail(where.empty() ? std::string_view(key) : where,
                 where.empty() ? "unknown key" : fmt::format("unknown key `{}`", key));
}

} // namespace

std::uint32_t channel_file::nr_subbufs_order() const noexcept {
    return log2_exact(subbuf_count).value_or(0);
}

std::uint64_t channel_file::event_count() const noexcept {
    std::uint64_t n = 0;
    for (const auto& f : facilities)
        n += f.events;
    return n;
}

nlohmann::json to_json(const channel_file& c) {
    nlohmann::json facilities = nlohmann::json::array();
    for (const auto& f : c.facilities)
        facilities.push_back({{"name", f.name},
                              {"layer", ltt::to_string(f.layer)},
                              {"checksum", ltt::format_checksum(f.checksum)},
                              {"base", f.base},
                              {"events", f.events}});
    return {{"format", format_name},
            {"version", format_version},
            {"name", c.name},
            {"domain", ltt::domain_name(c.domain)},
            {"xen_domid", c.xen_domid},
            {"pid", c.pid},
            {"tsc_hz", c.tsc_hz},
            {"uuid", ltt::uuid_to_string(c.uuid)},
            {"mode", to_string(c.mode)},
            {"header", ltt::to_string(c.header)},
            {"subbuf_order", c.subbuf_order},
            {"subbuf_count", c.subbuf_count},
            {"facilities", std::move(facilities)}};
}

channel_file channel_from_json(const nlohmann::json& j) {
    if (!j.is_object())
        throw channel_error("not a JSON object");
    check_keys(j,
               {"format", "version", "name", "domain", "xen_domid", "pid", "tsc_hz", "uuid", "mode",
                "header", "subbuf_order", "subbuf_count", "facilities"},
               {});
    if (get_string(j, "format") != format_name)
        fail("format", fmt::format("is not \"{}\"", format_name));
    if (get_uint(member(j, "version", {}), "version", 0, 1000) != format_version)
        fail("version", fmt::format("{} is not {}, the version this lttd reads",
                                    member(j, "version", {}).dump(), format_version));

    channel_file c;
    c.name = get_string(j, "name");
    if (!is_name(c.name, 64, true))
        fail("name", fmt::format("`{}` is not 1 to 64 of [a-z0-9_-] starting with a letter or "
                                 "digit",
                                 c.name));
    c.domain = domain_from(get_string(j, "domain"));
    if (j.contains("xen_domid"))
        c.xen_domid = static_cast<std::uint32_t>(get_uint(j["xen_domid"], "xen_domid", 0, 0x7fef));
    if (c.domain == ltt::layer::ust && c.xen_domid != 0)
        fail("xen_domid", "only kernel channels name a Xen domain");
    c.pid = static_cast<std::int64_t>(get_uint(member(j, "pid", {}), "pid", 1, 0x7fffffff));
    c.tsc_hz = get_uint(member(j, "tsc_hz", {}), "tsc_hz", 1000, 1'000'000'000'000ull);
    const std::string uuid_text = get_string(j, "uuid");
    const auto uuid = ltt::parse_uuid(uuid_text);
    if (!uuid)
        fail("uuid", fmt::format("`{}` is not a uuid (8-4-4-4-12 hex digits)", uuid_text));
    c.uuid = *uuid;
    const std::string mode = get_string(j, "mode");
    const auto m = ltt::parse_ring_mode(mode);
    if (!m)
        fail("mode", fmt::format("`{}` is not \"discard\" or \"overwrite\"", mode));
    c.mode = *m;
    const std::string header = get_string(j, "header");
    if (header != "compact" && header != "large")
        fail("header", fmt::format("`{}` is not \"compact\" or \"large\"", header));
    c.header =
        header == "compact" ? ltt::event_header_kind::compact : ltt::event_header_kind::large;
    c.subbuf_order = static_cast<std::uint32_t>(get_uint(
        member(j, "subbuf_order", {}), "subbuf_order", LTT_SUBBUF_ORDER_MIN, LTT_SUBBUF_ORDER_MAX));
    c.subbuf_count = static_cast<std::uint32_t>(
        get_uint(member(j, "subbuf_count", {}), "subbuf_count", 1u << LTT_NR_SUBBUFS_ORDER_MIN,
                 1u << LTT_NR_SUBBUFS_ORDER_MAX));
    if (!log2_exact(c.subbuf_count))
        fail("subbuf_count", fmt::format("{} is not a power of two", c.subbuf_count));

    const auto& facilities = member(j, "facilities", {});
    if (!facilities.is_array() || facilities.empty())
        fail("facilities", "must be a non-empty array");
    if (facilities.size() > 1024)
        fail("facilities", fmt::format("{} facilities, more than 1024", facilities.size()));
    std::uint64_t next_base = 0;
    std::set<std::string, std::less<>> names;
    for (std::size_t i = 0; i < facilities.size(); i++) {
        const auto& f = facilities[i];
        const std::string where = fmt::format("facilities[{}]", i);
        if (!f.is_object())
            fail(where, "must be an object");
        check_keys(f, {"name", "layer", "checksum", "base", "events"}, where);
        const auto field = [&](std::string_view key) {
            const auto it = f.find(key);
            if (it == f.end())
                fail(where, fmt::format("`{}` missing", key));
            return *it;
        };
        const auto string_field = [&](std::string_view key) {
            const auto v = field(key);
            if (!v.is_string())
                fail(fmt::format("{}.{}", where, key), "must be a string");
            return v.get<std::string>();
        };
        ltt::facility_slot slot;
        slot.name = string_field("name");
        if (!is_name(slot.name, 48, false))
            fail(where + ".name", fmt::format("`{}` is not a facility name", slot.name));
        if (!names.insert(slot.name).second)
            fail(where + ".name", fmt::format("facility `{}` is listed twice", slot.name));
        slot.layer = layer_from(string_field("layer"), where + ".layer");
        if (slot.layer != c.domain)
            fail(where + ".layer",
                 fmt::format("facility `{}` has layer {}, but a {} channel carries {} facilities",
                             slot.name, ltt::to_string(slot.layer), ltt::domain_name(c.domain),
                             ltt::to_string(c.domain)));
        slot.checksum = checksum_from(string_field("checksum"), where + ".checksum");
        slot.base =
            static_cast<std::uint32_t>(get_uint(field("base"), where + ".base", 0, 0xffffffffu));
        slot.events = static_cast<std::uint32_t>(
            get_uint(field("events"), where + ".events", 1, LTT_USER_MAX_EVENTS));
        if (slot.base != next_base)
            fail(where + ".base",
                 fmt::format("{} but the facilities before it have {} events (bases follow the "
                             "channel order from 0)",
                             slot.base, next_base));
        next_base += slot.events;
        c.facilities.push_back(std::move(slot));
    }
    if (next_base > LTT_USER_MAX_EVENTS)
        fail("facilities", fmt::format("{} events in all, more than the {} event ids a channel has",
                                       next_base, LTT_USER_MAX_EVENTS));
    if (ltt::header_kind_for(next_base) != c.header)
        fail("header", fmt::format("\"{}\" but a channel of {} events uses \"{}\"", header,
                                   next_base, ltt::to_string(ltt::header_kind_for(next_base))));
    return c;
}

channel_file parse_channel_text(std::string_view text, std::string_view source) {
    try {
        return channel_from_json(nlohmann::json::parse(text));
    } catch (const nlohmann::json::exception& e) {
        throw channel_error(fmt::format("{}: not valid JSON: {}", source, e.what()));
    } catch (const channel_error& e) {
        throw channel_error(fmt::format("{}: {}", source, e.what()));
    }
}

channel_file read_channel_file(const std::filesystem::path& path) {
    const std::string name = path.string();
    unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (!fd)
        throw channel_error(fmt::format("{}: {}", name, std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        throw channel_error(fmt::format("{}: {}", name, std::strerror(errno)));
    if (!S_ISREG(st.st_mode))
        throw channel_error(fmt::format("{}: not a regular file", name));
    if (static_cast<std::uint64_t>(st.st_size) > channel_file_max_bytes)
        throw channel_error(fmt::format("{}: {} bytes, larger than the {} a channel file may have",
                                        name, st.st_size, channel_file_max_bytes));
    std::string text(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::read(fd.get(), text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw channel_error(fmt::format("{}: {}", name, std::strerror(errno)));
        if (n == 0)
            break;
        done += static_cast<std::size_t>(n);
    }
    text.resize(done);
    return parse_channel_text(text, name);
}

void write_channel_file(const std::filesystem::path& path, const channel_file& channel) {
    const std::string text = to_json(channel).dump(2) + "\n";
    const std::filesystem::path tmp =
        path.parent_path() / fmt::format(".{}.tmp", path.filename().string());
    const auto fail_io = [&](const std::filesystem::path& p, std::string_view what) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw std::system_error(err, std::generic_category(),
                                fmt::format("{}: {}", p.string(), what));
    };
    unique_fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd)
        fail_io(tmp, "create");
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            fail_io(tmp, "write");
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0)
        fail_io(tmp, "fsync");
    fd.reset();
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        fail_io(path, "rename into place");
}

} // namespace lttd
