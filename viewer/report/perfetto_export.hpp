// report/perfetto_export.hpp - a timeline (core/timeline.hpp) as the JSON
// Trace Event Format that Perfetto's UI (and chrome://tracing) opens, so a
// merged hypervisor + guest view can be taken to a tool people know.
//
//   process "Xen hypervisor" (pid 1): a thread per physical CPU (tid 1000 +
//     CPU) with complete slices ("ph":"X") for what runs (a vCPU, idle) and
//     for Xen's episodes (interrupts, hypercalls, exits, its scheduler, lost,
//     unknown: the states of `ltt-view cpu`), and instants ("ph":"i") for
//     interrupts (irq_entry, its fields as args) and losses;
//   a process per traced guest domain (pid 100 + domid): per vCPU a thread
//     "vCPU N runstate" (its runstate as Xen saw it) and a thread "vCPU N"
//     with upcall and irq handler slices (handlers nest inside upcalls) and
//     every other guest event as an instant with its fields as args;
//   names and order through metadata events ("ph":"M").
// Timestamps are microseconds since the first event, with nanosecond
// digits, from the TSC frequency; when it is unknown, cycles are written as
// microseconds and the metadata says so. Each slice's start and end are
// rounded, not its duration, so neighbours never overlap.
//
// Written as events come (nothing is kept), so any size of trace exports in
// constant memory.
#pragma once

#include "../core/timeline.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ltt::viewer {

class perfetto_writer final : public timeline_sink {
public:
    // `out` stays the caller's; `path` names it in errors.
    perfetto_writer(std::FILE* out, std::string path, time_unit unit, std::uint64_t freq_hz);

    void lane(const timeline_lane& l) override;
    void slice(const timeline_slice& s) override;
    void instant(const timeline_instant& i) override;
    void lane_event(std::uint32_t lane, const event& e) override;
    void finish(std::uint64_t first, std::uint64_t last) override;

    // Ends the document and flushes; throws std::runtime_error naming the
    // file when writing failed.
    void close(const std::vector<std::string>& notes);

    std::uint64_t slices() const noexcept { return slices_; }
    std::uint64_t instants() const noexcept { return instants_; }

private:
    struct track {
        int pid = 0;
        int tid_runstate = 0, tid_guest = 0; // vcpu lanes: rows 0 and 1-2
        int tid = 0;                         // cpu lanes
        bool vcpu = false;
    };
    void begin_event();
    std::int64_t ns_of(std::uint64_t ts);
    void put_us(std::int64_t ns);
    void metadata(int pid, int tid, std::string_view what, std::string_view name);
    void sort_index(int pid, int tid, std::string_view what, std::int64_t index);
    void flush_if_full();

    std::FILE* out_;
    std::string path_;
    time_unit unit_;
    std::uint64_t freq_hz_;
    fmt::memory_buffer buf_;
    bool first_event_ = true;
    bool have_origin_ = false;
    std::uint64_t origin_ = 0;
    std::map<std::uint32_t, track> tracks_; // by lane id
    std::set<int> named_pids_;
    std::uint64_t slices_ = 0, instants_ = 0;
    std::uint64_t first_ = 0, last_ = 0;
};

// `text` as a JSON string (quoted), invalid UTF-8 replaced by U+FFFD.
void append_json_string(fmt::memory_buffer& out, std::string_view text);

} // namespace ltt::viewer
