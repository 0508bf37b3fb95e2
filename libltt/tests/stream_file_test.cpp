#include "temp_dir.hpp"

#include <ltt/stream_file.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <string>
#include <sys/resource.h>
#include <system_error>
#include <vector>

namespace {

std::vector<std::byte> filled(std::size_t n, unsigned char v) {
    return std::vector<std::byte>(n, static_cast<std::byte>(v));
}

// Lowers the file size limit for the scope, so writes fail with EFBIG part
// way through a packet (a stand-in for ENOSPC that needs no special mount).
class file_size_limit {
public:
    explicit file_size_limit(rlim_t bytes) {
        old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
        getrlimit(RLIMIT_FSIZE, &old_);
        rlimit lim = old_;
        lim.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &lim);
    }
    ~file_size_limit() {
        setrlimit(RLIMIT_FSIZE, &old_);
        std::signal(SIGXFSZ, old_handler_);
    }

private:
    rlimit old_{};
    void (*old_handler_)(int) = nullptr;
};

} // namespace

TEST(StreamFile, AppendsWholePackets) {
    ltt_test::temp_dir dir;
    ltt::stream_file f(dir.path() / "cpu_0");
    f.append(filled(100, 1));
    f.append(filled(60, 2));
    EXPECT_EQ(f.size(), 160u);
    f.close();
    f.close(); // idempotent
    EXPECT_EQ(std::filesystem::file_size(dir.path() / "cpu_0"), 160u);
}

TEST(StreamFile, RefusesToOverwrite) {
    ltt_test::temp_dir dir;
    { ltt::stream_file f(dir.path() / "cpu_0"); }
    try {
        ltt::stream_file f(dir.path() / "cpu_0");
        FAIL() << "no error";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), EEXIST);
        EXPECT_NE(std::string(e.what()).find("cpu_0"), std::string::npos);
    }
}

TEST(StreamFile, WriteErrorTruncatesBackToLastPacket) {
    ltt_test::temp_dir dir;
    const auto path = dir.path() / "xen_1";
    ltt::stream_file f(path);
    {
        file_size_limit limit(1000);
        f.append(filled(400, 1));
        f.append(filled(400, 2));
        try {
            f.append(filled(400, 3)); // 200 bytes fit, then EFBIG
            FAIL() << "no error";
        } catch (const std::system_error& e) {
            EXPECT_EQ(e.code().value(), EFBIG);
            EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos);
        }
        EXPECT_EQ(f.size(), 800u);
        EXPECT_EQ(std::filesystem::file_size(path), 800u);
        f.append(filled(200, 4)); // what fits still goes in
    }
    f.append(filled(400, 5));
    f.close();
    EXPECT_EQ(std::filesystem::file_size(path), 1400u);
}
