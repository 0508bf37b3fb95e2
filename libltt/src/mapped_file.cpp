#include <ltt/mapped_file.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace ltt {

mapped_file::mapped_file(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(),
                                fmt::format("{}: open", path.string()));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        throw std::system_error(err, std::generic_category(),
                                fmt::format("{}: stat", path.string()));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw std::system_error(EINVAL, std::generic_category(),
                                fmt::format("{}: not a regular file", path.string()));
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
        void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            const int err = errno;
            ::close(fd);
            throw std::system_error(err, std::generic_category(),
                                    fmt::format("{}: mmap", path.string()));
        }
        data_ = static_cast<const std::byte*>(p);
        // Readers walk stream files front to back: read ahead.
        ::madvise(p, size_, MADV_SEQUENTIAL);
    }
    ::close(fd);
}

mapped_file::~mapped_file() {
    release();
}

mapped_file::mapped_file(mapped_file&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)),
      released_(std::exchange(other.released_, 0)) {}

mapped_file& mapped_file::operator=(mapped_file&& other) noexcept {
    if (this != &other) {
        release();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        released_ = std::exchange(other.released_, 0);
    }
    return *this;
}

void mapped_file::done_before(std::size_t offset) noexcept {
    constexpr std::size_t step = std::size_t{4} << 20;
    if (data_ == nullptr || offset < released_ + step)
        return;
    const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t end = std::min(offset, size_) / page * page;
    if (end > released_) {
        // A private read-only mapping of a file: dropping the pages loses
        // nothing (they come back from the file if read again).
        ::madvise(const_cast<std::byte*>(data_) + released_, end - released_, MADV_DONTNEED);
        released_ = end;
    }
}

void mapped_file::release() noexcept {
    if (data_)
        ::munmap(const_cast<std::byte*>(data_), size_);
    data_ = nullptr;
    size_ = 0;
}

} // namespace ltt
