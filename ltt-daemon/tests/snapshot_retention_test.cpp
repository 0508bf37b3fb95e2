#include "snapshot_retention.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

using lttd::apply_retention;
using lttd::choose_removals;
using lttd::list_snapshots;
using lttd::retention_limits;
using lttd::snapshot_dir;
namespace fs = std::filesystem;

namespace {

std::vector<snapshot_dir> dirs(std::initializer_list<std::uint64_t> sizes) {
    std::vector<snapshot_dir> out;
    int i = 0;
    for (const auto s : sizes)
        out.push_back({fs::path("s" + std::to_string(i++)), s});
    return out;
}

std::vector<fs::path> paths(std::initializer_list<const char*> names) {
    std::vector<fs::path> out;
    for (const auto* n : names)
        out.emplace_back(n);
    return out;
}

class temp_dir {
public:
    temp_dir() {
        std::string t = (fs::temp_directory_path() / "lttd-retention.XXXXXX").string();
        path_ = ::mkdtemp(t.data());
    }
    ~temp_dir() { fs::remove_all(path_); }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

void write_file(const fs::path& p, std::size_t bytes) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << std::string(bytes, 'x');
}

} // namespace

TEST(SnapshotRetention, NoLimitRemovesNothing) {
    EXPECT_TRUE(choose_removals(dirs({10, 20, 30}), "s2", {}).empty());
}

TEST(SnapshotRetention, KeepNRemovesOldestFirst) {
    EXPECT_EQ(choose_removals(dirs({1, 1, 1, 1, 1}), "s4", {3, std::nullopt}), paths({"s0", "s1"}));
    EXPECT_TRUE(choose_removals(dirs({1, 1, 1}), "s2", {3, std::nullopt}).empty());
}

TEST(SnapshotRetention, MaxBytesRemovesOldestUntilUnder) {
    // 100+200+300+400 = 1000; limit 750: remove 100 (900), 200 (700).
    EXPECT_EQ(choose_removals(dirs({100, 200, 300, 400}), "s3", {std::nullopt, 750}),
              paths({"s0", "s1"}));
    // Exactly at the limit is within it.
    EXPECT_TRUE(choose_removals(dirs({100, 200}), "s1", {std::nullopt, 300}).empty());
}

TEST(SnapshotRetention, BothLimitsTheStricterWins) {
    EXPECT_EQ(choose_removals(dirs({10, 10, 10, 10}), "s3", {3, 15}), paths({"s0", "s1", "s2"}));
    EXPECT_EQ(choose_removals(dirs({10, 10, 10, 10}), "s3", {1, 1000}), paths({"s0", "s1", "s2"}));
}

TEST(SnapshotRetention, NeverTheOneBeingWritten) {
    // The newest alone is over the byte limit: everything else goes, it stays.
    EXPECT_EQ(choose_removals(dirs({10, 10, 500}), "s2", {std::nullopt, 100}), paths({"s0", "s1"}));
    // The current one is not the newest by name (a clock set back): kept anyway.
    EXPECT_EQ(choose_removals(dirs({10, 10, 10}), "s0", {1, std::nullopt}), paths({"s1", "s2"}));
}

TEST(SnapshotRetention, ListsOnlyLttdSnapshotsOldestFirst) {
    temp_dir t;
    // Two runs of lttd (each numbers from 1) and one second with two snapshots.
    write_file(t.path() / "snapshot-1-20261207T030000" / "a", 10);
    write_file(t.path() / "snapshot-2-20261207T030000" / "a", 20);
    write_file(t.path() / "snapshot-1-20261207T040000" / "x" / "b", 30);
    write_file(t.path() / "snapshot-12-20261206T230000" / "a", 40);
    // Not snapshots: kept out of the count and never removed.
    write_file(t.path() / "snapshot-x-20261207T030000" / "a", 1);
    write_file(t.path() / "snapshot-3-2026" / "a", 1);
    write_file(t.path() / "mine" / "a", 1);
    write_file(t.path() / "snapshot-4-20261207T050000", 1); // a file
    const auto found = list_snapshots(t.path());
    ASSERT_EQ(found.size(), 4u);
    EXPECT_EQ(found[0].path.filename(), "snapshot-12-20261206T230000");
    EXPECT_EQ(found[1].path.filename(), "snapshot-1-20261207T030000");
    EXPECT_EQ(found[2].path.filename(), "snapshot-2-20261207T030000");
    EXPECT_EQ(found[3].path.filename(), "snapshot-1-20261207T040000");
    EXPECT_EQ(found[0].bytes, 40u);
    EXPECT_EQ(found[3].bytes, 30u);
}

TEST(SnapshotRetention, ApplyRemovesDirectories) {
    temp_dir t;
    for (int i = 1; i <= 4; i++)
        write_file(t.path() /
                       ("snapshot-" + std::to_string(i) + "-20261207T03000" + std::to_string(i)) /
                       "stream",
                   100);
    write_file(t.path() / "index.json", 5);
    const auto current = t.path() / "snapshot-4-20261207T030004";
    const auto r = apply_retention(t.path(), current, {2, std::nullopt});
    EXPECT_EQ(r.removed.size(), 2u);
    EXPECT_EQ(r.bytes_removed, 200u);
    EXPECT_TRUE(r.errors.empty());
    EXPECT_FALSE(fs::exists(t.path() / "snapshot-1-20261207T030001"));
    EXPECT_FALSE(fs::exists(t.path() / "snapshot-2-20261207T030002"));
    EXPECT_TRUE(fs::exists(t.path() / "snapshot-3-20261207T030003"));
    EXPECT_TRUE(fs::exists(current));
    EXPECT_TRUE(fs::exists(t.path() / "index.json"));
}
