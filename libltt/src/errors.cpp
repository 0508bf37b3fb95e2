#include <ltt/errors.hpp>

#include <fmt/format.h>

#include <utility>

namespace ltt {

parse_error::parse_error(std::string file, std::size_t line, std::string problem)
    : std::runtime_error(fmt::format("{}:{}: {}", file, line, problem)), file_(std::move(file)),
      line_(line), problem_(std::move(problem)) {}

format_error::format_error(std::string file, std::uint64_t offset, std::string problem)
    : std::runtime_error(fmt::format("{}: offset {}: {}", file, offset, problem)),
      file_(std::move(file)), offset_(offset), problem_(std::move(problem)) {}

} // namespace ltt
