// viewer/fuzz/fuzz_file.hpp - a fuzzer input as a file the readers can open
// by path (they take paths, as ltt-view does): an anonymous memory file,
// named through /proc/self/fd.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

namespace ltt::viewer::fuzz {

class memory_file {
public:
    memory_file(const std::uint8_t* data, std::size_t size)
        : fd_(memfd_create("ltt-view-fuzz", MFD_CLOEXEC)) {
        if (fd_ < 0)
            __builtin_trap();
        for (std::size_t done = 0; done < size;) {
            const ssize_t n = ::write(fd_, data + done, size - done);
            if (n <= 0)
                __builtin_trap();
            done += static_cast<std::size_t>(n);
        }
        path_ = "/proc/self/fd/" + std::to_string(fd_);
    }
    ~memory_file() { ::close(fd_); }
    memory_file(const memory_file&) = delete;
    memory_file& operator=(const memory_file&) = delete;
    const std::string& path() const noexcept { return path_; }

private:
    int fd_;
    std::string path_;
};

} // namespace ltt::viewer::fuzz
