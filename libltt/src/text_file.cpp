#include "text_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

namespace ltt::detail {

std::string read_text_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::system_error(errno, std::generic_category(),
                                fmt::format("cannot open {}", path.string()));
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad())
        throw std::system_error(errno, std::generic_category(),
                                fmt::format("cannot read {}", path.string()));
    return std::move(s).str();
}

} // namespace ltt::detail
