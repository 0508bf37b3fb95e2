// lttd/protocol.hpp - the control protocol between ltt-ctl and lttd: one JSON
// object per line each way over a SOCK_STREAM unix socket.
//
//   request   {"cmd": "create", "name": "s1", "output": "/abs/dir",
//              "source": "dir:/abs/dir", "mode": "discard",
//              "subbuf_size": 4096, "subbufs": 4, "facilities": ["/abs"],
//              "flush_interval_ms": 1000}
//             {"cmd": "enable"|"disable", "name": "s1", "events": ["fac", ...]}
//             {"cmd": "start"|"stop"|"destroy"|"status", "name": "s1"}
//             {"cmd": "snapshot", "name": "s1", "output": "/abs/dir"}
//             {"cmd": "list"}
//   response  {"ok": true, "result": {...}} or {"ok": false, "error": "..."}
//
// Every request is validated completely before anything acts on it: unknown
// keys, wrong types, relative paths, bad names and sizes are errors naming
// the field.
#pragma once

#include <ltt/ring_mode.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lttd {

// A request (or response) that is not valid; the message says why.
class protocol_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Longest line either side accepts (a request naming many events fits).
inline constexpr std::size_t max_line_bytes = 1 << 20;
inline constexpr std::size_t max_events_per_request = 4096;
inline constexpr std::uint32_t min_flush_interval_ms = 1;
inline constexpr std::uint32_t max_flush_interval_ms = 3'600'000;
inline constexpr std::uint32_t max_snapshot_keep = 1'000'000;

struct create_request {
    std::string name;
    std::string output; // absolute
    // "dir:/abs/path", "xen", "kernel" or "kernel:/abs/path"; several record
    // into one session (one trace directory each, one clock). "ust" adds
    // the LTTng-UST traces that lttng writes under <output>/ust/ on the
    // session's clock (tools/lttng-clock-tsc). JSON: a string for one, an
    // array for several.
    std::vector<std::string> sources;
    std::optional<ltt::ring_mode> mode;
    std::optional<std::uint64_t> subbuf_size; // a power of two
    std::optional<std::uint32_t> subbufs;     // a power of two
    std::vector<std::string> facilities;      // absolute directories of ctf fragments
    std::optional<std::uint32_t> flush_interval_ms;
    // Snapshot retention: after a snapshot written under <output>, the
    // oldest <output>/snapshot-* directories are removed until at most
    // snapshot_keep remain and they hold at most snapshot_max_bytes (the one
    // just written is never removed). Unset: no limit.
    std::optional<std::uint32_t> snapshot_keep;
    std::optional<std::uint64_t> snapshot_max_bytes;
    // The guests source: at most this many bytes of trace written for one
    // guest in the session (a guest writes its buffers as fast as it likes,
    // valid packets included); past it the guest is no longer read. Unset:
    // 1 GiB.
    std::optional<std::uint64_t> guest_max_bytes;
};
struct enable_request {
    std::string name;
    std::vector<std::string> events;
};
struct disable_request {
    std::string name;
    std::vector<std::string> events;
};
struct start_request {
    std::string name;
};
struct stop_request {
    std::string name;
};
struct destroy_request {
    std::string name;
};
struct status_request {
    std::string name;
};
struct snapshot_request {
    std::string name;
    std::optional<std::string> output; // absolute
};
struct list_request {};

using request =
    std::variant<create_request, enable_request, disable_request, start_request, stop_request,
                 destroy_request, status_request, snapshot_request, list_request>;

// Session names: 1 to 64 of [A-Za-z0-9_.-], not starting with '.' or '-'.
bool valid_session_name(std::string_view name) noexcept;

// Parses and validates one request line; protocol_error otherwise.
request parse_request(std::string_view line);

// The request's JSON form (what ltt-ctl sends; parse_request() reads it back).
nlohmann::json to_json(const request& req);

// The command word of a request ("create", ...).
std::string_view command_of(const request& req) noexcept;

struct response {
    bool ok = false;
    nlohmann::json result; // when ok
    std::string error;     // when not
};

std::string make_ok_line(nlohmann::json result);
std::string make_error_line(std::string_view message);

// Parses a response line; protocol_error when it is not one.
response parse_response(std::string_view line);

} // namespace lttd
