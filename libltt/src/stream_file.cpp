#include <ltt/stream_file.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace ltt {

namespace {

[[noreturn]] void throw_errno(int err, const std::filesystem::path& path, std::string_view what) {
    throw std::system_error(err, std::generic_category(),
                            fmt::format("{}: {}", path.string(), what));
}

} // namespace

stream_file::stream_file(std::filesystem::path path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw_errno(errno, path_, "create");
}

stream_file::~stream_file() {
    if (fd_ >= 0)
        ::close(fd_);
}

stream_file::stream_file(stream_file&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)),
      size_(std::exchange(other.size_, 0)), torn_tail_(std::exchange(other.torn_tail_, false)) {}

stream_file& stream_file::operator=(stream_file&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        path_ = std::move(other.path_);
        fd_ = std::exchange(other.fd_, -1);
        size_ = std::exchange(other.size_, 0);
        torn_tail_ = std::exchange(other.torn_tail_, false);
    }
    return *this;
}

void stream_file::append(std::span<const std::byte> bytes) {
    if (fd_ < 0)
        throw_errno(EBADF, path_, "append after close");
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done,
                                   static_cast<off_t>(size_ + done));
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        const int err = n < 0 ? errno : EIO; // 0 bytes for a non-empty write: give up
        // Drop the partial packet so the file ends on a packet boundary.
        if (done > 0 && ::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
            const int terr = errno;
            torn_tail_ = true;
            throw std::system_error(
                err, std::generic_category(),
                fmt::format("{}: write (and truncating the partial packet back to {} bytes "
                            "failed too: {})",
                            path_.string(), size_, std::strerror(terr)));
        }
        throw_errno(err, path_,
                    fmt::format("write of a {}-byte packet at offset {}", bytes.size(), size_));
    }
    size_ += bytes.size();
    if (torn_tail_ && ::ftruncate(fd_, static_cast<off_t>(size_)) == 0)
        torn_tail_ = false;
}

void stream_file::sync() {
    if (fd_ >= 0 && ::fsync(fd_) != 0)
        throw_errno(errno, path_, "fsync");
}

void stream_file::close() {
    if (fd_ < 0)
        return;
    const int fd = std::exchange(fd_, -1);
    if (torn_tail_ && ::ftruncate(fd, static_cast<off_t>(size_)) != 0) {
        const int err = errno;
        ::close(fd);
        throw_errno(err, path_, "truncating a torn packet");
    }
    if (::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        throw_errno(err, path_, "fsync");
    }
    if (::close(fd) != 0)
        throw_errno(errno, path_, "close");
}

} // namespace ltt
