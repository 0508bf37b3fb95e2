// daemon.hpp - lttd's control thread: the control socket, the sessions by
// name, and SIGTERM/SIGINT (through a signalfd), on which every session is
// stopped cleanly (every committed record written, every stream closed,
// index.json written) before lttd exits.
#pragma once

#include "boot_config.hpp"
#include "control_server.hpp"
#include "crash_guard.hpp"
#include "session_worker.hpp"

#include <lttd/protocol.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lttd {

struct daemon_options {
    std::filesystem::path socket;
    // Where the facilities' ctf fragments are when create names none.
    std::vector<std::filesystem::path> facility_dirs;
};

class daemon {
public:
    // Binds the control socket (std::runtime_error when it cannot).
    daemon(daemon_options options, crash_guard* guard);
    ~daemon();

    // Serves until SIGTERM or SIGINT (which the caller has blocked in every
    // thread); returns the exit status.
    int run(int signal_fd);

    // One request line in, one response line out (also used by tests).
    std::string handle_line(const std::string& line);

    // Creates, enables and starts every session of the configuration; one
    // that fails is logged (file, line, why) and destroyed, the others go
    // on. Returns how many are recording.
    std::size_t start_boot_sessions(const boot_config& config);

private:
    nlohmann::json handle(const request& req);
    session_worker& worker(const std::string& name);
    void shutdown_all();

    daemon_options options_;
    crash_guard* guard_;
    control_server server_;
    std::map<std::string, std::unique_ptr<session_worker>> sessions_;
    std::map<std::string, std::string> outputs_; // output directory -> session
};

} // namespace lttd
