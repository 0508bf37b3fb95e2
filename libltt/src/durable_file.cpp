#include "durable_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

namespace ltt::detail {

namespace {

[[noreturn]] void throw_errno(int err, const std::filesystem::path& path, std::string_view what) {
    throw std::system_error(err, std::generic_category(),
                            fmt::format("{}: {}", path.string(), what));
}

} // namespace

void sync_directory(const std::filesystem::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        throw_errno(errno, dir, "open directory");
    if (::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        throw_errno(err, dir, "fsync directory");
    }
    ::close(fd);
}

void write_file_durably(const std::filesystem::path& path, std::string_view contents) {
    // Hidden name: babeltrace2 ignores dot files in a trace directory.
    const std::filesystem::path tmp =
        path.parent_path() / fmt::format(".{}.tmp", path.filename().string());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw_errno(errno, tmp, "create");
    const auto fail = [&](std::string_view what) {
        const int err = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        throw_errno(err, path, what);
    };
    std::size_t done = 0;
    while (done < contents.size()) {
        const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            fail("write");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0)
        fail("fsync");
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw_errno(err, path, "close");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw_errno(err, path, "rename into place");
    }
    sync_directory(path.parent_path().empty() ? "." : path.parent_path());
}

} // namespace ltt::detail
