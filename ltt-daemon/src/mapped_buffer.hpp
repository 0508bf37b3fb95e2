// mapped_buffer.hpp - one cpu<N>.ltt file of a directory source, checked
// (buffer_check.hpp) and mapped shared and writable: lttd writes its consumed
// position into the consumer page and, to flush, closes sub-buffers through
// its own writer descriptor (the user-space environment's atomics are
// SMP-safe, so a switch from another process is allowed, ltt/ring.h).
#pragma once

#include "source.hpp"

#include <ltt/ring.h>

#include <cstdint>
#include <filesystem>

namespace lttd {

class mapped_buffer {
public:
    // Opens dir/cpu<N>.ltt without following a symlink. source_error
    // "dir/cpuN.ltt: problem".
    mapped_buffer(const std::filesystem::path& dir, std::uint32_t cpu, const channel_info& channel);
    ~mapped_buffer();
    mapped_buffer(const mapped_buffer&) = delete;
    mapped_buffer& operator=(const mapped_buffer&) = delete;

    buffer_view view() const noexcept;
    // ltt_switch() through lttd's own descriptor, under the SIGBUS guard;
    // overwrite-mode slot entries are re-checked first (ring.h trusts them).
    // flush_failed when they are not sane or the file shrank.
    int flush(int switch_flags);
    const std::filesystem::path& path() const noexcept { return path_; }

private:
    void release() noexcept;

    std::filesystem::path path_;
    void* base_ = nullptr;
    std::uint64_t size_ = 0;
    std::uint64_t cons_offset_ = 0;
    std::uint64_t data_offset_ = 0;
    ltt_buf flusher_{};
};

} // namespace lttd
