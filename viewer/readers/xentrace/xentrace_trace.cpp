// PLACEHOLDER until the xentrace reader lands (helper branch).
#include "xentrace_trace.hpp"

#include <stdexcept>

namespace ltt::viewer {

bool is_xentrace_file(const std::filesystem::path&) {
    return false;
}

std::unique_ptr<trace_reader> open_xentrace_file(const std::filesystem::path& file, class_registry&,
                                                 const read_options&) {
    throw std::runtime_error(file.string() + ": xentrace reader not built yet");
}

} // namespace ltt::viewer
