#include "control_server.hpp"

#include "log.hpp"

#include <lttd/protocol.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace lttd {

namespace {

constexpr std::size_t max_clients = 64;

[[noreturn]] void fail(const std::filesystem::path& p, const std::string& problem) {
    throw std::runtime_error(fmt::format("{}: {}", p.string(), problem));
}

sockaddr_un address_of(const std::filesystem::path& p) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (p.native().size() >= sizeof addr.sun_path)
        fail(p, fmt::format("socket path longer than {} bytes", sizeof addr.sun_path - 1));
    std::memcpy(addr.sun_path, p.c_str(), p.native().size() + 1);
    return addr;
}

} // namespace

control_server::control_server(std::filesystem::path socket_path) : path_(std::move(socket_path)) {
    const std::filesystem::path dir =
        path_.has_parent_path() ? path_.parent_path() : std::filesystem::path(".");
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        fail(dir, fmt::format("create directory: {}", std::strerror(errno)));
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0)
        fail(dir, std::strerror(errno));
    if (!S_ISDIR(st.st_mode))
        fail(dir, "not a directory");
    // Whoever may write the directory could replace the socket.
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        fail(dir, "writable by group or others: refusing to put the control socket there");
    if (st.st_uid != 0 && st.st_uid != ::geteuid())
        fail(dir, fmt::format("owned by uid {}, neither root nor lttd's uid {}", st.st_uid,
                              ::geteuid()));
    owner_ = st.st_uid;

    const sockaddr_un addr = address_of(path_);
    if (::lstat(path_.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            fail(path_, "exists and is not a socket");
        // A socket file: a live lttd, or one left by a daemon that died.
        unique_fd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (probe &&
            ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0)
            fail(path_, "another lttd is listening here");
        ::unlink(path_.c_str());
    }
    listen_fd_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!listen_fd_)
        fail(path_, fmt::format("socket: {}", std::strerror(errno)));
    if (::bind(listen_fd_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
        fail(path_, fmt::format("bind: {}", std::strerror(errno)));
    ::chmod(path_.c_str(), 0600);
    if (::listen(listen_fd_.get(), 16) != 0)
        fail(path_, fmt::format("listen: {}", std::strerror(errno)));
}

control_server::~control_server() {
    if (listen_fd_)
        ::unlink(path_.c_str());
}

std::vector<pollfd> control_server::poll_set() const {
    std::vector<pollfd> fds{{listen_fd_.get(), POLLIN, 0}};
    for (const auto& c : clients_)
        fds.push_back({c.fd.get(), static_cast<short>(c.out.empty() ? POLLIN : POLLOUT), 0});
    return fds;
}

void control_server::accept_clients() {
    for (;;) {
        unique_fd fd(::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd)
            return;
        client c;
        c.fd = std::move(fd);
        ucred cred{};
        socklen_t len = sizeof cred;
        if (::getsockopt(c.fd.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
            c.out = make_error_line("permission denied: cannot read the client's credentials");
            c.closing = true;
        } else if (cred.uid != 0 && cred.uid != owner_) {
            log("refused a client with uid {} (pid {})", cred.uid, cred.pid);
            c.out = make_error_line(fmt::format(
                "permission denied: uid {} is neither root nor the owner (uid {}) of {}", cred.uid,
                owner_, path_.parent_path().string()));
            c.closing = true;
        } else if (clients_.size() >= max_clients) {
            c.out = make_error_line("too many clients connected; try again");
            c.closing = true;
        } else {
            c.allowed = true;
        }
        clients_.push_back(std::move(c));
    }
}

void control_server::read_client(client& c, const handler& handle) {
    char buf[65536];
    const ssize_t n = ::read(c.fd.get(), buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        c.closing = true; // answers still owed are sent if the peer reads
        return;
    }
    if (n < 0)
        return;
    c.in.append(buf, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (std::size_t nl; (nl = c.in.find('\n', start)) != std::string::npos; start = nl + 1) {
        std::string line = c.in.substr(start, nl - start);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty())
            continue;
        c.out += handle(line);
    }
    c.in.erase(0, start);
    if (c.in.size() > max_line_bytes) {
        c.out += make_error_line(fmt::format("request longer than {} bytes", max_line_bytes));
        c.in.clear();
        c.closing = true;
    }
}

void control_server::write_client(client& c) {
    while (!c.out.empty()) {
        const ssize_t n = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) {
            c.out.clear();
            c.closing = true;
            return;
        }
        c.out.erase(0, static_cast<std::size_t>(n));
    }
}

void control_server::on_events(const std::vector<pollfd>& fds, const handler& handle) {
    auto it = clients_.begin();
    for (std::size_t i = 1; i < fds.size() && it != clients_.end(); i++, ++it) {
        client& c = *it;
        if (fds[i].revents & POLLOUT)
            write_client(c);
        else if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (c.allowed && !c.closing)
                read_client(c, handle);
            else
                c.closing = true;
            write_client(c);
        }
    }
    clients_.remove_if([](const client& c) { return c.closing && c.out.empty(); });
    if (fds[0].revents & POLLIN)
        accept_clients();
    // Refused clients get their answer right away.
    for (auto& c : clients_)
        if (!c.out.empty())
            write_client(c);
    clients_.remove_if([](const client& c) { return c.closing && c.out.empty(); });
}

} // namespace lttd
