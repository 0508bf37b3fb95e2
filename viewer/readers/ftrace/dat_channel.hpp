// readers/ftrace/dat_channel.hpp - the libtracecmd worker process, from the
// reader's side: started with the file to read, its messages read one by
// one with a bound on how long it may stay silent, its end (a crash, a
// garbled message, silence) turned into an ltt::format_error naming the
// file. Destroying the channel kills a worker still running.
#pragma once

#include "dat_protocol.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <sys/types.h>

namespace ltt::viewer {

class dat_channel {
public:
    // Forks the worker. `stall_limit`: how long it may send nothing before
    // it is taken for stuck (opening a large file takes seconds).
    dat_channel(std::string file, std::chrono::milliseconds stall_limit);
    // Reads messages a worker wrote earlier from `fd` (which it owns): for
    // the message-level fuzzer and tests; no process.
    dat_channel(std::string file, int fd);
    ~dat_channel();
    dat_channel(const dat_channel&) = delete;
    dat_channel& operator=(const dat_channel&) = delete;

    // The next message; its body stays valid until the next call. Throws
    // ltt::format_error when the worker failed or sent something else than
    // messages (an error message is thrown too, with its text).
    dat_message next(std::string_view& body);

    // The message next() returned last is returned again by the next call.
    void unread() noexcept { pos_ = last_start_; }

    // The file offset of the last record received (for errors after it).
    void note_offset(std::uint64_t offset) noexcept { last_offset_ = offset; }

private:
    bool fill(std::size_t want); // false at the end of the pipe
    [[noreturn]] void worker_died();
    void stop() noexcept;

    std::string file_;
    std::chrono::milliseconds stall_limit_;
    pid_t pid_ = -1;
    int fd_ = -1;
    std::string buf_;
    std::size_t pos_ = 0;
    std::size_t last_start_ = 0; // where the message next() returned last began
    std::uint64_t last_offset_ = 0;
};

} // namespace ltt::viewer
