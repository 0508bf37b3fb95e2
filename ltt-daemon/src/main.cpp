// lttd: the ltt-xen consumer daemon. Drains per-CPU ring buffers into CTF
// traces for the sessions ltt-ctl creates. See ltt-daemon/README.md.
#include "boot_config.hpp"
#include "crash_guard.hpp"
#include "daemon.hpp"
#include "log.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace {

constexpr const char* default_socket = "/run/ltt-xen/lttd.sock";

// The facility declarations next to the program: the build tree
// (<build>/ltt-daemon/lttd -> <build>/generated/ctf) or an installation
// (<prefix>/bin/lttd -> <prefix>/share/ltt-xen/ctf).
std::vector<std::filesystem::path> default_facility_dirs() {
    std::vector<std::filesystem::path> dirs;
    std::error_code ec;
    const auto exe = std::filesystem::canonical("/proc/self/exe", ec);
    if (ec)
        return dirs;
    for (const auto& rel : {"../generated/ctf", "../share/ltt-xen/ctf"}) {
        const auto dir = (exe.parent_path() / rel).lexically_normal();
        if (std::filesystem::is_directory(dir, ec))
            dirs.push_back(dir);
    }
    return dirs;
}

} // namespace

int main(int argc, char** argv) {
    std::string socket_path;
    if (const char* env = std::getenv("LTT_SOCKET"); env && *env)
        socket_path = env;
    else
        socket_path = default_socket;
    std::vector<std::string> facility_dirs;
    bool no_guard = false;
    std::string config_path;

    CLI::App app{"lttd: the ltt-xen consumer daemon (drains ring buffers into CTF traces)"};
    app.add_option("--socket", socket_path, "control socket (env LTT_SOCKET)")
        ->capture_default_str();
    app.add_option("--facilities", facility_dirs,
                   "directories of genevent ctf fragments used when create names none "
                   "(default: next to the program)");
    app.add_flag("--no-crash-guard", no_guard,
                 "do not fork the guardian that repairs stream files if lttd is killed");
    app.add_option("--config", config_path,
                   "sessions to create and start now (/etc/ltt-xen/lttd.conf, see lttd.conf(5))");
    app.set_version_flag("--version", std::string("lttd ") + LTT_VERSION_STRING);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }

    // A write to a closed socket or past a file size limit is an error to
    // handle where it happens, not a reason to die.
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGXFSZ, SIG_IGN);

    // Before any thread exists.
    std::unique_ptr<lttd::crash_guard> guard;
    if (!no_guard)
        guard = lttd::crash_guard::start();

    // Blocked in every thread (they inherit the mask), read through a
    // signalfd by the control thread.
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    if (pthread_sigmask(SIG_BLOCK, &mask, nullptr) != 0) {
        fmt::print(stderr, "lttd: cannot block signals\n");
        return 1;
    }
    const int sfd = ::signalfd(-1, &mask, SFD_CLOEXEC);
    if (sfd < 0) {
        fmt::print(stderr, "lttd: signalfd: {}\n", std::strerror(errno));
        return 1;
    }

    lttd::daemon_options opt;
    opt.socket = socket_path;
    for (const auto& d : facility_dirs)
        opt.facility_dirs.push_back(std::filesystem::absolute(d));
    if (opt.facility_dirs.empty())
        opt.facility_dirs = default_facility_dirs();
    try {
        lttd::daemon d(std::move(opt), guard.get());
        // After the socket is bound (a second lttd fails before touching
        // any source); a wrong session is logged and the others start.
        if (!config_path.empty())
            try {
                const auto config = lttd::load_boot_config(config_path);
                const auto started = d.start_boot_sessions(config);
                lttd::log("{}: {} of {} sessions recording{}", config_path, started,
                          config.sessions.size(),
                          config.errors.empty()
                              ? std::string()
                              : fmt::format(", {} configuration errors", config.errors.size()));
            } catch (const std::exception& e) {
                // A bug in the configuration's handling; the daemon still serves.
                lttd::log("{}: {}", config_path, e.what());
            }
        return d.run(sfd);
    } catch (const std::exception& e) {
        fmt::print(stderr, "lttd: {}\n", e.what());
        return 1;
    }
}
