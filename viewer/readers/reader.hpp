// readers/reader.hpp - the one pull interface every format's reader offers.
//
// A reader opens one trace (a CTF trace directory, a xentrace file, an
// ftrace file) and hands out its streams; each stream yields events in time
// order, with their payloads in the viewer's encoding (core/event_class.hpp)
// and losses as lost_events events (core/loss.hpp). Bad input is an
// ltt::format_error naming the file, the byte offset (or line) and the
// problem; a reader never reads outside its input and never stops early
// without saying so.
#pragma once

#include "../core/event.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace ltt::viewer {

class event_stream {
public:
    virtual ~event_stream() = default;
    const stream_info& info() const noexcept { return info_; }
    // The stream's place among every stream being merged (ties).
    void set_index(std::uint32_t index) noexcept { info_.index = index; }

    // The next event, or false after the last one. `out`'s payload stays
    // valid until the next call on this stream.
    virtual bool next(event& out) = 0;

protected:
    stream_info info_;
};

class trace_reader {
public:
    virtual ~trace_reader() = default;
    const source_info& source() const noexcept { return source_; }
    // Fixes what the source could not know by itself, before reading starts
    // (a TSC frequency taken from another trace of the same host).
    source_info& mutable_source() noexcept { return source_; }
    // The reader's streams; it owns them. Their info().source is &source().
    virtual std::span<event_stream* const> streams() = 0;

protected:
    source_info source_;
};

// What every reader may be told.
struct read_options {
    // The TSC frequency (--cpu-hz), for formats that do not record it.
    std::optional<std::uint64_t> cpu_hz;
    // Xen's formats file (event id -> name and field names) for xentrace
    // input; empty: the copy installed with ltt-view, if any.
    std::string xentrace_formats;
    // The Xen domain of guest kernel traces that do not say which they are
    // (ftrace, trace-cmd, LTTng's CTF; --guest-domid): with it, the time
    // audit checks their events against Xen's runstates.
    std::optional<std::uint32_t> guest_domid;
    // Convert PVH/HVM guest kernel timestamps to host TSC with the
    // hypervisor trace's tsc_params (viewer/time); false (--no-tsc-convert)
    // merges them as recorded, for checking that the time audit catches it.
    bool tsc_convert = true;
};

} // namespace ltt::viewer
