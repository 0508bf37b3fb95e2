#include "dat_channel.hpp"

#include "dat_worker.hpp"

#include <ltt/errors.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ltt::viewer {

namespace {

// A message longer than this is not one the worker sends (a record is at
// most a ring-buffer page, a format a few KiB).
constexpr std::uint32_t max_message = 64u << 20;

} // namespace

dat_channel::dat_channel(std::string file, std::chrono::milliseconds stall_limit)
    : file_(std::move(file)), stall_limit_(stall_limit) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe");
    pid_ = fork();
    if (pid_ < 0) {
        const int e = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        throw std::system_error(e, std::generic_category(), "fork");
    }
    if (pid_ == 0) {
        ::close(fds[0]);
        run_dat_worker(file_, fds[1]);
    }
    ::close(fds[1]);
    fd_ = fds[0];
}

dat_channel::dat_channel(std::string file, int fd)
    : file_(std::move(file)), stall_limit_(std::chrono::minutes(2)), fd_(fd) {}

dat_channel::~dat_channel() {
    stop();
}

void dat_channel::stop() noexcept {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
    }
}

bool dat_channel::fill(std::size_t want) {
    if (pos_ > 0 && pos_ == buf_.size()) {
        buf_.clear();
        pos_ = 0;
    }
    while (buf_.size() - pos_ < want) {
        pollfd p{fd_, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(stall_limit_.count()));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0) {
            stop();
            throw ltt::format_error(file_, last_offset_,
                                    fmt::format("libtracecmd read nothing more for {} s after "
                                                "this offset (stuck on a damaged file?)",
                                                static_cast<double>(stall_limit_.count()) / 1000));
        }
        char chunk[65536];
        const ssize_t n = ::read(fd_, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw std::system_error(errno, std::generic_category(), file_);
        if (n == 0)
            return false;
        if (pos_ > (1u << 20)) {
            buf_.erase(0, pos_);
            pos_ = 0;
            last_start_ = 0;
        }
        buf_.append(chunk, static_cast<std::size_t>(n));
    }
    return true;
}

dat_message dat_channel::next(std::string_view& body) {
    if (fd_ < 0)
        throw ltt::format_error(file_, last_offset_, "read after the end of the trace");
    if (!fill(5))
        worker_died();
    last_start_ = pos_;
    const auto type = static_cast<unsigned char>(buf_[pos_]);
    std::uint32_t length = 0;
    for (int i = 4; i >= 1; --i)
        length = length << 8 | static_cast<unsigned char>(buf_[pos_ + static_cast<std::size_t>(i)]);
    if (type < 1 || type > 5 || length > max_message) {
        stop();
        throw ltt::format_error(file_, last_offset_,
                                "the libtracecmd worker sent garbage (a bug of ltt-view)");
    }
    if (!fill(5 + std::size_t{length}))
        worker_died();
    body = std::string_view(buf_).substr(pos_ + 5, length);
    pos_ += 5 + std::size_t{length};
    const auto message = static_cast<dat_message>(type);
    if (message == dat_message::error) {
        std::string problem = "the libtracecmd worker failed";
        try {
            problem = dat_body(body).str();
        } catch (const dat_garbled&) {
        }
        stop();
        throw ltt::format_error(file_, last_offset_, problem);
    }
    if (message == dat_message::end)
        stop();
    return message;
}

void dat_channel::worker_died() {
    int status = 0;
    pid_t r = 0;
    while (pid_ > 0 && (r = waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    ::close(fd_);
    fd_ = -1;
    if (r > 0 && WIFSIGNALED(status))
        throw ltt::format_error(
            file_, last_offset_,
            last_offset_ == 0
                ? fmt::format("libtracecmd crashed opening the file ({}): it is damaged",
                              strsignal(WTERMSIG(status)))
                : fmt::format("libtracecmd crashed reading the file after the record at this "
                              "offset ({}): it is damaged",
                              strsignal(WTERMSIG(status))));
    throw ltt::format_error(file_, last_offset_,
                            r > 0 ? fmt::format("the libtracecmd worker stopped early (exit "
                                                "status {})",
                                                WIFEXITED(status) ? WEXITSTATUS(status) : -1)
                                  : std::string("the libtracecmd worker's messages end early"));
}

} // namespace ltt::viewer
