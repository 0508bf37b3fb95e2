// cpu_buffer.hpp - one cpu<N>.ltt file of a producer directory, as the
// directory source's contract wants it (ltt-daemon/README.md): created and
// initialised under a hidden name, then renamed into place, so lttd never
// maps a half-made buffer.
#pragma once

#include <ltt/ring.h>

#include <array>
#include <cstdint>
#include <filesystem>

namespace ltt_stress {

class cpu_buffer {
public:
    // std::system_error naming the file on failure.
    cpu_buffer(const std::filesystem::path& dir, const ltt_buf_config& config);
    ~cpu_buffer();
    cpu_buffer(const cpu_buffer&) = delete;
    cpu_buffer& operator=(const cpu_buffer&) = delete;

    ltt_buf* writer() noexcept { return &writer_; }
    std::uint32_t cpu() const noexcept { return writer_.cpu; }
    std::uint32_t subbuf_order() const noexcept { return writer_.subbuf_order; }
    // Records committed into the buffer so far (all sub-buffer uses).
    std::uint64_t committed() const noexcept;
    std::array<std::uint64_t, LTT_LOST_NR> lost() const noexcept;
    std::uint64_t write_position() const noexcept;

private:
    void* base_ = nullptr;
    std::uint64_t size_ = 0;
    ltt_buf writer_{};
};

} // namespace ltt_stress
