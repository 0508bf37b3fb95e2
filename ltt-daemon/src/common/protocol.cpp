#include <lttd/protocol.hpp>

#include <lttd/guest_description.hpp>
#include <lttd/size_parse.hpp>

#include <ltt/ring_layout.h>

#include <fmt/format.h>

#include <set>

namespace lttd {

namespace {

constexpr std::size_t max_string_bytes = 4096;

[[noreturn]] void fail(std::string_view field, const std::string& problem) {
    throw protocol_error(fmt::format("{}: {}", field, problem));
}

// Reads the fields of one request object, remembering which were used so
// that unknown ones can be reported.
class fields {
public:
    explicit fields(const nlohmann::json& obj) : obj_(obj) {}

    const nlohmann::json* find(std::string_view key) {
        used_.insert(std::string(key));
        const auto it = obj_.find(key);
        return it == obj_.end() || it->is_null() ? nullptr : &*it;
    }

    std::string string(std::string_view key) {
        const auto* v = find(key);
        if (!v)
            fail(key, "missing");
        return as_string(*v, key);
    }

    std::optional<std::string> optional_string(std::string_view key) {
        const auto* v = find(key);
        if (!v)
            return std::nullopt;
        return as_string(*v, key);
    }

    std::optional<std::uint64_t> optional_uint(std::string_view key) {
        const auto* v = find(key);
        if (!v)
            return std::nullopt;
        if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<std::int64_t>() >= 0))
            fail(key, fmt::format("must be a non-negative integer, not {}", v->dump()));
        return v->get<std::uint64_t>();
    }

    std::vector<std::string> string_list(std::string_view key, bool required) {
        const auto* v = find(key);
        if (!v) {
            if (required)
                fail(key, "missing");
            return {};
        }
        if (!v->is_array())
            fail(key, "must be an array of strings");
        if (v->size() > max_events_per_request)
            fail(key, fmt::format("{} items, more than {}", v->size(), max_events_per_request));
        std::vector<std::string> out;
        for (const auto& item : *v)
            out.push_back(as_string(item, key));
        return out;
    }

    void reject_unknown() const {
        for (const auto& [key, value] : obj_.items())
            if (!used_.contains(key))
                fail(key, "unknown field");
    }

private:
    static std::string as_string(const nlohmann::json& v, std::string_view key) {
        if (!v.is_string())
            fail(key, fmt::format("must be a string, not {}", v.dump()));
        auto s = v.get<std::string>();
        if (s.size() > max_string_bytes)
            fail(key, fmt::format("longer than {} bytes", max_string_bytes));
        if (s.find('\0') != std::string::npos)
            fail(key, "contains a NUL byte");
        return s;
    }

    const nlohmann::json& obj_;
    std::set<std::string, std::less<>> used_{"cmd"};
};

std::string session_name(fields& f) {
    auto name = f.string("name");
    if (!valid_session_name(name))
        fail("name", fmt::format("`{}` is not a session name (1 to 64 of A-Z a-z 0-9 _ . -, not "
                                 "starting with . or -)",
                                 name));
    return name;
}

std::string absolute_path(std::string path, std::string_view key) {
    if (path.empty() || path[0] != '/')
        fail(key, fmt::format("`{}` is not an absolute path", path));
    return path;
}

void check_source(const std::string& source) {
    if (source == "xen" || source == "kernel" || source == "ust")
        return;
    if (source.starts_with("dir:")) {
        absolute_path(source.substr(4), "source");
        return;
    }
    if (source.starts_with("kernel:")) {
        absolute_path(source.substr(7), "source");
        return;
    }
    if (source == "guests" || source.starts_with("guests:")) {
        try {
            parse_guests_spec(source);
        } catch (const std::invalid_argument& e) {
            fail("source", e.what());
        }
        return;
    }
    fail("source", fmt::format("`{}` is not `dir:/absolute/path`, `xen`, `kernel`, "
                               "`kernel:/absolute/path`, `guests`, `guests:ID,ID...` or `ust`",
                               source));
}

// "source": one string, or an array of them (several sources, one session).
constexpr std::size_t max_sources = 16;

std::vector<std::string> source_list(fields& f) {
    const auto* v = f.find("source");
    if (!v)
        fail("source", "missing");
    std::vector<std::string> sources;
    if (v->is_array()) {
        if (v->empty() || v->size() > max_sources)
            fail("source", fmt::format("name 1 to {} sources, not {}", max_sources, v->size()));
        sources = f.string_list("source", true);
    } else {
        sources.push_back(f.string("source"));
    }
    for (std::size_t i = 0; i < sources.size(); i++) {
        check_source(sources[i]);
        for (std::size_t k = 0; k < i; k++)
            if (sources[k] == sources[i])
                fail("source", fmt::format("`{}` named twice", sources[i]));
    }
    return sources;
}

std::vector<std::string> event_list(fields& f) {
    auto events = f.string_list("events", true);
    if (events.empty())
        fail("events", "name at least one event or facility");
    for (const auto& e : events)
        if (e.empty())
            fail("events", "empty event name");
    return events;
}

create_request parse_create(fields& f) {
    create_request r;
    r.name = session_name(f);
    r.output = absolute_path(f.string("output"), "output");
    r.sources = source_list(f);
    if (const auto mode = f.optional_string("mode")) {
        r.mode = ltt::parse_ring_mode(*mode);
        if (!r.mode)
            fail("mode", fmt::format("`{}` is not discard or overwrite", *mode));
    }
    if ((r.subbuf_size = f.optional_uint("subbuf_size"))) {
        const auto order = log2_exact(*r.subbuf_size);
        if (!order || *order < LTT_SUBBUF_ORDER_MIN || *order > LTT_SUBBUF_ORDER_MAX)
            fail("subbuf_size",
                 fmt::format("{} is not a power of two from {} to {}", *r.subbuf_size,
                             1u << LTT_SUBBUF_ORDER_MIN, 1u << LTT_SUBBUF_ORDER_MAX));
    }
    if (const auto n = f.optional_uint("subbufs")) {
        const auto order = log2_exact(*n);
        if (!order || *order < LTT_NR_SUBBUFS_ORDER_MIN || *order > LTT_NR_SUBBUFS_ORDER_MAX)
            fail("subbufs",
                 fmt::format("{} is not a power of two from {} to {}", *n,
                             1u << LTT_NR_SUBBUFS_ORDER_MIN, 1u << LTT_NR_SUBBUFS_ORDER_MAX));
        r.subbufs = static_cast<std::uint32_t>(*n);
    }
    for (auto& dir : f.string_list("facilities", false))
        r.facilities.push_back(absolute_path(std::move(dir), "facilities"));
    if (const auto ms = f.optional_uint("flush_interval_ms")) {
        if (*ms < min_flush_interval_ms || *ms > max_flush_interval_ms)
            fail("flush_interval_ms", fmt::format("{} is outside [{}, {}]", *ms,
                                                  min_flush_interval_ms, max_flush_interval_ms));
        r.flush_interval_ms = static_cast<std::uint32_t>(*ms);
    }
    if (const auto n = f.optional_uint("snapshot_keep")) {
        if (*n < 1 || *n > max_snapshot_keep)
            fail("snapshot_keep", fmt::format("{} is outside [1, {}]", *n, max_snapshot_keep));
        r.snapshot_keep = static_cast<std::uint32_t>(*n);
    }
    if ((r.snapshot_max_bytes = f.optional_uint("snapshot_max_bytes")) &&
        *r.snapshot_max_bytes == 0)
        fail("snapshot_max_bytes", "0 would remove every snapshot but the last: leave it unset "
                                   "or use snapshot_keep 1");
    if ((r.guest_max_bytes = f.optional_uint("guest_max_bytes")) && *r.guest_max_bytes == 0)
        fail("guest_max_bytes", "0 would stop reading every guest at its first packet");
    return r;
}

template <class... Ts> struct overloaded : Ts... { using Ts::operator()...; };
// clang 14 (the fuzzer's compiler) has no aggregate deduction for it.
template <class... Ts> overloaded(Ts...) -> overloaded<Ts...>;

} // namespace

bool valid_session_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > 64 || name[0] == '.' || name[0] == '-')
        return false;
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

request parse_request(std::string_view line) {
    if (line.size() > max_line_bytes)
        throw protocol_error(fmt::format("request longer than {} bytes", max_line_bytes));
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
        throw protocol_error(fmt::format("request is not valid JSON: {}", e.what()));
    }
    if (!j.is_object())
        throw protocol_error("request is not a JSON object");
    const auto it = j.find("cmd");
    if (it == j.end() || !it->is_string())
        throw protocol_error("cmd: missing or not a string");
    const std::string cmd = it->get<std::string>();
    fields f(j);
    request r;
    if (cmd == "create")
        r = parse_create(f);
    else if (cmd == "enable")
        r = enable_request{session_name(f), event_list(f)};
    else if (cmd == "disable")
        r = disable_request{session_name(f), event_list(f)};
    else if (cmd == "start")
        r = start_request{session_name(f)};
    else if (cmd == "stop")
        r = stop_request{session_name(f)};
    else if (cmd == "destroy")
        r = destroy_request{session_name(f)};
    else if (cmd == "status")
        r = status_request{session_name(f)};
    else if (cmd == "snapshot") {
        snapshot_request s{session_name(f), f.optional_string("output")};
        if (s.output)
            absolute_path(*s.output, "output");
        r = std::move(s);
    } else if (cmd == "list")
        r = list_request{};
    else
        throw protocol_error(fmt::format(
            "cmd: unknown command `{}` (create, enable, disable, start, stop, snapshot, "
            "status, destroy, list)",
            cmd.size() > 64 ? cmd.substr(0, 64) + "..." : cmd));
    f.reject_unknown();
    return r;
}

std::string_view command_of(const request& req) noexcept {
    return std::visit(overloaded{
                          [](const create_request&) { return std::string_view("create"); },
                          [](const enable_request&) { return std::string_view("enable"); },
                          [](const disable_request&) { return std::string_view("disable"); },
                          [](const start_request&) { return std::string_view("start"); },
                          [](const stop_request&) { return std::string_view("stop"); },
                          [](const destroy_request&) { return std::string_view("destroy"); },
                          [](const status_request&) { return std::string_view("status"); },
                          [](const snapshot_request&) { return std::string_view("snapshot"); },
                          [](const list_request&) { return std::string_view("list"); },
                      },
                      req);
}

nlohmann::json to_json(const request& req) {
    nlohmann::json j{{"cmd", command_of(req)}};
    std::visit(overloaded{
                   [&](const create_request& r) {
                       j["name"] = r.name;
                       j["output"] = r.output;
                       if (r.sources.size() == 1)
                           j["source"] = r.sources.front();
                       else
                           j["source"] = r.sources;
                       if (r.mode)
                           j["mode"] = to_string(*r.mode);
                       if (r.subbuf_size)
                           j["subbuf_size"] = *r.subbuf_size;
                       if (r.subbufs)
                           j["subbufs"] = *r.subbufs;
                       if (!r.facilities.empty())
                           j["facilities"] = r.facilities;
                       if (r.flush_interval_ms)
                           j["flush_interval_ms"] = *r.flush_interval_ms;
                       if (r.snapshot_keep)
                           j["snapshot_keep"] = *r.snapshot_keep;
                       if (r.snapshot_max_bytes)
                           j["snapshot_max_bytes"] = *r.snapshot_max_bytes;
                       if (r.guest_max_bytes)
                           j["guest_max_bytes"] = *r.guest_max_bytes;
                   },
                   [&](const enable_request& r) {
                       j["name"] = r.name;
                       j["events"] = r.events;
                   },
                   [&](const disable_request& r) {
                       j["name"] = r.name;
                       j["events"] = r.events;
                   },
                   [&](const start_request& r) { j["name"] = r.name; },
                   [&](const stop_request& r) { j["name"] = r.name; },
                   [&](const destroy_request& r) { j["name"] = r.name; },
                   [&](const status_request& r) { j["name"] = r.name; },
                   [&](const snapshot_request& r) {
                       j["name"] = r.name;
                       if (r.output)
                           j["output"] = *r.output;
                   },
                   [&](const list_request&) {},
               },
               req);
    return j;
}

std::string make_ok_line(nlohmann::json result) {
    nlohmann::json j{{"ok", true}, {"result", std::move(result)}};
    // Replace invalid UTF-8 (a file name, say) rather than throw.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string make_error_line(std::string_view message) {
    nlohmann::json j{{"ok", false}, {"error", std::string(message)}};
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

response parse_response(std::string_view line) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
        throw protocol_error(fmt::format("response is not valid JSON: {}", e.what()));
    }
    if (!j.is_object() || !j.contains("ok") || !j["ok"].is_boolean())
        throw protocol_error("response is not an object with a boolean `ok`");
    response r;
    r.ok = j["ok"].get<bool>();
    if (r.ok) {
        r.result = j.value("result", nlohmann::json::object());
    } else {
        if (!j.contains("error") || !j["error"].is_string())
            throw protocol_error("error response without an `error` string");
        r.error = j["error"].get<std::string>();
    }
    return r;
}

} // namespace lttd
