// producer_directory.hpp - the directory ltt-stress produces into: channel
// info (channel.json), the enable map lttd writes (enable.map, mapped here:
// a record is written only while its byte is non-zero, and lttd starting a
// session is what makes bytes non-zero), the notify FIFO, and the per-CPU
// buffer files.
#pragma once

#include "cpu_buffer.hpp"

#include <lttd/channel_file.hpp>
#include <lttd/unique_fd.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <vector>

namespace ltt_stress {

class producer_directory {
public:
    // Creates `dir` (which must not exist or be empty), writes channel.json,
    // enable.map (all zero: stopped) and the notify FIFO. std::system_error
    // or std::invalid_argument with a clear message.
    producer_directory(std::filesystem::path dir, lttd::channel_file channel);
    ~producer_directory();

    // Creates and initialises cpu<N>.ltt.
    cpu_buffer& add_cpu(std::uint32_t cpu);

    // The enable byte of each event id (lttd writes them).
    const volatile unsigned char* enable_map() const noexcept { return map_; }
    // Enables every event of the channel ourselves (--start: no lttd needed).
    void enable_all();
    // Waits until lttd enables some event; false on timeout.
    bool wait_for_start(std::chrono::milliseconds timeout) const;
    bool any_enabled() const noexcept;

    // A byte into the FIFO: "a sub-buffer is complete". Never blocks; a full
    // FIFO already says so.
    void notify() const noexcept;

    const lttd::channel_file& channel() const noexcept { return channel_; }
    const std::filesystem::path& path() const noexcept { return dir_; }

private:
    std::filesystem::path dir_;
    lttd::channel_file channel_;
    lttd::unique_fd enable_fd_;
    lttd::unique_fd notify_fd_;
    volatile unsigned char* map_ = nullptr;
    std::vector<std::unique_ptr<cpu_buffer>> buffers_;
};

} // namespace ltt_stress
