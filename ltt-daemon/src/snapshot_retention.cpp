#include "snapshot_retention.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string_view>
#include <tuple>

namespace lttd {

namespace {

// "snapshot-<n>-<YYYYMMDDTHHMMSS>" (session.cpp names them so): the time
// orders snapshots of different lttd runs (each numbers from 1), the number
// those of the same second.
struct snapshot_name {
    std::string time;
    std::uint64_t number = 0;
};

std::optional<snapshot_name> parse_name(std::string_view name) {
    constexpr std::string_view prefix = "snapshot-";
    if (!name.starts_with(prefix))
        return std::nullopt;
    name.remove_prefix(prefix.size());
    snapshot_name n;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), n.number);
    if (ec != std::errc() || end == name.data() || end == name.data() + name.size() || *end != '-')
        return std::nullopt;
    n.time = std::string(end + 1, name.data() + name.size());
    if (n.time.size() != 15 || n.time[8] != 'T' ||
        !std::all_of(n.time.begin(), n.time.end(),
                     [](char c) { return c == 'T' || (c >= '0' && c <= '9'); }))
        return std::nullopt;
    return n;
}

std::uint64_t tree_bytes(const std::filesystem::path& dir) {
    std::uint64_t bytes = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code size_ec;
        if (it->is_regular_file(size_ec)) {
            const auto size = it->file_size(size_ec);
            if (!size_ec)
                bytes += size;
        }
    }
    return bytes;
}

} // namespace

std::vector<std::filesystem::path> choose_removals(const std::vector<snapshot_dir>& dirs,
                                                   const std::filesystem::path& current,
                                                   const retention_limits& limits) {
    std::uint64_t count = dirs.size();
    std::uint64_t bytes = 0;
    for (const auto& d : dirs)
        bytes += d.bytes;
    std::vector<std::filesystem::path> removals;
    for (const auto& d : dirs) {
        const bool too_many = limits.keep && count > *limits.keep;
        const bool too_big = limits.max_bytes && bytes > *limits.max_bytes;
        if (!too_many && !too_big)
            break;
        if (d.path == current)
            continue;
        removals.push_back(d.path);
        count--;
        bytes -= d.bytes;
    }
    return removals;
}

std::vector<snapshot_dir> list_snapshots(const std::filesystem::path& output) {
    std::vector<std::pair<snapshot_name, snapshot_dir>> found;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(output, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        std::error_code type_ec;
        if (!it->is_directory(type_ec) || it->is_symlink(type_ec))
            continue;
        if (auto name = parse_name(it->path().filename().string()))
            found.push_back({std::move(*name), {it->path(), tree_bytes(it->path())}});
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return std::tie(a.first.time, a.first.number) < std::tie(b.first.time, b.first.number);
    });
    std::vector<snapshot_dir> dirs;
    for (auto& f : found)
        dirs.push_back(std::move(f.second));
    return dirs;
}

retention_result apply_retention(const std::filesystem::path& output,
                                 const std::filesystem::path& current,
                                 const retention_limits& limits) {
    retention_result result;
    if (!limits.any())
        return result;
    const auto dirs = list_snapshots(output);
    for (const auto& path : choose_removals(dirs, current, limits)) {
        const auto it = std::find_if(dirs.begin(), dirs.end(),
                                     [&](const snapshot_dir& d) { return d.path == path; });
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
        if (ec) {
            result.errors.push_back(
                fmt::format("cannot remove {}: {}", path.string(), ec.message()));
            continue;
        }
        result.removed.push_back(path.string());
        result.bytes_removed += it->bytes;
    }
    return result;
}

} // namespace lttd
