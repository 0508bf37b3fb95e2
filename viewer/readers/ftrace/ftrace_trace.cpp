// PLACEHOLDER until the ftrace readers land (helper branch).
#include "ftrace_trace.hpp"

#include <stdexcept>

namespace ltt::viewer {

bool is_ftrace_text(const std::filesystem::path&) {
    return false;
}
bool is_trace_cmd_file(const std::filesystem::path&) {
    return false;
}
std::unique_ptr<trace_reader> open_ftrace_text(const std::filesystem::path& file, class_registry&,
                                               const read_options&) {
    throw std::runtime_error(file.string() + ": ftrace reader not built yet");
}
std::unique_ptr<trace_reader> open_trace_cmd(const std::filesystem::path& file, class_registry&,
                                             const read_options&) {
    throw std::runtime_error(file.string() + ": trace-cmd reader not built yet");
}

} // namespace ltt::viewer
