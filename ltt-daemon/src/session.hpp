// session.hpp - one recording session: one or several sources (the
// hypervisor, dom0's kernel, a user-space producer...), each recorded by a
// `recording` into its own trace directory under the session's output, all
// on one clock (the same clock class uuid and origin, and the hypervisor's
// TSC frequency when it is one of them), with one index.json listing every
// part, so `babeltrace2 <output>` reads them merged.
//
// Commands go to every part. Event names may be qualified by layer where
// facilities of two sources share a name (`irq` and `sched` exist for Xen
// and for the kernel): `xen/irq`, `kernel/sched:sched_switch`, `kernel/*`;
// an unqualified name must belong to exactly one source ('*' to all).
// With one source a session behaves, and answers, as that recording does.
//
// `--source ust` records nothing in lttd: it makes <output>/ust/ the place
// where lttng (with tools/lttng-clock-tsc, given the session's clock uuid
// and frequency from `status`) writes its traces, and index.json lists them.
//
// Not thread-safe: a session is used by its worker thread only
// (session_worker.hpp).
#pragma once

#include "recording.hpp"

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lttd {

namespace guests {
class guest_watcher;
struct guest_change;
} // namespace guests

struct session_config {
    create_request request;
    std::vector<std::filesystem::path> facility_dirs; // where the ctf fragments are
    crash_guard* guard = nullptr;
};

class session {
public:
    // Sets every source up; command_error naming the source on any problem
    // (nothing is left behind then).
    explicit session(session_config config);
    ~session();
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    const std::string& name() const noexcept { return config_.request.name; }

    nlohmann::json enable(const std::vector<std::string>& events, bool enable);
    nlohmann::json start();
    nlohmann::json stop();
    nlohmann::json snapshot(const std::optional<std::string>& output);
    nlohmann::json status() const;
    nlohmann::json summary() const;
    nlohmann::json shutdown() noexcept;

    std::vector<int> poll_fds() const;
    void on_readable(int fd);
    void on_flush_timer();
    bool drain_ready();
    std::optional<std::chrono::milliseconds> flush_interval() const;

private:
    // The parts a (possibly qualified) pattern is for, and the pattern
    // without its qualifier.
    std::vector<std::size_t> parts_for(const std::string& pattern, std::string& bare) const;
    // Snapshot retention after a snapshot written to `dir` under the output.
    nlohmann::json retain(const std::filesystem::path& dir);
    void add_retention(nlohmann::json& status) const;
    // --source guests: a guest found in xenstore joins as a part; one that
    // goes away is drained, closed and marked ended in index.json.
    void on_guest_changes(std::vector<guests::guest_change> changes);
    void join_guest(guests::guest_change& change);
    void retire_guest(std::uint32_t domid, const std::string& reason);
    // What one guest may make lttd write (create's guest_max_bytes, or 1 GiB).
    std::uint64_t guest_max_bytes() const noexcept;
    void guest_note(std::string message);
    void add_guests(nlohmann::json& status) const;

    session_config config_;
    std::shared_ptr<session_shared> shared_;
    std::vector<std::unique_ptr<recording>> parts_;
    std::size_t snapshots_ = 0;
    bool lttng_ust_ = false;                     // --source ust: lttng writes <output>/ust/
    std::vector<std::string> removed_snapshots_; // by retention
    std::uint64_t removed_bytes_ = 0;
    bool active_ = false; // started and not stopped (guests joining start)

    std::unique_ptr<guests::guest_watcher> guests_;
    std::string guests_spec_;
    // Every enable/disable so far, replayed on a guest that joins.
    std::vector<std::pair<std::vector<std::string>, bool>> enable_log_;
    std::vector<std::unique_ptr<recording>> guests_gone_;
    // Each guest gone: its domid, why, and what its part recorded and
    // refused (recording::final_status()).
    struct guest_gone {
        std::uint32_t domid;
        std::string reason;
        nlohmann::json final_status;
    };
    std::vector<guest_gone> guests_gone_why_;
    std::deque<std::string> guest_problems_;
    std::uint64_t guests_rejected_ = 0;
};

} // namespace lttd
