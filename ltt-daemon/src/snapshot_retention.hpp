// snapshot_retention.hpp - keeps a flight recorder's snapshots within limits
// (at most N directories, at most M bytes), oldest removed first, never the
// one just written.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lttd {

struct retention_limits {
    std::optional<std::uint32_t> keep;
    std::optional<std::uint64_t> max_bytes;
    bool any() const { return keep.has_value() || max_bytes.has_value(); }
};

struct snapshot_dir {
    std::filesystem::path path;
    std::uint64_t bytes = 0;
};

// Which of `dirs` (oldest first) to remove so that what is left is within
// `limits`: the oldest go first, and `current` (the snapshot just written)
// stays even when it alone is over the byte limit.
std::vector<std::filesystem::path> choose_removals(const std::vector<snapshot_dir>& dirs,
                                                   const std::filesystem::path& current,
                                                   const retention_limits& limits);

// The snapshot directories lttd wrote under `output` (snapshot-<n>-<UTC
// time>, this run's and earlier runs'), oldest first, with the bytes of the
// files in each.
std::vector<snapshot_dir> list_snapshots(const std::filesystem::path& output);

struct retention_result {
    std::vector<std::string> removed;
    std::uint64_t bytes_removed = 0;
    std::vector<std::string> errors; // a directory that could not be removed
};

// list_snapshots + choose_removals + remove.
retention_result apply_retention(const std::filesystem::path& output,
                                 const std::filesystem::path& current,
                                 const retention_limits& limits);

} // namespace lttd
