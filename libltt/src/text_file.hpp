// Whole-file text reads for the small text inputs libltt parses (CTF
// fragments, index.json). Internal to libltt.
#pragma once

#include <filesystem>
#include <string>

namespace ltt::detail {

// The file's contents; std::system_error naming the file when it cannot be
// read.
std::string read_text_file(const std::filesystem::path& path);

} // namespace ltt::detail
