// Runs a program and captures its exit status, stdout and stderr (through
// files in a scratch directory: no shell, no quoting).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ctf_test {

struct process_result {
    int exit_status = -1; // -1 when it did not exit normally
    std::string out;
    std::string err;
};

process_result run_process(const std::vector<std::string>& argv,
                           const std::filesystem::path& scratch);

} // namespace ctf_test
