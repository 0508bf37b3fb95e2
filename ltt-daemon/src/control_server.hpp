// control_server.hpp - lttd's end of the control socket: a SOCK_STREAM unix
// socket in a directory only its owner can enter (created mode 0700), and a
// check of every client's credentials (SO_PEERCRED: root or the directory's
// owner). Requests and responses are lines (lttd/protocol.hpp); clients are
// served without blocking, so one silent client cannot stall the others.
#pragma once

#include <lttd/unique_fd.hpp>

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <list>
#include <poll.h>
#include <string>
#include <vector>

namespace lttd {

class control_server {
public:
    // Answers one request line with one response line (with its '\n').
    using handler = std::function<std::string(const std::string& line)>;

    // Prepares the directory and binds; std::runtime_error with a clear
    // message (another lttd listening, an unsafe directory...).
    explicit control_server(std::filesystem::path socket_path);
    // Removes the socket file.
    ~control_server();
    control_server(const control_server&) = delete;
    control_server& operator=(const control_server&) = delete;

    // The descriptors to poll now (listening socket first).
    std::vector<pollfd> poll_set() const;
    // Handles what poll() reported for the descriptors of poll_set().
    void on_events(const std::vector<pollfd>& fds, const handler& handle);

    const std::filesystem::path& path() const noexcept { return path_; }

private:
    struct client {
        unique_fd fd;
        std::string in;
        std::string out;
        bool allowed = false;
        bool closing = false; // close once `out` is sent
    };

    void accept_clients();
    void read_client(client& c, const handler& handle);
    void write_client(client& c);

    std::filesystem::path path_;
    uid_t owner_ = 0;
    unique_fd listen_fd_;
    std::list<client> clients_;
};

} // namespace lttd
