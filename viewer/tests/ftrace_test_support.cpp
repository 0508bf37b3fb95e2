#include "ftrace_test_support.hpp"

#include "core/payload.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

namespace fs = std::filesystem;

namespace ltt::viewer::test {

temp_dir::temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "ltt-view-ftrace-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

temp_dir::~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

void write_file(const fs::path& file, const std::string& bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out)
        throw std::runtime_error("cannot write " + file.string());
}

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string gzip(const std::string& bytes) {
    temp_dir dir;
    const std::string name = (dir / "x.gz").string();
    gzFile f = gzopen(name.c_str(), "wb9");
    if (f == nullptr ||
        gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) !=
            static_cast<int>(bytes.size()) ||
        gzclose(f) != Z_OK)
        throw std::runtime_error("gzip failed");
    return read_file(name);
}

std::vector<read_event> read_streams(trace_reader& reader) {
    std::vector<read_event> out;
    for (event_stream* s : reader.streams()) {
        event e;
        while (s->next(e)) {
            read_event r;
            r.facility = e.cls->facility;
            r.name = e.cls->name;
            r.stream = s->info().name;
            r.cpu = e.cpu;
            r.ts = e.ts;
            field_cursor cursor(*e.cls->desc, e.payload);
            const ltt::field_desc* f = nullptr;
            field_value v;
            while (cursor.next(f, v)) {
                std::string text;
                switch (v.what) {
                case field_value::kind::string:
                    text = v.str;
                    break;
                case field_value::kind::signed_int:
                    text = std::to_string(v.s);
                    break;
                case field_value::kind::unsigned_int:
                    text = std::to_string(v.u);
                    break;
                case field_value::kind::array:
                    text = fmt::format("[{} bytes]", v.element.size());
                    break;
                }
                r.fields.emplace(std::string(f->name), std::move(text));
            }
            out.push_back(std::move(r));
        }
    }
    return out;
}

nlohmann::json text_facts(const fs::path& file, const std::string& option) {
    const std::string command =
        fmt::format("python3 '{}' {} '{}'", LTT_FTRACE_FACTS_SCRIPT, option, file.string());
    FILE* p = popen(command.c_str(), "r");
    if (p == nullptr)
        throw std::runtime_error("cannot run " + command);
    std::string out;
    char buf[65536];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    if (pclose(p) != 0)
        throw std::runtime_error(command + " failed");
    return nlohmann::json::parse(out);
}

fs::path testdata() {
    const char* dir = std::getenv("LTT_TESTDATA_DIR");
    return dir != nullptr ? fs::path(dir) : fs::path("../shared/testdata");
}

} // namespace ltt::viewer::test
