// readers/ftrace/dat_worker.hpp - the child process that reads a trace-cmd
// .dat file with libtracecmd and sends what it holds to the reader
// (dat_protocol.hpp says why it is a process of its own). The only code of
// ltt-view that calls libtracecmd.
#pragma once

#include <string>

namespace ltt::viewer {

// Runs in the child: reads `file`, writes messages to `fd`, then _exit()s
// (a child of a fork must not run the parent's exit handlers).
[[noreturn]] void run_dat_worker(const std::string& file, int fd);

} // namespace ltt::viewer
