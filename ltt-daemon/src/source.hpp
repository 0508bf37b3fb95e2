// source.hpp - where lttd's buffers come from. One interface for every kind
// of producer, so a session drains them all the same way:
//
// - the directory source (directory_source.hpp): per-CPU buffer files a
//   producer created in a directory (ltt-stress, the guest kernel module),
//   mapped by lttd, notified through a FIFO and inotify;
// - the Xen source (xen_source.hpp): hypervisor buffers mapped with
//   libxenforeignmemory, set up and controlled through libxencall sysctls,
//   notified through a VIRQ bound with libxenevtchn. It fits the same calls:
//   setup() allocates buffers of the requested geometry, buffers() maps
//   them, poll_fds() is the event-channel fd, flush() is a sysctl that
//   switches sub-buffers on their CPUs, set_events() the event bitmap,
//   start()/stop() the tracing switch, and CPU hotplug reports buffer_added.
//   In overwrite mode it lends sub-buffers (lender()): dom0 may not write
//   the slot table.
//
// A source is used by one thread (its session's worker) at a time.
#pragma once

#include <ltt/ring_mode.hpp>

#include <ltt/event_header.hpp>
#include <ltt/metadata_writer.hpp>
#include <ltt/uuid.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lttd {

// A source cannot be used: the message says which file or resource and why.
class source_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Geometry and mode asked for at `create`. Sources that set buffers up (Xen)
// use them; sources whose producer owns the geometry (a directory) check them
// against what the producer chose.
struct requested_geometry {
    std::optional<std::uint64_t> subbuf_size;
    std::optional<std::uint32_t> subbufs;
    std::optional<ltt::ring_mode> mode;
};

// What the buffers of a source hold and where their trace goes.
struct channel_info {
    std::string name; // channel name, e.g. "ltt-stress", "xen", "kernel"
    ltt::layer domain = ltt::layer::ust;
    std::uint32_t xen_domid = 0;
    std::string domain_name;   // index.json domain: "hypervisor", "dom0", "domU-3", "ust"
    std::string trace_subdir;  // relative trace directory: "ust/ltt-stress-123", "hypervisor"
    std::string stream_prefix; // "cpu_" ("xen_" for the hypervisor)
    std::int64_t producer_pid = 0;
    ltt::uuid uuid{}; // every packet header carries it
    std::uint64_t tsc_hz = 0;
    ltt::event_header_kind header = ltt::event_header_kind::compact;
    std::uint32_t subbuf_order = 0;
    std::uint32_t nr_subbufs_order = 0;
    ltt::ring_mode mode = ltt::ring_mode::discard;
    std::vector<ltt::facility_slot> facilities; // in channel order, with checksums
    // The producer may write anything into its buffers at any time (a
    // domU): every packet's events are walked before it is written
    // (packet_body_check.hpp). Off for memory lttd trusts (Xen, directories):
    // the walk costs a pass over every byte.
    bool untrusted_bodies = false;

    std::uint64_t subbuf_size() const noexcept { return std::uint64_t{1} << subbuf_order; }
    std::uint32_t subbuf_count() const noexcept { return 1u << nr_subbufs_order; }
    std::uint64_t event_count() const noexcept;
};

// One CPU's buffer as mapped into lttd: the three pieces of ltt/ring_layout.h
// with the bytes actually available (the reader validates against them).
struct buffer_view {
    std::uint32_t cpu = 0;
    void* ctl = nullptr;
    std::uint64_t ctl_len = 0;
    void* cons = nullptr;
    void* data = nullptr;
    std::uint64_t data_len = 0;
};

// Something that happened to a source, reported by handle_readable().
struct source_event {
    enum class kind {
        data,           // a producer says a sub-buffer is ready: drain
        buffer_added,   // buffer `cpu` is there now (CPU online)
        buffer_removed, // buffer `cpu` is going away: drain it to its end, then release()
        problem,        // something was refused (message), the source goes on
        vanished,       // the whole source is gone (message): drain what is left, stop
    };
    kind what = kind::data;
    std::uint32_t cpu = 0;
    std::string message;
};

inline constexpr int flush_failed = -2;

// Overwrite mode where the consumer may not write the slot table (Xen maps
// its control pages read-only into dom0): the producer's owner swaps the
// oldest complete sub-buffer out on request and lends it until put().
struct lent_subbuf {
    std::uint64_t offset = 0; // bytes into the CPU's data mapping
    std::uint64_t size = 0;   // packet bytes
    std::uint64_t seq = 0;    // packet_seq_num
    bool corrupt = false;     // held, but its packet is not sane: put it
};

class subbuf_lender {
public:
    virtual ~subbuf_lender() = default;
    // The oldest complete sub-buffer of `cpu`, nullopt when there is none;
    // source_error when the buffer cannot be read any more.
    virtual std::optional<lent_subbuf> get(std::uint32_t cpu) = 0;
    virtual void put(std::uint32_t cpu) = 0;
};

enum class flush_kind {
    active, // close the current sub-buffer if it holds records
    empty,  // ...and if it holds none, write an empty one (carries the loss count)
};

class source {
public:
    virtual ~source() = default;

    // "dir:/path" etc., for messages and status.
    virtual std::string description() const = 0;

    // Opens/creates the buffers; source_error on anything wrong. After it,
    // channel() and buffers() are valid and no event is enabled.
    virtual void setup(const requested_geometry& geometry) = 0;

    // Disables every event and releases every buffer. Never throws.
    virtual void teardown() noexcept = 0;

    virtual const channel_info& channel() const = 0;

    // The buffers there are now, by CPU.
    virtual std::vector<buffer_view> buffers() const = 0;
    virtual std::optional<buffer_view> buffer(std::uint32_t cpu) const = 0;

    // File descriptors to poll for reading; handle_readable() when one is.
    virtual std::vector<int> poll_fds() const = 0;
    virtual std::vector<source_event> handle_readable(int fd) = 0;

    // Closes the current sub-buffer of each CPU of `cpus` now, as
    // ltt_switch(). One result per CPU, in order: 1 when a packet was
    // closed, 0 when there was nothing to close, -1 when an empty packet
    // could not be opened, flush_failed when the buffer cannot be used any
    // more (its memory is gone or not sane). A set, because a producer may
    // switch every CPU at once (Xen's flush sysctl IPIs them all).
    virtual std::vector<int> flush(const std::vector<std::uint32_t>& cpus, flush_kind kind) = 0;

    // Which event ids are enabled (index = channel event id); takes effect at
    // once while started, at start() otherwise.
    virtual void set_events(const std::vector<bool>& enabled) = 0;

    // The producer was already recording when setup() took its buffers
    // (Xen recording from boot, ltt_boot=): the events it records, which
    // the session starts from; empty otherwise.
    virtual std::vector<bool> adopted_events() const { return {}; }

    // Tracing on (the enabled events) / off (no event at all).
    virtual void start() = 0;
    virtual void stop() = 0;

    // Writes the producer's state (Xen: domains, vCPUs, event channels)
    // into the buffers again, so that a snapshot taken now describes what
    // its records refer to. Sources without a statedump do nothing.
    virtual void refresh_state() {}

    // A buffer reported removed has been drained: forget (unmap) it.
    virtual void release(std::uint32_t cpu) = 0;

    // Overwrite mode: who hands out sub-buffers, when the consumer cannot
    // swap them itself; nullptr when it can (ltt/ring_reader.h in place).
    virtual subbuf_lender* lender() noexcept { return nullptr; }
};

} // namespace lttd
