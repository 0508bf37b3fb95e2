// readers/ftrace/trace_cmd_open.hpp - open_trace_cmd() with the time the
// libtracecmd worker may stay silent before it is taken for stuck
// (ftrace_trace.hpp's open_trace_cmd allows 2 minutes: a large file's
// kallsyms and formats take seconds to parse on a slow machine; the fuzzer
// allows seconds).
#pragma once

#include "../reader.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace ltt::viewer {

class class_registry;

std::unique_ptr<trace_reader> open_trace_cmd(const std::filesystem::path& file,
                                             class_registry& classes,
                                             std::chrono::milliseconds stall_limit);

// The reader on messages a worker wrote earlier (dat_protocol.hpp), read
// from `fd`, which it then owns: the message-level fuzzer's way in (what
// libtracecmd may hand over from a hostile file, without libtracecmd).
std::unique_ptr<trace_reader> open_trace_cmd_messages(const std::string& name, int fd,
                                                      class_registry& classes);

} // namespace ltt::viewer
