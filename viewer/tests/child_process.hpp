// tests/child_process.hpp - runs a program (no shell, no quoting) and
// returns its exit status, stdout and stderr, through files in a scratch
// directory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ltt::viewer::test {

struct child_result {
    int exit_status = -1; // -1 when it did not exit normally (a signal)
    std::string out;
    std::string err;
};

child_result run_child(const std::vector<std::string>& argv, const std::filesystem::path& scratch);

} // namespace ltt::viewer::test
