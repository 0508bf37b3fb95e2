#include "client.hpp"

#include <lttd/unique_fd.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

namespace lttctl {

namespace {

using clock_type = std::chrono::steady_clock;

int remaining_ms(clock_type::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

} // namespace

lttd::response send_request(const std::filesystem::path& socket, const lttd::request& req,
                            std::chrono::milliseconds timeout) {
    const auto deadline = clock_type::now() + timeout;
    const auto fail = [&](const std::string& what) -> lttd::response {
        throw connection_error(fmt::format("cannot talk to lttd at {}: {}", socket.string(), what));
    };
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket.native().size() >= sizeof addr.sun_path)
        fail("socket path too long");
    std::memcpy(addr.sun_path, socket.c_str(), socket.native().size() + 1);
    lttd::unique_fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd)
        fail(std::strerror(errno));
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
        fail(fmt::format("{} (is lttd running? --socket PATH or LTT_SOCKET choose the socket)",
                         std::strerror(errno)));

    const std::string line = lttd::to_json(req).dump() + "\n";
    for (std::size_t done = 0; done < line.size();) {
        const ssize_t n = ::send(fd.get(), line.data() + done, line.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
            break; // lttd answered and closed already (a refusal): read it
        if (n <= 0)
            fail(fmt::format("send: {}", std::strerror(errno)));
        done += static_cast<std::size_t>(n);
    }
    std::string in;
    for (;;) {
        const auto nl = in.find('\n');
        if (nl != std::string::npos) {
            try {
                return lttd::parse_response(std::string_view(in).substr(0, nl));
            } catch (const lttd::protocol_error& e) {
                fail(e.what());
            }
        }
        if (in.size() > lttd::max_line_bytes * 4)
            fail("response too long");
        pollfd p{fd.get(), POLLIN, 0};
        const int r = ::poll(&p, 1, remaining_ms(deadline));
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            fail(fmt::format("no answer within {} s", timeout.count() / 1000));
        char buf[65536];
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            fail(n == 0 ? "lttd closed the connection" : std::strerror(errno));
        in.append(buf, static_cast<std::size_t>(n));
    }
}

} // namespace lttctl
