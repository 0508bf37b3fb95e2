// ltt/stream_file.hpp - one append-only stream file of whole packets.
//
// A packet is written whole or not at all: the write loop retries on EINTR
// and short writes, and on an error (ENOSPC, EFBIG, EIO...) the file is
// truncated back to the end of the last complete packet before the error is
// thrown, so a stream file never ends with a torn packet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>

namespace ltt {

class stream_file {
public:
    // Creates the file; it must not exist. std::system_error naming the path.
    explicit stream_file(std::filesystem::path path);
    ~stream_file();
    stream_file(stream_file&& other) noexcept;
    stream_file& operator=(stream_file&& other) noexcept;
    stream_file(const stream_file&) = delete;
    stream_file& operator=(const stream_file&) = delete;

    // Appends `bytes` whole; on failure the file keeps exactly what it had
    // and a std::system_error names the path and errno's text.
    void append(std::span<const std::byte> bytes);

    // fsync; std::system_error on failure.
    void sync();

    // fsync and close; idempotent. std::system_error on failure.
    void close();

    std::uint64_t size() const noexcept { return size_; }
    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
    int fd_ = -1;
    std::uint64_t size_ = 0; // bytes of complete packets
    bool torn_tail_ = false; // a failed write left bytes past size_ (truncate failed)
};

} // namespace ltt
