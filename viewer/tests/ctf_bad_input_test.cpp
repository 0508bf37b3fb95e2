// Damaged copies of every file of every LTTng trace of the shared testdata,
// read by the generic CTF reader: each gives one error naming the damaged
// file (or, for a stream babeltrace2 groups from rotated files, the
// stream's first file), never a crash, a hang or a silently shorter read.
#include "../core/event_class.hpp"
#include "../readers/bt2/ctf_reader.hpp"
#include "scratch_dir.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <regex>

namespace fs = std::filesystem;
using namespace ltt::viewer;

namespace {

fs::path lttng_ctf() {
    const char* dir = std::getenv("LTT_TESTDATA_DIR");
    if (dir == nullptr)
        throw std::runtime_error("LTT_TESTDATA_DIR is not set (run the test through ctest)");
    return fs::path(dir) / "lttng-ctf";
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Opens and reads the trace, the streams in turn an event at a time (as the
// merge does, so a damaged stream is reached early). The error's message,
// or "" when the whole trace read.
std::string read_error(const fs::path& trace) {
    try {
        class_registry classes;
        const auto reader = open_ctf_trace(trace, classes, {});
        std::vector<event_stream*> live(reader->streams().begin(), reader->streams().end());
        event e;
        while (!live.empty()) {
            for (std::size_t i = 0; i < live.size();) {
                if (live[i]->next(e))
                    ++i;
                else
                    live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
            }
        }
        return {};
    } catch (const std::exception& e) {
        return e.what();
    }
}

// The name an error about `file` may use: babeltrace2 calls a stream of
// rotated files (LTTng's <channel>_<cpu>_<n>) by its first file.
std::vector<std::string> names_of(const fs::path& file) {
    std::vector<std::string> names{file.string()};
    static const std::regex rotated(R"((.*_\d+_)\d+)");
    std::smatch m;
    const std::string name = file.filename().string();
    if (std::regex_match(name, m, rotated))
        names.push_back((file.parent_path() / (m[1].str() + "0")).string());
    return names;
}

bool names_file(const std::string& message, const fs::path& file) {
    for (const std::string& n : names_of(file)) {
        if (message.find(n) != std::string::npos)
            return true;
    }
    return false;
}

class ctf_bad_input : public testing::TestWithParam<const char*> {};

} // namespace

TEST_P(ctf_bad_input, every_damaged_file_gives_an_error_naming_it) {
    test::scratch_dir work;
    const fs::path trace = work.path() / "trace";
    fs::create_directories(trace);
    // Without index/: an index would describe the original files.
    std::vector<fs::path> files;
    for (const fs::directory_entry& e : fs::directory_iterator(lttng_ctf() / GetParam())) {
        if (!e.is_regular_file())
            continue;
        files.push_back(trace / e.path().filename());
        write(files.back(), slurp(e.path()));
    }
    std::sort(files.begin(), files.end());
    ASSERT_EQ(read_error(trace), "") << "the undamaged copy must read";

    for (const fs::path& file : files) {
        const std::string original = slurp(file);
        const bool is_metadata = file.filename() == "metadata";
        struct damage {
            const char* what;
            std::string bytes;
        };
        std::vector<damage> damages;
        // Cut in the middle (inside a packet).
        damages.push_back({"truncated", original.substr(0, original.size() / 2 + 1)});
        // A first packet's magic number (stream) or signature (metadata).
        damages.push_back({"bad magic", "\xde\xad\xbe\xef" + original.substr(4)});
        if (!is_metadata) {
            // Event headers of 0xff: the extended id 0xffffffff, in the first
            // packet, past LTTng's packet header and context.
            std::string corrupt = original;
            ASSERT_GT(corrupt.size(), 264u);
            std::fill(corrupt.begin() + 200, corrupt.begin() + 264, '\xff');
            damages.push_back({"corrupted events", corrupt});
        }
        for (const damage& d : damages) {
            SCOPED_TRACE(fmt::format("{} {}", file.filename().string(), d.what));
            write(file, d.bytes);
            const std::string message = read_error(trace);
            EXPECT_NE(message, "") << "read without an error";
            if (is_metadata)
                EXPECT_NE(message.find("metadata"), std::string::npos) << message;
            else
                EXPECT_TRUE(names_file(message, file)) << message;
        }
        write(file, original);
    }
}

INSTANTIATE_TEST_SUITE_P(lttng, ctf_bad_input,
                         testing::Values("bug446190", "flipping-endianness", "many-threads",
                                         "tracefile-rotation/trace/kernel", "ust-qemu-guest",
                                         "vm-scp/scp_src", "vm-scp/scp_dest"),
                         [](const testing::TestParamInfo<const char*>& param) {
                             std::string name = param.param;
                             for (char& c : name) {
                                 if (!std::isalnum(static_cast<unsigned char>(c)))
                                     c = '_';
                             }
                             return name;
                         });
