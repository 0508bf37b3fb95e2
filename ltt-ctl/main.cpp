// ltt-ctl: controls lttd's recording sessions (create, enable, disable,
// start, stop, snapshot, status, destroy, list) over its control socket.
//
// Exit status: 0 done; 1 lttd refused the command (its message on stderr);
// 2 the command line is wrong; 3 lttd could not be reached (documented in
// ltt-ctl(1), ltt-ctl/ltt-ctl.h2m).
#include "client.hpp"
#include "status_text.hpp"

#include <lttd/protocol.hpp>
#include <lttd/size_parse.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

namespace {

constexpr const char* default_socket = "/run/ltt-xen/lttd.sock";

std::string absolute(const std::string& p) {
    return std::filesystem::absolute(p).lexically_normal().string();
}

// "dir:PATH" and a bare directory path both mean the directory source.
std::string source_spec(const std::string& s) {
    if (s.starts_with("dir:"))
        return "dir:" + absolute(s.substr(4));
    if (s.starts_with("kernel:"))
        return "kernel:" + absolute(s.substr(7));
    if (s == "xen" || s == "kernel" || s == "ust" || s == "guests" ||
        s.find(':') != std::string::npos)
        return s;
    return "dir:" + absolute(s);
}

} // namespace

int main(int argc, char** argv) {
    std::string socket = default_socket;
    if (const char* env = std::getenv("LTT_SOCKET"); env && *env)
        socket = env;
    double timeout_s = 150;
    bool json = false;

    CLI::App app{"ltt-ctl: control lttd's recording sessions"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("ltt-ctl ") + LTT_VERSION_STRING);
    app.add_option("--socket", socket, "lttd's control socket (env LTT_SOCKET)")
        ->capture_default_str();
    app.add_option("--timeout", timeout_s, "seconds to wait for lttd's answer")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();

    std::string name, output, mode, subbuf_size, snapshot_output, snapshot_max_size, guest_max_size;
    std::uint32_t subbufs = 0, flush_ms = 0, snapshot_keep = 0;
    std::vector<std::string> facilities, events, sources;

    auto* create = app.add_subcommand("create", "create a session (stopped) for a source");
    create->add_option("NAME", name, "session name")->required();
    create->add_option("--output", output, "directory the trace (or snapshots) go to")->required();
    create
        ->add_option("--source", sources,
                     "dir:PATH (a directory of per-CPU buffer files; a bare path works too), "
                     "xen (the hypervisor), kernel (this kernel's ltt-guest.ko), "
                     "kernel:PATH, guests (every domU's ltt-guest.ko, found in xenstore) or "
                     "guests:ID,ID... (only those domains); repeat it to record several into "
                     "one session")
        ->required();
    create->add_option("--mode", mode, "discard or overwrite (flight recorder)")
        ->check(CLI::IsMember({"discard", "overwrite"}));
    create->add_option("--subbuf-size", subbuf_size, "sub-buffer size, e.g. 4096, 64k, 1M");
    create->add_option("--subbufs", subbufs, "sub-buffers per CPU (a power of two)");
    create->add_option("--facilities", facilities,
                       "directory of genevent ctf fragments (repeatable; default: lttd's)");
    create->add_option("--flush-interval", flush_ms,
                       "ms between flushes of slow CPUs' partly filled sub-buffers");
    create->add_option("--snapshot-keep", snapshot_keep,
                       "keep at most N snapshots under the output (oldest removed first)");
    create->add_option("--snapshot-max-size", snapshot_max_size,
                       "keep at most SIZE bytes of snapshots under the output (e.g. 512M)");
    create->add_option("--guest-max-size", guest_max_size,
                       "stop reading a guest (the guests source) once SIZE bytes of its trace "
                       "are written (default 1G)");

    auto* enable = app.add_subcommand("enable", "enable events (EVENT, FACILITY:EVENT, "
                                                "FACILITY, or '*')");
    enable->add_option("NAME", name)->required();
    enable->add_option("EVENTS", events)->required();
    auto* disable = app.add_subcommand("disable", "disable events");
    disable->add_option("NAME", name)->required();
    disable->add_option("EVENTS", events)->required();

    auto* start = app.add_subcommand("start", "start recording");
    start->add_option("NAME", name)->required();
    auto* stop = app.add_subcommand("stop", "stop recording: every committed record is written");
    stop->add_option("NAME", name)->required();
    auto* destroy = app.add_subcommand("destroy", "stop if needed and forget the session");
    destroy->add_option("NAME", name)->required();
    auto* snapshot =
        app.add_subcommand("snapshot", "write what an overwrite session's buffers hold now");
    snapshot->add_option("NAME", name)->required();
    snapshot->add_option("--output", snapshot_output,
                         "directory (default: <session output>/snapshot-<n>-<time>)");
    auto* status = app.add_subcommand("status", "per CPU: fill level, records, losses, bytes");
    status->add_option("NAME", name)->required();
    status->add_flag("--json", json, "print the raw JSON");
    auto* list = app.add_subcommand("list", "the sessions");
    list->add_flag("--json", json, "print the raw JSON");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }

    lttd::request req;
    try {
        if (create->parsed()) {
            lttd::create_request r;
            r.name = name;
            r.output = absolute(output);
            for (const auto& src : sources)
                r.sources.push_back(source_spec(src));
            if (!mode.empty())
                r.mode = ltt::parse_ring_mode(mode);
            if (!subbuf_size.empty()) {
                r.subbuf_size = lttd::parse_size(subbuf_size);
                if (!r.subbuf_size)
                    throw CLI::ValidationError("--subbuf-size",
                                               fmt::format("`{}` is not a size", subbuf_size));
            }
            if (create->count("--subbufs"))
                r.subbufs = subbufs;
            for (const auto& f : facilities)
                r.facilities.push_back(absolute(f));
            if (create->count("--flush-interval"))
                r.flush_interval_ms = flush_ms;
            if (create->count("--snapshot-keep"))
                r.snapshot_keep = snapshot_keep;
            if (!snapshot_max_size.empty()) {
                r.snapshot_max_bytes = lttd::parse_size(snapshot_max_size);
                if (!r.snapshot_max_bytes)
                    throw CLI::ValidationError(
                        "--snapshot-max-size",
                        fmt::format("`{}` is not a size", snapshot_max_size));
            }
            if (!guest_max_size.empty()) {
                r.guest_max_bytes = lttd::parse_size(guest_max_size);
                if (!r.guest_max_bytes)
                    throw CLI::ValidationError("--guest-max-size",
                                               fmt::format("`{}` is not a size", guest_max_size));
            }
            req = r;
        } else if (enable->parsed()) {
            req = lttd::enable_request{name, events};
        } else if (disable->parsed()) {
            req = lttd::disable_request{name, events};
        } else if (start->parsed()) {
            req = lttd::start_request{name};
        } else if (stop->parsed()) {
            req = lttd::stop_request{name};
        } else if (destroy->parsed()) {
            req = lttd::destroy_request{name};
        } else if (snapshot->parsed()) {
            lttd::snapshot_request r{name, std::nullopt};
            if (!snapshot_output.empty())
                r.output = absolute(snapshot_output);
            req = r;
        } else if (status->parsed()) {
            req = lttd::status_request{name};
        } else {
            req = lttd::list_request{};
        }
        // The daemon validates too; checking here gives the same message
        // without a round trip.
        lttd::parse_request(lttd::to_json(req).dump());
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    } catch (const lttd::protocol_error& e) {
        fmt::print(stderr, "ltt-ctl: {}\n", e.what());
        return 2;
    }

    lttd::response resp;
    try {
        resp = lttctl::send_request(socket, req,
                                    std::chrono::milliseconds(static_cast<long>(timeout_s * 1000)));
    } catch (const lttctl::connection_error& e) {
        fmt::print(stderr, "ltt-ctl: {}\n", e.what());
        return 3;
    }
    const std::string_view cmd = lttd::command_of(req);
    if (!resp.ok) {
        fmt::print(stderr, "ltt-ctl: {}: {}\n", cmd, resp.error);
        return 1;
    }
    const auto& r = resp.result;
    if (json) {
        fmt::print("{}\n", r.dump(2));
        return 0;
    }
    if (status->parsed()) {
        fmt::print("{}", lttctl::format_status(r));
    } else if (list->parsed()) {
        fmt::print("{}", lttctl::format_list(r));
    } else if (create->parsed()) {
        const auto& cpus = r.value("cpus", nlohmann::json::array());
        fmt::print("session {} created: {}, {} mode, {} CPUs -> {}\n", name, r.value("source", ""),
                   r.value("mode", ""), cpus.is_array() ? cpus.size() : 0, r.value("output", ""));
    } else if (enable->parsed() || disable->parsed()) {
        const char* key = enable->parsed() ? "enabled" : "disabled";
        std::string names;
        for (const auto& e : r.value(key, nlohmann::json::array()))
            names += (names.empty() ? "" : ", ") + e.get<std::string>();
        fmt::print("{}: {} ({} events enabled now)\n", key, names,
                   r.value("events_enabled", std::uint64_t{0}));
    } else if (snapshot->parsed()) {
        fmt::print("snapshot {} written to {} ({} packets, {} records)\n",
                   r.value("number", std::uint64_t{0}), r.value("path", ""),
                   r.value("packets", std::uint64_t{0}), r.value("records", std::uint64_t{0}));
        if (const auto it = r.find("retention"); it != r.end() && it->is_object()) {
            for (const auto& path : it->value("removed", nlohmann::json::array()))
                fmt::print("removed {} (retention)\n", path.get<std::string>());
            for (const auto& e : it->value("errors", nlohmann::json::array()))
                fmt::print(stderr, "ltt-ctl: snapshot retention: {}\n", e.get<std::string>());
        }
    } else {
        fmt::print("session {}: {}\n", name,
                   destroy->parsed() ? std::string("destroyed") : r.value("state", std::string()));
    }
    return 0;
}
