// Pages of a mapped file that every reader has passed leave the process's
// resident set (what keeps ltt-view's memory flat on big xentrace files);
// pages a reader may still need stay.
#include "readers/xentrace/mapped_residency.hpp"

#include <ltt/mapped_file.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace ltt::viewer {
namespace {

namespace fs = std::filesystem;

// Resident KiB of the mapping that starts at `start` (/proc/self/smaps).
std::uint64_t resident_kib(const void* start) {
    std::ifstream smaps("/proc/self/smaps");
    const std::string want = fmt::format("{:x}-", reinterpret_cast<std::uintptr_t>(start));
    bool in = false;
    for (std::string line; std::getline(smaps, line);) {
        if (line.find('-') != std::string::npos && line.find(' ') > line.find('-') &&
            std::isxdigit(static_cast<unsigned char>(line[0])))
            in = line.rfind(want, 0) == 0;
        else if (in && line.rfind("Rss:", 0) == 0)
            return std::stoull(line.substr(4));
    }
    return 0;
}

TEST(MappedResidency, DropsWhatEveryReaderPassed) {
    const fs::path file = fs::temp_directory_path() / fmt::format("ltt-residency-{}", ::getpid());
    {
        std::ofstream out(file, std::ios::binary);
        const std::vector<char> block(1 << 20, 'x');
        for (int i = 0; i < 64; ++i)
            out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
    const ltt::mapped_file map(file);
    fs::remove(file);
    const auto bytes = map.bytes();
    unsigned sum = 0;
    for (std::size_t i = 0; i < bytes.size(); i += 4096)
        sum += std::to_integer<unsigned>(bytes[i]);
    EXPECT_GT(sum, 0u);
    EXPECT_GE(resident_kib(bytes.data()), 60u * 1024);

    mapped_residency r(bytes, true, 2);
    r.passed(0, 48 << 20);
    // Reader 1 has not moved: nothing may go.
    EXPECT_GE(resident_kib(bytes.data()), 60u * 1024);
    r.passed(1, 40 << 20);
    for (int i = 0; i < 64; ++i) // the drop is looked at every few moves
        r.passed(1, 40 << 20);
    const std::uint64_t after = resident_kib(bytes.data());
    EXPECT_LE(after, 25u * 1024) << "the first 40 MiB should be dropped";
    EXPECT_GE(after, 23u * 1024) << "the last 24 MiB are still needed";
    // Dropped pages read again (from the page cache).
    EXPECT_EQ(std::to_integer<char>(bytes[0]), 'x');
}

} // namespace
} // namespace ltt::viewer
