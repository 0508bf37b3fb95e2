#include "crash_guard.hpp"

#include <ltt/packet_header.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <vector>

using lttd::repair_stream_file;

namespace {

std::vector<std::byte> packet(std::size_t bytes) {
    std::vector<std::byte> p(bytes, std::byte{0x5a});
    ltt::packet_header h;
    h.packet_size = bytes * 8;
    h.content_size = bytes * 8;
    ltt::encode_packet_header(
        h, std::span<std::byte, ltt::packet_header_size>(p.data(), ltt::packet_header_size));
    return p;
}

struct temp_file {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("lttd-guard-test-" + std::to_string(::getpid()));
    ~temp_file() { std::filesystem::remove(path); }
    void write(const std::vector<std::vector<std::byte>>& parts, std::size_t cut_last = 0) {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        for (std::size_t i = 0; i < parts.size(); i++) {
            const std::size_t n =
                i + 1 == parts.size() && cut_last ? parts[i].size() - cut_last : parts[i].size();
            out.write(reinterpret_cast<const char*>(parts[i].data()), static_cast<long>(n));
        }
    }
    std::uintmax_t size() const { return std::filesystem::file_size(path); }
};

} // namespace

TEST(CrashGuard, RepairCutsATornLastPacket) {
    temp_file f;
    f.write({packet(200), packet(304), packet(512)}, 100);
    EXPECT_EQ(repair_stream_file(f.path, 0), 504u);
    EXPECT_EQ(f.size(), 504u);
}

TEST(CrashGuard, RepairKeepsWholePacketsPastTheRecordedSize) {
    temp_file f;
    f.write({packet(200), packet(304)});
    EXPECT_EQ(repair_stream_file(f.path, 200), 504u);
    EXPECT_EQ(f.size(), 504u);
}

TEST(CrashGuard, RepairCutsGarbageAndShortTails) {
    temp_file f;
    auto junk = packet(96);
    junk[0] = std::byte{0}; // wrong magic
    f.write({packet(200), junk});
    EXPECT_EQ(repair_stream_file(f.path, 200), 200u);
    f.write({packet(200), std::vector<std::byte>(40, std::byte{1})});
    EXPECT_EQ(repair_stream_file(f.path, 0), 200u);
}

TEST(CrashGuard, GuardianRepairsTrackedFilesWhenLttdGoes) {
    temp_file f;
    f.write({packet(200), packet(304)}, 50);
    auto guard = lttd::crash_guard::start();
    ASSERT_TRUE(guard);
    const int slot = guard->track(f.path);
    ASSERT_GE(slot, 0);
    guard->committed(slot, 200);
    guard.reset(); // the guardian sees its pipe close, as when lttd is killed
    EXPECT_EQ(f.size(), 200u);
}
