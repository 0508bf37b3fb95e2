// PLACEHOLDER until the libbabeltrace2 reader lands (helper branch).
#include "ctf_reader.hpp"

#include <stdexcept>

namespace ltt::viewer {

std::unique_ptr<trace_reader> open_ctf_trace(const std::filesystem::path& dir, class_registry&,
                                             const read_options&) {
    throw std::runtime_error(dir.string() + ": generic CTF reader not built yet");
}

} // namespace ltt::viewer
