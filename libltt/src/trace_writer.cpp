#include <ltt/packet_header.hpp>
#include <ltt/trace_writer.hpp>

#include "durable_file.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <system_error>

namespace ltt {

trace_writer::trace_writer(trace_writer_options options) : options_(std::move(options)) {
    if (options_.subdir.empty() || options_.subdir.is_absolute())
        throw std::invalid_argument(fmt::format("trace subdirectory `{}` must be a relative path",
                                                options_.subdir.string()));
    if (options_.stream_prefix.empty() || options_.stream_prefix.find('/') != std::string::npos ||
        options_.stream_prefix[0] == '.')
        throw std::invalid_argument(
            fmt::format("bad stream file prefix `{}`", options_.stream_prefix));
    dir_ = options_.root / options_.subdir;
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec)
        throw std::system_error(ec, fmt::format("{}: create directory", dir_.string()));
    const auto metadata = dir_ / "metadata";
    if (std::filesystem::exists(metadata, ec))
        throw std::invalid_argument(fmt::format(
            "{} already holds a trace (it has a metadata file); refusing to mix two recordings",
            dir_.string()));
    detail::write_file_durably(metadata, options_.metadata);
}

trace_writer::~trace_writer() {
    try {
        close();
    } catch (...) {
        // close() reports errors to callers who ask; a destructor cannot.
    }
}

trace_writer::stream& trace_writer::stream_of(std::uint32_t cpu) {
    if (closed_)
        throw std::logic_error(fmt::format("{}: trace writer used after close", dir_.string()));
    auto it = streams_.find(cpu);
    if (it == streams_.end()) {
        const std::string name = fmt::format("{}{}", options_.stream_prefix, cpu);
        stream s{stream_file(dir_ / name), {}, false, 0};
        s.stats.cpu = cpu;
        s.stats.file = name;
        it = streams_.emplace(cpu, std::move(s)).first;
    }
    return it->second;
}

void trace_writer::add_stream(std::uint32_t cpu) {
    stream_of(cpu);
}

void trace_writer::write_packet(std::uint32_t cpu, std::span<const std::byte> packet,
                                std::uint64_t records) {
    const auto bad = [&](const std::string& why) {
        throw std::invalid_argument(
            fmt::format("{}: packet for cpu {} rejected: {}", dir_.string(), cpu, why));
    };
    if (packet.size() < packet_header_size)
        bad(fmt::format("{} bytes, shorter than the packet header", packet.size()));
    const packet_header h = decode_packet_header(
        std::span<const std::byte, packet_header_size>(packet.data(), packet_header_size));
    if (h.magic != ctf_magic)
        bad(fmt::format("bad magic 0x{:08x}", h.magic));
    if (h.packet_size != std::uint64_t{packet.size()} * 8)
        bad(fmt::format("packet_size {} bits but {} bytes given", h.packet_size, packet.size()));
    if (h.content_size > h.packet_size || h.content_size < packet_header_size * 8)
        bad(fmt::format("content_size {} bits outside [{}, packet_size {}]", h.content_size,
                        packet_header_size * 8, h.packet_size));
    if (h.cpu_id != cpu || h.stream_instance_id != cpu)
        bad(fmt::format("it says cpu_id {}, stream_instance_id {}", h.cpu_id,
                        h.stream_instance_id));

    stream& s = stream_of(cpu);
    s.file.append(packet);
    stream_stats& st = s.stats;
    if (!s.have_packet)
        st.first_tsc = h.timestamp_begin;
    else if (h.packet_seq_num > s.last_seq + 1)
        st.packets_lost += h.packet_seq_num - s.last_seq - 1;
    s.have_packet = true;
    s.last_seq = h.packet_seq_num;
    st.last_tsc = h.timestamp_end;
    st.events_discarded = h.events_discarded;
    st.packets += 1;
    st.bytes += packet.size();
    st.records += records;
}

void trace_writer::sync() {
    for (auto& [cpu, s] : streams_)
        s.file.sync();
}

void trace_writer::close() {
    if (closed_)
        return;
    closed_ = true;
    // Close every stream even if one fails; report the first failure.
    std::exception_ptr first;
    for (auto& [cpu, s] : streams_) {
        try {
            s.file.close();
        } catch (...) {
            if (!first)
                first = std::current_exception();
        }
    }
    try {
        detail::sync_directory(dir_);
    } catch (...) {
        if (!first)
            first = std::current_exception();
    }
    if (first)
        std::rethrow_exception(first);
}

std::vector<stream_stats> trace_writer::stats() const {
    std::vector<stream_stats> out;
    out.reserve(streams_.size());
    for (const auto& [cpu, s] : streams_)
        out.push_back(s.stats);
    return out;
}

} // namespace ltt
