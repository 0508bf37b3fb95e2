// ltt/mapped_file.hpp - a whole file mapped read-only, so the packet reader
// can walk multi-gigabyte stream files without copying them.
//
// The file must not shrink while mapped (reading a page past a concurrent
// truncation raises SIGBUS); lttd only appends and truncates back to a packet
// boundary on a write error, so read closed traces.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

namespace ltt {

class mapped_file {
public:
    // std::system_error naming the file when it cannot be opened or mapped.
    explicit mapped_file(const std::filesystem::path& path);
    ~mapped_file();
    mapped_file(mapped_file&& other) noexcept;
    mapped_file& operator=(mapped_file&& other) noexcept;
    mapped_file(const mapped_file&) = delete;
    mapped_file& operator=(const mapped_file&) = delete;

    std::span<const std::byte> bytes() const noexcept { return {data_, size_}; }

    // Tells the kernel the bytes before `offset` will not be read again, so
    // a sequential reader of a file larger than memory keeps only the pages
    // it is reading mapped (they stay in the page cache). Cheap to call
    // often: it acts once per 4 MiB of progress. Reading released bytes
    // again still works (the kernel maps them back in).
    void done_before(std::size_t offset) noexcept;

private:
    void release() noexcept;

    const std::byte* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t released_ = 0; // bytes before this were given back
};

} // namespace ltt
