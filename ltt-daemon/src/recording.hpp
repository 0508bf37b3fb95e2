// recording.hpp - one source of a recording session (session.hpp): the
// source, its facilities, the CPUs' readers, and where their packets go
// (its own trace directory under the session's output, e.g. hypervisor/ or
// dom0/kernel/). The parts of one session share the clock (uuid, origin,
// frequency) and index.json (session_shared).
//
// Discard mode: every complete sub-buffer is written to <output>/<trace> as
// soon as the producer says it is ready (or the periodic flush closes it);
// stop (and SIGTERM, destroy) closes every CPU's current sub-buffer, drains,
// adds an empty packet where losses happened after the last one (so the
// trace carries the final loss count), syncs, and writes index.json.
// Overwrite mode: nothing is written until snapshot, which closes every CPU's
// current sub-buffer and takes every complete one, oldest first, into a new
// self-contained trace directory; recording goes on.
//
// Not thread-safe: a recording is used by its session's worker thread only
// (session_worker.hpp).
#pragma once

#include "buffer_consumer.hpp"
#include "crash_guard.hpp"
#include "facility_catalog.hpp"
#include "index_book.hpp"
#include "session_state.hpp"
#include "source.hpp"
#include "trace_output.hpp"

#include <lttd/protocol.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lttd {

// A command that cannot be carried out; the message is for the user.
class command_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What the recordings of one session have in common.
struct session_shared {
    ltt::uuid clock_uuid{};
    std::optional<ltt::clock_origin> origin; // sampled at the first start
    std::string created;
    std::string hostname;
    // The TSC frequency every part's metadata declares (one clock class):
    // Xen's when the hypervisor is recorded, else the first source's;
    // nullopt with one source (its own).
    std::optional<std::uint64_t> tsc_hz;
    std::shared_ptr<index_book> book; // <output>/index.json
};

struct recording_config {
    create_request request;
    std::string source;                               // one of request.sources
    std::vector<std::filesystem::path> facility_dirs; // where the ctf fragments are
    crash_guard* guard = nullptr;
    std::shared_ptr<session_shared> shared;
    // A source made by the session (a guest found in xenstore), instead of
    // one made from `source`.
    std::unique_ptr<lttd::source> made_source;
    // Joins a session that may have started: index.json may exist.
    bool joins_later = false;
};

class recording {
public:
    // Sets the source up and checks everything create can check (the source,
    // its facilities, the output directory). command_error on any problem;
    // nothing is left behind then.
    explicit recording(recording_config config);
    ~recording();
    recording(const recording&) = delete;
    recording& operator=(const recording&) = delete;

    const std::string& name() const noexcept { return config_.request.name; }
    const channel_info& channel() const noexcept { return channel_; }
    std::string description() const { return source_->description(); }
    // The hypervisor's TSC frequency becomes the session's clock: set
    // before the first start.
    void check_tsc(std::uint64_t session_tsc_hz);
    bool active() const noexcept { return state_.phase() == session_phase::active; }
    // Does `pattern` name events of this source (enable's syntax)?
    bool knows(std::string_view pattern) const;
    std::size_t events_enabled() const noexcept;

    // Commands. Each returns the result object of the response.
    nlohmann::json enable(const std::vector<std::string>& events, bool enable);
    nlohmann::json start();
    nlohmann::json stop();
    // Into `dir` (its own trace directory there); `book` collects
    // index.json for the snapshot's parts. The caller checked that dir is
    // new or empty.
    nlohmann::json snapshot(const std::filesystem::path& dir, std::shared_ptr<index_book> book);
    nlohmann::json status() const;
    nlohmann::json summary() const;
    // Stops if active, closes the trace, releases the source (destroy,
    // SIGTERM). Never throws.
    nlohmann::json shutdown() noexcept;
    // status() as it was at the end of shutdown(), after the last drain
    // (null before): what a guest that left the session had recorded and
    // refused, for the session's status.
    const nlohmann::json& final_status() const noexcept { return final_status_; }
    // Bytes written to the trace so far (discard mode).
    std::uint64_t bytes_written() const;

    // The worker's event loop.
    std::vector<int> poll_fds() const;
    void on_readable(int fd);
    void on_flush_timer();
    // Drains what is ready; true when more may be waiting.
    bool drain_ready();
    // The periodic flush interval while it should run, nullopt otherwise.
    std::optional<std::chrono::milliseconds> flush_interval() const;

private:
    struct cpu {
        std::unique_ptr<buffer_consumer> consumer;
        bool removed = false; // its buffer is gone; kept for overwrite snapshots
        std::uint64_t snapshot_bytes = 0;
        std::uint64_t snapshot_packets = 0;
        std::string reported_problem; // last consumer problem logged
    };

    void add_cpu(std::uint32_t id);
    // source_->flush(), marking the CPUs broken whose buffer is unusable.
    std::vector<int> flush(const std::vector<std::uint32_t>& ids, flush_kind kind);
    void remove_cpu(std::uint32_t id);
    void note(std::string message);
    void check_output_root();
    std::string make_metadata() const;
    trace_identity identity() const;
    // Drains every CPU into `sink` until nothing is ready; waits (briefly)
    // for sub-buffers closed but still being committed.
    void drain_all(packet_sink& sink, const std::vector<std::uint32_t>& cpus);
    void drain_cpu_fully(packet_sink& sink, std::uint32_t id);
    void finish_recording();
    void output_failed(const std::string& what);
    void report_consumer_problems();

    recording_config config_;
    std::shared_ptr<session_shared> shared_;
    std::unique_ptr<source> source_;
    channel_info channel_;
    std::unique_ptr<facility_catalog> catalog_;
    std::vector<bool> enabled_;
    session_state state_;
    std::map<std::uint32_t, cpu> cpus_;
    std::unique_ptr<trace_output> trace_; // discard mode, from the first start
    bool output_failed_ = false;
    std::vector<std::string> snapshots_;
    std::deque<std::string> problems_;
    nlohmann::json final_status_;
    std::chrono::milliseconds flush_interval_;
};

} // namespace lttd
