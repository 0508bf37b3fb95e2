// crash_guard.hpp - keeps stream files whole when lttd is killed.
//
// A packet is appended with one write, but the kernel may stop a write that
// spans several pages when a fatal signal (SIGKILL) arrives, leaving the
// first part of a packet at the end of the file; babeltrace2 then refuses
// the whole stream. Nothing can run in a killed process, so lttd forks a
// small guardian at start-up, before any thread: it shares a table of the
// stream files being written and the size of their complete packets, waits
// for lttd to go away (its end of a pipe closes), and then cuts every file
// back to its last complete packet (checking the packet headers past the
// recorded size, so a packet whose write completed is kept).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>

namespace lttd {

class crash_guard {
public:
    // Forks the guardian. Call while the process has one thread. nullptr
    // (and a warning on stderr) when it cannot be started.
    static std::unique_ptr<crash_guard> start();
    ~crash_guard();
    crash_guard(const crash_guard&) = delete;
    crash_guard& operator=(const crash_guard&) = delete;

    // A stream file about to be written; -1 when it cannot be tracked (the
    // table is full), which only loses the protection. Thread-safe.
    int track(const std::filesystem::path& file) noexcept;
    // The file's complete packets end at `size`.
    void committed(int slot, std::uint64_t size) noexcept;
    // The file is closed (synced): nothing to repair.
    void untrack(int slot) noexcept;

    pid_t pid() const noexcept { return pid_; }

    struct table;

private:
    crash_guard(table* t, pid_t pid, int pipe_fd) noexcept
        : table_(t), pid_(pid), pipe_fd_(pipe_fd) {}

    table* table_;
    pid_t pid_;
    int pipe_fd_;
};

// Cuts `file` back to the end of its last complete packet at or after
// `committed` (what the guardian does to each file). Returns the new size.
std::uint64_t repair_stream_file(const std::filesystem::path& file, std::uint64_t committed);

} // namespace lttd
