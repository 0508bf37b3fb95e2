// trace_output.hpp - one CTF trace directory being written: a session's
// recording (discard mode) or one snapshot (overwrite mode).
//
// <root>/<channel trace_subdir>/metadata and one stream file per CPU, to
// which whole packets are appended unchanged (libltt's trace_writer), and
// <root>/index.json. Before a packet is written its header is checked
// against the channel and the stream's previous packet (uuid, stream, CPU,
// sizes, sequence number and time order, loss count never decreasing):
// memory lttd does not own must not make the trace unreadable. For channels
// with untrusted_bodies its events are walked too (packet_body_check.hpp).
#pragma once

#include "buffer_consumer.hpp"
#include "crash_guard.hpp"
#include "index_book.hpp"
#include "packet_body_check.hpp"
#include "source.hpp"

#include <ltt/trace_writer.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace lttd {

// What index.json says about the session beyond the channel.
struct trace_identity {
    std::string session;
    std::string created; // ISO 8601
    std::string hostname;
    ltt::uuid clock_uuid{};
    std::uint64_t tsc_hz = 0; // the session's clock
    // Several parts under one root share index.json; nullptr: this trace
    // is the only one there.
    std::shared_ptr<index_book> book;
};

class trace_output final : public packet_sink {
public:
    // Creates the trace directory and its metadata. std::system_error or
    // std::invalid_argument (a trace is already there) naming the path.
    trace_output(std::filesystem::path root, const channel_info& channel, std::string metadata,
                 trace_identity identity, crash_guard* guard);
    ~trace_output() override;

    std::optional<std::string> write_packet(std::uint32_t cpu, std::span<const std::byte> packet,
                                            std::uint64_t records) override;

    // An (empty, for now) stream file for `cpu`.
    void add_stream(std::uint32_t cpu);
    // The loss count of the last packet written for `cpu` (nullopt: none).
    std::optional<std::uint64_t> last_events_discarded(std::uint32_t cpu) const;

    void sync();
    // fsync and close every stream; idempotent.
    void close();
    // <root>/index.json from the streams written so far.
    void write_index();

    const std::filesystem::path& root() const noexcept { return root_; }
    std::filesystem::path trace_dir() const { return root_ / channel_.trace_subdir; }
    std::vector<ltt::stream_stats> stats() const { return writer_->stats(); }

private:
    struct stream_state {
        bool have_packet = false;
        std::uint64_t seq = 0;
        std::uint64_t timestamp_end = 0;
        std::uint64_t events_discarded = 0;
        std::uint64_t bytes = 0;
        int guard_slot = -1;
    };

    stream_state& stream(std::uint32_t cpu);

    std::filesystem::path root_;
    channel_info channel_;
    trace_identity identity_;
    crash_guard* guard_;
    std::unique_ptr<ltt::trace_writer> writer_;
    std::optional<packet_body_check> body_check_; // untrusted_bodies channels only
    std::map<std::uint32_t, stream_state> streams_;
    bool closed_ = false;
};

} // namespace lttd
