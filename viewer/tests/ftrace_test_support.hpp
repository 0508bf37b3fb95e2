// What the ftrace reader tests share: temporary files (plain and gzip'd),
// reading every event of a trace into plain values, running the
// independent fact script (ftrace_text_facts.py).
#pragma once

#include "readers/reader.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ltt::viewer::test {

// A fresh directory under the system's temporary directory, removed after.
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const noexcept { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

void write_file(const std::filesystem::path& file, const std::string& bytes);
std::string read_file(const std::filesystem::path& file);
// gzip (zlib's gzwrite), one member.
std::string gzip(const std::string& bytes);

struct read_event {
    std::string facility;
    std::string name;
    std::string stream;
    std::uint32_t cpu = 0;
    std::uint64_t ts = 0;
    std::map<std::string, std::string> fields; // integers in decimal, strings as they are

    const std::string& at(const std::string& field) const { return fields.at(field); }
};

// Every event of every stream, stream after stream (not merged).
std::vector<read_event> read_streams(trace_reader& reader);

// ftrace_text_facts.py's JSON for `file`; `option`: "--xentrace",
// "--trace-cmd" (see the script).
nlohmann::json text_facts(const std::filesystem::path& file, const std::string& option = {});

// The test data directory (LTT_TESTDATA_DIR).
std::filesystem::path testdata();

} // namespace ltt::viewer::test
