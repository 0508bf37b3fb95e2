// mapped_buffer.hpp - one cpu<N>.ltt file of a directory source, checked
// (buffer_check.hpp) and mapped shared.
//
// A user-space producer's file (producer_kind::files) is mapped writable:
// lttd writes its consumed position into the consumer page and, to flush,
// closes sub-buffers through its own writer descriptor (the user-space
// environment's atomics are SMP-safe, so a switch from another process is
// allowed, ltt/ring.h).
// A file of ltt-guest.ko (producer_kind::kernel_module) is mapped read-only
// except its consumer page: the kernel's writers use CPU-local atomics, so
// the module switches sub-buffers on their CPU, and lends overwrite-mode
// sub-buffers, on request (ioctls of kernel-patches/ltt-guest/uapi); the
// file descriptor stays open for them and for poll() ("a sub-buffer
// closed").
#pragma once

#include "source.hpp"

#include <lttd/unique_fd.hpp>

#include <ltt/ring.h>

#include <cstdint>
#include <filesystem>

namespace lttd {

enum class producer_kind {
    files,         // a user-space producer (ltt-stress, libltt): notify FIFO
    kernel_module, // ltt-guest.ko: poll() and ioctls on the buffer files
};

class mapped_buffer {
public:
    // Opens dir/cpu<N>.ltt without following a symlink. source_error
    // "dir/cpuN.ltt: problem".
    mapped_buffer(const std::filesystem::path& dir, std::uint32_t cpu, const channel_info& channel,
                  producer_kind kind = producer_kind::files);
    ~mapped_buffer();
    mapped_buffer(const mapped_buffer&) = delete;
    mapped_buffer& operator=(const mapped_buffer&) = delete;

    buffer_view view() const noexcept;
    // ltt_switch() through lttd's own descriptor, under the SIGBUS guard;
    // overwrite-mode slot entries are re-checked first (ring.h trusts them).
    // flush_failed when they are not sane or the file shrank.
    int flush(int switch_flags);
    const std::filesystem::path& path() const noexcept { return path_; }
    // kernel_module: the open file (poll, ioctls); -1 otherwise.
    int fd() const noexcept { return fd_.get(); }
    // kernel_module: reads the closed-sub-buffer count, which acknowledges
    // the poll() readiness.
    void acknowledge() const noexcept;

private:
    void release() noexcept;

    std::filesystem::path path_;
    producer_kind kind_;
    unique_fd fd_;             // kernel_module only
    void* cons_map_ = nullptr; // kernel_module: the consumer page, writable
    void* base_ = nullptr;
    std::uint64_t size_ = 0;
    std::uint64_t cons_offset_ = 0;
    std::uint64_t data_offset_ = 0;
    ltt_buf flusher_{};
};

} // namespace lttd
