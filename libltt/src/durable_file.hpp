// Small files that must be either absent or complete on disk (metadata,
// index.json): written to a hidden temporary beside the target, synced, then
// renamed over it. Internal to libltt.
#pragma once

#include <filesystem>
#include <string_view>

namespace ltt::detail {

// std::system_error naming the file on failure (the temporary is removed).
void write_file_durably(const std::filesystem::path& path, std::string_view contents);

// fsync of a directory, so new entries in it survive a crash.
void sync_directory(const std::filesystem::path& dir);

} // namespace ltt::detail
