// ltt/trace_writer.hpp - writes one CTF trace directory of a recording
// session: <root>/<subdir>/metadata and one stream file per CPU, to which
// whole packets (sub-buffers, taken unchanged) are appended.
//
// DESIGN.md section 3: <out>/hypervisor/ (xen_<cpu>), <out>/dom0/kernel/,
// <out>/domU-<id>/kernel/, <out>/ust/<app>-<pid>/.
#pragma once

#include <ltt/stream_file.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace ltt {

struct trace_writer_options {
    std::filesystem::path root;         // the session's output directory
    std::filesystem::path subdir;       // this trace's directory, relative to root
    std::string stream_prefix = "cpu_"; // stream file of CPU n: prefix + n ("xen_" for Xen)
    std::string metadata;               // the complete TSDL text (write_metadata())
};

// What was written to one stream file.
struct stream_stats {
    std::uint32_t cpu = 0;
    std::string file; // name within the trace directory
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    std::uint64_t records = 0;          // as reported by the caller
    std::uint64_t events_discarded = 0; // the last packet's (cumulative) count
    std::uint64_t packets_lost = 0;     // gaps in packet_seq_num
    std::uint64_t first_tsc = 0;        // timestamp_begin of the first packet
    std::uint64_t last_tsc = 0;         // timestamp_end of the last packet
};

class trace_writer {
public:
    // Creates the directory and writes the metadata (synced). Fails with a
    // std::system_error naming the path, or std::invalid_argument when the
    // directory already holds a trace.
    explicit trace_writer(trace_writer_options options);
    // Closes what is still open; errors are lost: call close() to see them.
    ~trace_writer();
    trace_writer(const trace_writer&) = delete;
    trace_writer& operator=(const trace_writer&) = delete;

    // Creates CPU `cpu`'s stream file now (a CPU came online), if not yet.
    void add_stream(std::uint32_t cpu);

    // Appends one packet (packet_size / 8 bytes, header and context in place)
    // to CPU `cpu`'s stream, creating it on first use. `records` is the number
    // of event records in it, when the caller knows it (for the statistics).
    // std::invalid_argument when the bytes are not a packet of this CPU; on a
    // write error the stream keeps its complete packets and std::system_error
    // names the file.
    void write_packet(std::uint32_t cpu, std::span<const std::byte> packet,
                      std::uint64_t records = 0);

    // fsync every stream file.
    void sync();

    // fsync and close every file, then the directory; idempotent.
    void close();

    const std::filesystem::path& directory() const noexcept { return dir_; }
    const std::filesystem::path& subdir() const noexcept { return options_.subdir; }

    // One entry per stream file, by CPU.
    std::vector<stream_stats> stats() const;

private:
    struct stream {
        stream_file file;
        stream_stats stats;
        bool have_packet = false;
        std::uint64_t last_seq = 0;
    };

    stream& stream_of(std::uint32_t cpu);

    trace_writer_options options_;
    std::filesystem::path dir_;
    std::map<std::uint32_t, stream> streams_;
    bool closed_ = false;
};

} // namespace ltt
