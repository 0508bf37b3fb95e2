#include "daemon.hpp"

#include "log.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace lttd {

namespace {

// Commands that drain and sync may take a while on a slow disk.
constexpr auto quick_timeout = std::chrono::seconds(20);
constexpr auto slow_timeout = std::chrono::seconds(120);

template <class... Ts> struct overloaded : Ts... { using Ts::operator()...; };

std::string normal_path(const std::string& p) {
    return std::filesystem::path(p).lexically_normal().string();
}

} // namespace

daemon::daemon(daemon_options options, crash_guard* guard)
    : options_(std::move(options)), guard_(guard), server_(options_.socket) {}

daemon::~daemon() {
    shutdown_all();
}

session_worker& daemon::worker(const std::string& name) {
    const auto it = sessions_.find(name);
    if (it == sessions_.end())
        throw command_error(fmt::format("no session named `{}`", name));
    return *it->second;
}

nlohmann::json daemon::handle(const request& req) {
    using ms = std::chrono::milliseconds;
    return std::visit(
        overloaded{
            [&](const create_request& r) -> nlohmann::json {
                if (sessions_.contains(r.name))
                    throw command_error(fmt::format("a session named `{}` exists already", r.name));
                const std::string out = normal_path(r.output);
                if (const auto it = outputs_.find(out); it != outputs_.end())
                    throw command_error(
                        fmt::format("output {} is used by session `{}`", r.output, it->second));
                session_config cfg;
                cfg.request = r;
                cfg.guard = guard_;
                for (const auto& d : r.facilities)
                    cfg.facility_dirs.emplace_back(d);
                if (cfg.facility_dirs.empty())
                    cfg.facility_dirs = options_.facility_dirs;
                auto s = std::make_unique<session>(std::move(cfg));
                nlohmann::json result = s->status();
                sessions_.emplace(r.name, std::make_unique<session_worker>(std::move(s)));
                outputs_.emplace(out, r.name);
                return result;
            },
            [&](const enable_request& r) {
                return worker(r.name).call(
                    [events = r.events](session& s) { return s.enable(events, true); },
                    ms(quick_timeout));
            },
            [&](const disable_request& r) {
                return worker(r.name).call(
                    [events = r.events](session& s) { return s.enable(events, false); },
                    ms(quick_timeout));
            },
            [&](const start_request& r) {
                return worker(r.name).call([](session& s) { return s.start(); }, ms(slow_timeout));
            },
            [&](const stop_request& r) {
                return worker(r.name).call([](session& s) { return s.stop(); }, ms(slow_timeout));
            },
            [&](const snapshot_request& r) {
                return worker(r.name).call(
                    [output = r.output](session& s) { return s.snapshot(output); },
                    ms(slow_timeout));
            },
            [&](const status_request& r) {
                return worker(r.name).call([](session& s) { return s.status(); },
                                           ms(quick_timeout));
            },
            [&](const destroy_request& r) -> nlohmann::json {
                auto& w = worker(r.name);
                nlohmann::json result =
                    w.call([](session& s) { return s.shutdown(); }, ms(slow_timeout));
                std::erase_if(outputs_, [&](const auto& kv) { return kv.second == r.name; });
                sessions_.erase(r.name);
                log("session {}: destroyed", r.name);
                return result;
            },
            [&](const list_request&) -> nlohmann::json {
                nlohmann::json list = nlohmann::json::array();
                for (const auto& [name, w] : sessions_) {
                    try {
                        list.push_back(
                            w->call([](session& s) { return s.summary(); }, ms(quick_timeout)));
                    } catch (const command_error& e) {
                        list.push_back({{"name", name}, {"error", e.what()}});
                    }
                }
                return {{"daemon",
                         {{"pid", ::getpid()},
                          {"guardian_pid", guard_ ? guard_->pid() : 0},
                          {"socket", server_.path().string()}}},
                        {"sessions", list}};
            },
        },
        req);
}

std::string daemon::handle_line(const std::string& line) {
    try {
        return make_ok_line(handle(parse_request(line)));
    } catch (const protocol_error& e) {
        return make_error_line(fmt::format("bad request: {}", e.what()));
    } catch (const command_error& e) {
        return make_error_line(e.what());
    } catch (const std::exception& e) {
        // Anything else is a bug; the daemon stays up and says what happened.
        log("unexpected error handling a request: {}", e.what());
        return make_error_line(fmt::format("internal error: {}", e.what()));
    }
}

std::size_t daemon::start_boot_sessions(const boot_config& config) {
    for (const auto& e : config.errors)
        log("{}", e);
    std::size_t started = 0;
    for (const auto& b : config.sessions) {
        const std::string& name = b.create.name;
        const char* step = "create";
        try {
            handle(b.create);
            step = "enable";
            handle(enable_request{name, b.events});
            step = "start";
            handle(start_request{name});
            log("{}:{}: session {} recording ({} mode) -> {}", b.file, b.line, name,
                b.create.mode ? ltt::to_string(*b.create.mode) : std::string_view("discard"),
                b.create.output);
            started++;
        } catch (const std::exception& e) {
            log("{}:{}: session {}: {}: {} (session not started)", b.file, b.line, name, step,
                e.what());
            if (sessions_.contains(name)) {
                try {
                    handle(destroy_request{name});
                } catch (const std::exception& d) {
                    log("session {}: destroy: {}", name, d.what());
                }
            }
        }
    }
    return started;
}

void daemon::shutdown_all() {
    // Destroying a worker shuts its session down (stop, drain, close).
    for (auto& [name, w] : sessions_) {
        try {
            w->call([](session& s) { return s.shutdown(); }, std::chrono::seconds(slow_timeout));
        } catch (const std::exception& e) {
            log("session {}: shutdown: {}", name, e.what());
        }
    }
    sessions_.clear();
    outputs_.clear();
}

int daemon::run(int signal_fd) {
    log("listening on {} (pid {}, crash guard {})", server_.path().string(), ::getpid(),
        guard_ ? fmt::format("pid {}", guard_->pid()) : std::string("off"));
    const auto handle = [this](const std::string& line) { return handle_line(line); };
    for (;;) {
        std::vector<pollfd> fds = server_.poll_set();
        fds.push_back({signal_fd, POLLIN, 0});
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR)
                continue;
            log("poll: {}", std::strerror(errno));
            return 1;
        }
        if (fds.back().revents & POLLIN) {
            signalfd_siginfo si{};
            if (::read(signal_fd, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
                if (si.ssi_signo == SIGHUP) {
                    log("SIGHUP ignored");
                } else {
                    log("{}: stopping every session", ::strsignal(static_cast<int>(si.ssi_signo)));
                    shutdown_all();
                    log("exiting");
                    return 0;
                }
            }
        }
        fds.pop_back();
        server_.on_events(fds, handle);
    }
}

} // namespace lttd
