// readers/ftrace/line_reader.hpp - the lines of a text file, plain or
// gzip'd (recognised by the gzip magic, not the name), read block by block:
// memory stays bounded by the block size and the longest line, whatever the
// file's size.
//
// A file that does not end as it should is an error, never a shorter
// trace: a gzip stream cut short or corrupted (zlib's check of the data),
// bytes after the last gzip member that are not another member, a last line
// without its '\n' (ftrace ends every line with one), a line longer than
// max_line. Errors are ltt::format_error (file, byte offset: in the
// compressed file for gzip) for what is wrong with the bytes, and
// ltt::parse_error (file, line) for a line too long.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace ltt::viewer {

class line_reader {
public:
    // Longer lines are refused (ftrace's own limit is a page per event).
    static constexpr std::size_t max_line = 1 << 20;

    // Opens `file` (std::system_error naming it when it cannot be read).
    explicit line_reader(const std::filesystem::path& file);
    ~line_reader();
    line_reader(const line_reader&) = delete;
    line_reader& operator=(const line_reader&) = delete;

    // The next line, without its '\n'; valid until the next call. False
    // after the last line.
    bool next(std::string_view& line);

    // 1-based number of the line next() returned last.
    std::uint64_t line_number() const noexcept { return line_number_; }
    const std::string& name() const noexcept { return name_; }
    bool gzip() const noexcept { return gzip_; }

private:
    class gzip_stream;

    // Appends what the file gives next to buf_; false at its end.
    bool fill();
    std::size_t read_raw(char* out, std::size_t size);

    std::string name_;
    int fd_ = -1;
    bool gzip_ = false;
    std::unique_ptr<gzip_stream> inflater_;
    // Not a std::vector: nothing needs the bytes zeroed first.
    std::unique_ptr<char[]> buf_;
    std::size_t capacity_ = 0;
    std::size_t begin_ = 0;        // first byte not handed out yet
    std::size_t end_ = 0;          // end of the bytes read so far
    std::size_t scanned_ = 0;      // bytes after begin_ known to hold no '\n'
    std::uint64_t raw_offset_ = 0; // bytes read from the file
    std::uint64_t line_number_ = 0;
    bool at_end_ = false;
};

} // namespace ltt::viewer
