// core/event.hpp - what flows through the viewer: events with a timestamp
// on their source's time base, the stream (CPU) they were recorded on, and
// the source (trace) that stream belongs to.
//
// An event is a small value (no allocation); its payload points into the
// reader's memory (the mapped trace file, or a buffer the reader reuses) and
// stays valid until the next event is pulled from the same stream.
#pragma once

#include "event_class.hpp"

#include <ltt/layer.hpp>
#include <ltt/uuid.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ltt::viewer {

// The unit of a source's timestamps.
enum class time_unit : std::uint8_t {
    tsc, // raw TSC cycles: ltt-xen, xentrace, ftrace with the x86-tsc clock
    ns,  // nanoseconds since the Unix epoch (a CTF clock with its offset applied)
};

std::string_view to_string(time_unit unit);

struct clock_info {
    time_unit unit = time_unit::tsc;
    // Cycles per second: the TSC's frequency for tsc (0 while unknown: times
    // are then shown in cycles, never guessed); 1e9 for ns.
    std::uint64_t freq_hz = 0;
    std::string name;                  // the trace's clock name ("tsc", "monotonic", "x86-tsc")
    std::optional<ltt::uuid> uuid;     // CTF clock uuid: one per recording session
    std::optional<std::int64_t> epoch; // tsc: Unix ns of TSC 0 (from a CTF clock offset)
    // tsc: true when the values are the host's TSC (hypervisor, PV guests,
    // HVM guests once converted by viewer/time); false for a guest TSC not
    // converted, which must not be merged with host time.
    bool host_tsc = true;
};

// One trace: a CTF trace directory, a xentrace file, an ftrace file.
struct source_info {
    std::string path;   // as given on the command line (or found under it)
    std::string format; // "ltt-ctf", "ctf", "xentrace", "ftrace", "trace-cmd"
    ltt::layer layer = ltt::layer::xen;
    // The Xen domain a kernel or ust trace comes from (0: dom0), when known.
    std::optional<std::uint32_t> domid;
    std::string domain_name; // "hypervisor", "dom0", "domU-3", a hostname...
    clock_info clock;
    // Whether the trace records where hypercalls and interrupts end (ltt-xen
    // does); xentrace records their entry only (TRC_PV_HYPERCALL*, do_IRQ's
    // TRC_HW_IRQ), so their length is not in it and an entry is an instant.
    bool records_episode_ends = true;
    std::vector<std::string> notices; // said once, on stderr and in reports
};

// One stream of a source, in time order: usually the events of one CPU
// (physical CPU for the hypervisor and xentrace, vCPU for a guest kernel);
// a text ftrace file is one stream of every CPU's events.
struct stream_info {
    const source_info* source = nullptr;
    std::string name;        // "xen_0", "cpu1", "channel0_3"...
    std::uint32_t index = 0; // position in the merge: breaks timestamp ties
};

struct event {
    std::uint64_t ts = 0; // on the source's clock (clock_info::unit)
    const event_class* cls = nullptr;
    const stream_info* stream = nullptr;
    std::span<const std::byte> payload; // cls->desc's encoding
    // Physical CPU for the hypervisor and xentrace, vCPU for a guest kernel.
    std::uint32_t cpu = 0;

    const source_info& source() const noexcept { return *stream->source; }
};

} // namespace ltt::viewer
