// encoding_compare.hpp - bytes per event of xentrace's record encoding versus
// ltt-xen's (include/ltt/packet.h), for the event stream of a real xentrace
// file.
//
// Per xentrace record: xentrace's bytes are its record (4 + 8 with a TSC +
// 4 per data word). Ours are, per ltt-xen record that records the same
// (viewer/readers/xentrace/xentrace_mapping.hpp): the event header of the Xen channel (large: 6
// bytes, or the 14-byte extended form when the TSC's bits above 32 differ
// from the previous record's on the same CPU, decided with the file's real
// TSCs) plus the event's payload size from genevent's C++ descriptors. A
// record without a TSC is taken to be as recent as the CPU's previous one.
// TRC_GEN bookkeeping records are left out of both sides; so is framing
// (xentrace's CPU-change records, ltt-xen's packet headers).
#pragma once

#include "xentrace_mapping.hpp"
#include "xentrace_reader.hpp"

#include <ltt/event_desc.hpp>
#include <ltt/event_header.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

namespace ltt::bench {

using xentrace::classify;
using xentrace::match;
using xentrace::to_string;
using xentrace::xentrace_class;

// The ltt-xen channel the comparison encodes into: event ids, payload sizes
// and header kind, from the facility descriptors in channel order.
class channel_encoding {
public:
    struct event_info {
        const ltt::event_desc* desc = nullptr;
        std::uint32_t id = 0;      // channel id: facility base + local id
        std::uint32_t payload = 0; // bytes (Xen events have no strings)
    };

    explicit channel_encoding(std::span<const ltt::facility_desc* const> facilities);

    // The event named `name`; std::invalid_argument when the channel has no
    // such event or its size is not fixed.
    const event_info& event(std::string_view name) const;
    bool has(std::string_view name) const { return events_.find(name) != events_.end(); }
    ltt::event_header_kind header() const noexcept { return header_; }
    std::uint32_t event_count() const noexcept { return count_; }

private:
    std::map<std::string, event_info, std::less<>> events_;
    std::uint32_t count_ = 0;
    ltt::event_header_kind header_ = ltt::event_header_kind::compact;
};

struct class_tally {
    std::string name; // xentrace class name
    std::string ours; // "sched_switch", "irq_entry+irq_exit", "(same data words)", "-"
    match kind = match::conservative;
    std::uint64_t count = 0;
    std::uint64_t xentrace_bytes = 0;
    std::uint64_t our_bytes = 0;
};

struct comparison {
    std::string file;
    xentrace::reader_stats stats;
    std::uint64_t events = 0;   // records compared (bookkeeping excluded)
    std::uint64_t excluded = 0; // TRC_GEN records (CPU-change, wrap, lost)
    std::uint64_t equivalent = 0;
    std::uint64_t conservative = 0;
    std::uint64_t xentrace_bytes = 0;
    std::uint64_t our_bytes = 0;
    std::uint64_t our_records = 0; // may exceed events: one xentrace record can be two of ours
    std::uint64_t extended_headers = 0;
    std::uint64_t equivalent_xentrace_bytes = 0; // of the events with an equivalent
    std::uint64_t equivalent_our_bytes = 0;
    std::map<std::string, class_tally> classes; // by class name

    double xentrace_per_event() const;
    double ours_per_event() const;
    // Adds another file's figures (classes merged by name).
    void add(const comparison& other);
};

struct compare_options {
    // xentrace's hypercall records carry the arguments; ltt-xen's
    // hypercall_entry only the number, the arguments being a separate event
    // (hypercall_args). When set, each hypercall counts as both.
    bool hypercall_args = false;
};

// Reads a whole xentrace file (ltt::format_error on bad input) and compares.
comparison compare(std::span<const std::byte> data, const std::string& name,
                   const channel_encoding& channel, const compare_options& options = {});

} // namespace ltt::bench
