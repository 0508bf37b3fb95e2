#include "culprit_file.hpp"

#include "bt2_ref.hpp"
#include "init_probe.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;

namespace ltt::viewer::bt2 {

namespace {

// A directory removed with its content when it goes out of scope.
class scratch_dir {
public:
    scratch_dir() {
        std::error_code ec;
        std::string pattern = (fs::temp_directory_path(ec) / "ltt-view-bt2-XXXXXX").string();
        if (!ec && mkdtemp(pattern.data()) != nullptr)
            path_ = pattern;
    }
    ~scratch_dir() {
        if (!path_.empty()) {
            std::error_code ec;
            fs::remove_all(path_, ec);
        }
    }
    scratch_dir(const scratch_dir&) = delete;
    scratch_dir& operator=(const scratch_dir&) = delete;
    const fs::path& path() const noexcept { return path_; }

private:
    fs::path path_;
};

// In a child process: babeltrace2 may abort on the file.
bool opens(const bt_component_class_source* fs_class, const fs::path& dir) {
    const value_ref params(bt_value_map_create());
    const value_ref inputs(bt_value_array_create());
    if (!params || !inputs ||
        bt_value_array_append_string_element(inputs.get(), dir.c_str()) !=
            BT_VALUE_ARRAY_APPEND_ELEMENT_STATUS_OK ||
        bt_value_map_insert_entry(params.get(), "inputs", inputs.get()) !=
            BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK)
        return true; // cannot tell
    std::error_code ec;
    std::uint64_t bytes = 0;
    for (const fs::directory_entry& e : fs::directory_iterator(dir, ec))
        bytes += e.file_size(ec);
    return probe_in_child(fs_class, params.get(), opening_cpu_budget(bytes)).opened;
}

} // namespace

std::optional<fs::path> culprit_file(const bt_component_class_source* fs_class,
                                     const fs::path& trace_dir) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const fs::directory_entry& e : fs::directory_iterator(trace_dir, ec)) {
        const std::string name = e.path().filename().string();
        if (e.is_regular_file(ec) && name != "metadata" && !name.starts_with("."))
            files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    if (files.size() == 1)
        return files.front();
    // A bound on the time spent explaining an error.
    if (files.empty() || files.size() > 1024)
        return std::nullopt;
    const fs::path metadata = fs::absolute(trace_dir / "metadata", ec);
    for (const fs::path& file : files) {
        const scratch_dir scratch;
        if (scratch.path().empty())
            return std::nullopt;
        fs::create_symlink(metadata, scratch.path() / "metadata", ec);
        if (!ec)
            fs::create_symlink(fs::absolute(file, ec), scratch.path() / file.filename(), ec);
        if (ec)
            return std::nullopt;
        if (!opens(fs_class, scratch.path()))
            return file;
    }
    return std::nullopt;
}

} // namespace ltt::viewer::bt2
