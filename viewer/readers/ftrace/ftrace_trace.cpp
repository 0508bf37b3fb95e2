// Recognising ftrace files by their content (readers/open.cpp asks).
#include "ftrace_trace.hpp"

#include "text_head.hpp"

#include <ltt/errors.hpp>

#include <array>
#include <fstream>
#include <string_view>
#include <system_error>

namespace fs = std::filesystem;

namespace ltt::viewer {

namespace {

// Enough for any header (12 lines) and the first event line.
constexpr std::size_t head_lines = 64;

std::array<char, 10> first_bytes(const fs::path& file) {
    std::array<char, 10> b{};
    std::ifstream in(file, std::ios::binary);
    in.read(b.data(), b.size());
    return b;
}

} // namespace

bool is_ftrace_text(const fs::path& file) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
        return false;
    const auto b = first_bytes(file);
    const bool gzip = b[0] == '\x1f' && b[1] == '\x8b';
    try {
        const text_head head = read_text_head(file, head_lines);
        return head.form.has_value() || !head.header.tracer.empty();
    } catch (const ltt::format_error&) {
        // A gzip file broken in its first blocks: the reader's own error
        // (file, offset) says more than "not a trace".
        return gzip;
    } catch (const std::exception&) {
        return false;
    }
}

bool is_trace_cmd_file(const fs::path& file) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
        return false;
    // trace-cmd's magic: 0x17 0x08 0x44 then "tracing" (trace-cmd.dat(5)).
    static constexpr std::string_view magic{"\x17\x08\x44tracing", 10};
    const auto b = first_bytes(file);
    return std::string_view(b.data(), b.size()) == magic;
}

} // namespace ltt::viewer
