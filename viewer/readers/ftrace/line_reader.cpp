#include "line_reader.hpp"

#include <ltt/errors.hpp>

#include <fmt/format.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace ltt::viewer {

namespace {

constexpr std::size_t block = 64 * 1024;

} // namespace

// zlib's inflate over the raw bytes, member after member (gzip -d reads
// concatenated members as one file, and so does this). gzread() would be
// shorter but says neither where a stream broke nor whether bytes follow the
// last member: it ignores them.
class line_reader::gzip_stream {
public:
    explicit gzip_stream(line_reader& owner) : owner_(owner) {
        if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK)
            throw std::bad_alloc();
    }
    ~gzip_stream() { inflateEnd(&z_); }
    gzip_stream(const gzip_stream&) = delete;
    gzip_stream& operator=(const gzip_stream&) = delete;

    // Up to `size` decompressed bytes; 0 at the end of the last member.
    std::size_t read(char* out, std::size_t size) {
        z_.next_out = reinterpret_cast<Bytef*>(out);
        z_.avail_out = static_cast<uInt>(size);
        while (z_.avail_out == size) {
            if (z_.avail_in == 0 && !refill()) {
                if (in_member_)
                    throw ltt::format_error(owner_.name_, owner_.raw_offset_,
                                            "gzip data cut short: the file ends inside a "
                                            "compressed member");
                return 0;
            }
            if (!in_member_) {
                // Another member must start here, or the file is not gzip.
                if (!starts_member())
                    throw ltt::format_error(owner_.name_, consumed(),
                                            "bytes after the end of the gzip data (not another "
                                            "gzip member)");
                inflateReset(&z_);
                in_member_ = true;
            }
            const int r = inflate(&z_, Z_NO_FLUSH);
            if (r == Z_STREAM_END) {
                in_member_ = false;
            } else if (r != Z_OK && r != Z_BUF_ERROR) {
                throw ltt::format_error(
                    owner_.name_, consumed(),
                    fmt::format("corrupt gzip data ({})", z_.msg != nullptr ? z_.msg : zError(r)));
            }
        }
        return size - z_.avail_out;
    }

private:
    bool refill() {
        const std::size_t n = owner_.read_raw(in_.get(), block);
        z_.next_in = reinterpret_cast<Bytef*>(in_.get());
        z_.avail_in = static_cast<uInt>(n);
        return n != 0;
    }
    // Offset in the file of the next compressed byte.
    std::uint64_t consumed() const noexcept { return owner_.raw_offset_ - z_.avail_in; }
    bool starts_member() {
        // Both magic bytes, even when a block boundary splits them.
        if (z_.avail_in < 2) {
            const unsigned char first = z_.next_in[0];
            if (!refill_keeping(first))
                return false;
        }
        return z_.next_in[0] == 0x1f && z_.next_in[1] == 0x8b;
    }
    bool refill_keeping(unsigned char first) {
        in_[0] = static_cast<char>(first);
        const std::size_t n = owner_.read_raw(in_.get() + 1, block - 1);
        z_.next_in = reinterpret_cast<Bytef*>(in_.get());
        z_.avail_in = static_cast<uInt>(n + 1);
        return n != 0;
    }

    line_reader& owner_;
    z_stream z_{};
    std::unique_ptr<char[]> in_{new char[block]};
    bool in_member_ = false;
};

line_reader::line_reader(const std::filesystem::path& file) : name_(file.string()) {
    fd_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0)
        throw std::system_error(errno, std::generic_category(), name_);
    unsigned char magic[2] = {};
    const ssize_t n = ::pread(fd_, magic, sizeof magic, 0);
    gzip_ = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    if (gzip_)
        inflater_ = std::make_unique<gzip_stream>(*this);
    buf_.reset(new char[block]);
    capacity_ = block;
}

line_reader::~line_reader() {
    if (fd_ >= 0)
        ::close(fd_);
}

std::size_t line_reader::read_raw(char* out, std::size_t size) {
    for (;;) {
        const ssize_t n = ::read(fd_, out, size);
        if (n >= 0) {
            raw_offset_ += static_cast<std::uint64_t>(n);
            return static_cast<std::size_t>(n);
        }
        if (errno != EINTR)
            throw std::system_error(errno, std::generic_category(),
                                    fmt::format("{}: offset {}", name_, raw_offset_));
    }
}

bool line_reader::fill() {
    if (at_end_)
        return false;
    if (begin_ > 0) {
        // Keep the unread part only.
        std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (capacity_ - end_ < block / 2) {
        // A line longer than what is free: a bigger buffer.
        std::unique_ptr<char[]> bigger(new char[capacity_ * 2]);
        std::memcpy(bigger.get(), buf_.get(), end_);
        buf_ = std::move(bigger);
        capacity_ *= 2;
    }
    char* out = buf_.get() + end_;
    const std::size_t room = capacity_ - end_;
    const std::size_t n = gzip_ ? inflater_->read(out, room) : read_raw(out, room);
    if (n == 0) {
        at_end_ = true;
        return false;
    }
    end_ += n;
    return true;
}

bool line_reader::next(std::string_view& line) {
    for (;;) {
        const char* start = buf_.get() + begin_;
        const std::size_t have = end_ - begin_;
        if (const void* nl = std::memchr(start + scanned_, '\n', have - scanned_)) {
            const std::size_t len = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
            line = std::string_view(start, len);
            begin_ += len + 1;
            scanned_ = 0;
            ++line_number_;
            return true;
        }
        scanned_ = have;
        if (have > max_line)
            throw ltt::parse_error(
                name_, line_number_ + 1,
                fmt::format("line longer than {} bytes: not ftrace text", max_line));
        if (!fill()) {
            if (have != 0)
                throw ltt::parse_error(name_, line_number_ + 1,
                                       "the file ends in the middle of this line (cut short?)");
            return false;
        }
    }
}

} // namespace ltt::viewer
