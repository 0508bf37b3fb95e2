// Writing outputs: all files appear with their contents, nothing is left
// behind when writing fails, and files genevent does not own are kept.
#include "diagnostic.hpp"
#include "output_writer.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace genevent {
namespace {

namespace fs = std::filesystem;

class OutputWriter : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "genevent-writer-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        root_ = pattern;
    }
    void TearDown() override { fs::remove_all(root_); }

    static std::string read(const fs::path& path) {
        std::ifstream in(path);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    std::vector<std::string> entries(const fs::path& dir) const {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(dir)) {
            names.push_back(entry.path().filename().string());
        }
        std::sort(names.begin(), names.end());
        return names;
    }

    fs::path root_;
    const Outputs outputs_{{"a.h", "first\n"}, {"b.h", "second\n"}};
};

TEST_F(OutputWriter, CreatesAMissingDirectoryWithItsParents) {
    const fs::path dir = root_ / "deep" / "out";
    write_outputs(dir.string(), outputs_);
    EXPECT_EQ(entries(dir), (std::vector<std::string>{"a.h", "b.h"}));
    EXPECT_EQ(read(dir / "a.h"), "first\n");
    EXPECT_EQ(read(dir / "b.h"), "second\n");
    // No temporary left beside it.
    EXPECT_EQ(entries(root_ / "deep"), (std::vector<std::string>{"out"}));
}

TEST_F(OutputWriter, ReplacesFilesInAnExistingDirectoryAndKeepsOthers) {
    const fs::path dir = root_ / "out";
    fs::create_directory(dir);
    std::ofstream(dir / "a.h") << "old\n";
    std::ofstream(dir / "mine.txt") << "keep\n";
    write_outputs(dir.string() + "/", outputs_);
    EXPECT_EQ(entries(dir), (std::vector<std::string>{"a.h", "b.h", "mine.txt"}));
    EXPECT_EQ(read(dir / "a.h"), "first\n");
    EXPECT_EQ(read(dir / "mine.txt"), "keep\n");
}

TEST_F(OutputWriter, FailureLeavesNothingBehind) {
    // A file where the output directory's parent should be.
    std::ofstream(root_ / "blocker") << "x";
    EXPECT_THROW(write_outputs((root_ / "blocker" / "out").string(), outputs_), Diagnostic);
    EXPECT_THROW(write_outputs((root_ / "blocker").string(), outputs_), Diagnostic);
    EXPECT_EQ(entries(root_), (std::vector<std::string>{"blocker"}));

    // An output whose name is taken by a directory cannot be renamed into
    // place: the other file must not have been replaced either.
    const fs::path dir = root_ / "out";
    fs::create_directories(dir / "b.h" / "child");
    std::ofstream(dir / "a.h") << "old\n";
    EXPECT_THROW(write_outputs(dir.string(), outputs_), Diagnostic);
    EXPECT_EQ(entries(dir), (std::vector<std::string>{"a.h", "b.h"}));
    EXPECT_EQ(read(dir / "a.h"), "old\n");
}

} // namespace
} // namespace genevent
