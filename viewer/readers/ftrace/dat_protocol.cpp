#include "dat_protocol.hpp"

#include <cstring>

namespace ltt::viewer {

void dat_writer::begin(dat_message type) {
    start_ = out_.size();
    out_.push_back(static_cast<char>(type));
    u32(0);
}

void dat_writer::u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
        out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void dat_writer::u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void dat_writer::str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
}

void dat_writer::finish() {
    const auto length = static_cast<std::uint32_t>(out_.size() - start_ - 5);
    for (int i = 0; i < 4; ++i)
        out_[start_ + 1 + static_cast<std::size_t>(i)] =
            static_cast<char>((length >> (8 * i)) & 0xff);
}

std::string_view dat_body::take(std::size_t n) {
    if (bytes_.size() - pos_ < n)
        throw dat_garbled("message shorter than its contents");
    const std::string_view s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
}

std::uint32_t dat_body::u32() {
    const std::string_view b = take(4);
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
        v = v << 8 | static_cast<unsigned char>(b[static_cast<std::size_t>(i)]);
    return v;
}

std::uint64_t dat_body::u64() {
    const std::uint64_t lo = u32();
    const std::uint64_t hi = u32();
    return hi << 32 | lo;
}

std::string_view dat_body::str() {
    return take(u32());
}

namespace {

dat_field parse_field(dat_body& b) {
    dat_field f;
    f.name = b.str();
    f.type = b.str();
    f.offset = static_cast<std::int32_t>(b.u32());
    f.size = static_cast<std::int32_t>(b.u32());
    f.array_length = b.u32();
    f.element_size = b.u32();
    f.flags = b.u32();
    return f;
}

} // namespace

dat_header parse_header(dat_body b) {
    dat_header h;
    h.big_endian = b.u32() != 0;
    const std::uint32_t n = b.u32();
    for (std::uint32_t i = 0; i < n; ++i) {
        dat_buffer buffer;
        buffer.name = b.str();
        buffer.clock = b.str();
        buffer.cpus = b.u32();
        h.buffers.push_back(std::move(buffer));
    }
    if (!b.done())
        throw dat_garbled("header message longer than its contents");
    return h;
}

dat_format parse_format(dat_body b) {
    dat_format f;
    f.buffer = b.u32();
    f.id = static_cast<std::int32_t>(b.u32());
    f.system = b.str();
    f.name = b.str();
    f.ftrace = b.u32() != 0;
    if (b.u32() != 0)
        f.common_pid = parse_field(b);
    const std::uint32_t n = b.u32();
    for (std::uint32_t i = 0; i < n; ++i)
        f.fields.push_back(parse_field(b));
    if (!b.done())
        throw dat_garbled("format message longer than its contents");
    return f;
}

dat_record parse_record(dat_body b) {
    dat_record r;
    r.buffer = b.u32();
    r.cpu = b.u32();
    r.ts = b.u64();
    r.missed = static_cast<std::int64_t>(b.u64());
    r.offset = b.u64();
    r.data = b.str();
    r.comm = b.str();
    r.text = b.str();
    if (!b.done())
        throw dat_garbled("record message longer than its contents");
    return r;
}

} // namespace ltt::viewer
