// The trace-cmd .dat reader, through Debian's libtracecmd: one stream per
// CPU of each buffer in the file (the top one and any instance recorded
// with -B), read with tracecmd_read_data(), which gives each CPU's records
// in time order; the merge interleaves them. Records are decoded by
// tep_events; a record's missed_events (the kernel's count of events lost
// before it on its CPU, kept in the ring buffer's page header) becomes a
// lost_events before it.
#include "ftrace_trace.hpp"
#include "tep_events.hpp"

#include "../../core/event_class.hpp"
#include "../../core/loss.hpp"
#include "../../core/payload.hpp"

#include <ltt/errors.hpp>

#include <fmt/format.h>

// trace-cmd.h includes libtracefs's header, which is not valid C++ (an int
// passed as an enum, libtracefs 1.6) and declares nothing trace-cmd.h's
// functions need: its include guard keeps it out.
#define _TRACE_FS_H
#include <trace-cmd.h>
#undef _TRACE_FS_H

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

// Exported by libtracecmd.so.1 (3.x) but declared only in trace-cmd's
// private header, which Debian does not ship: the file's trace clock has no
// public getter. CMake checks that the library has it.
extern "C" const char* tracecmd_get_trace_clock(struct tracecmd_input* handle);

namespace fs = std::filesystem;

namespace ltt::viewer {

namespace {

struct handle_closer {
    void operator()(tracecmd_input* h) const noexcept { tracecmd_close(h); }
};
using handle_ptr = std::unique_ptr<tracecmd_input, handle_closer>;

struct record_freer {
    void operator()(tep_record* r) const noexcept { tracecmd_free_record(r); }
};
using record_ptr = std::unique_ptr<tep_record, record_freer>;

// What the file's trace clock means for its timestamps.
clock_info clock_named(const std::string& file, std::string_view name,
                       std::vector<std::string>& notices) {
    clock_info c;
    c.name = name;
    if (name == "x86-tsc") {
        c.unit = time_unit::tsc;
        return c;
    }
    c.unit = time_unit::ns;
    c.freq_hz = 1'000'000'000;
    if (name == "local" || name == "global" || name == "perf" || name == "mono" ||
        name == "mono_raw" || name == "boot" || name == "tsc2nsec") {
        c.name = fmt::format("{} (ns since boot, not the epoch)", name);
        notices.push_back(fmt::format(
            "trace clock `{}` counts nanoseconds from boot, not from the Unix epoch: this "
            "trace cannot be merged with TSC sources (record with -C x86-tsc for that)",
            name));
        return c;
    }
    if (name == "tai") {
        c.name = "tai (ns since the epoch, TAI: ahead of UTC by the leap seconds)";
        return c;
    }
    throw ltt::format_error(
        file, 0,
        fmt::format("trace clock `{}`: {}", name,
                    name == "counter" || name == "uptime"
                        ? "it does not count time (an event counter, jiffies): the events "
                          "cannot be placed in time"
                        : "not a clock ltt-view knows"));
}

class cpu_stream final : public event_stream {
public:
    cpu_stream(const source_info& source, std::string name, tracecmd_input* handle, int cpu,
               tep_events& events, const event_class* loss)
        : handle_(handle), tep_(tracecmd_get_tep(handle)), cpu_(cpu), events_(events), loss_(loss) {
        info_.source = &source;
        info_.name = std::move(name);
    }

    bool next(event& out) override {
        if (stashed_) {
            stashed_ = false;
            out = stash_;
            return true;
        }
        record_ptr r(started_ ? tracecmd_read_data(handle_, cpu_)
                              : tracecmd_read_cpu_first(handle_, cpu_));
        started_ = true;
        if (!r)
            return false;
        stash_.cls = &events_.decode(tep_, r.get(), payload_);
        stash_.ts = r->ts;
        stash_.stream = &info_;
        stash_.payload = payload_.span();
        stash_.cpu = static_cast<std::uint32_t>(cpu_);
        const std::uint64_t previous = last_ts_;
        last_ts_ = r->ts;
        if (r->missed_events != 0) {
            // -1: the kernel knew events were lost, not how many (count 0).
            const std::uint64_t count =
                r->missed_events > 0 ? static_cast<std::uint64_t>(r->missed_events) : 0;
            loss_bytes_ = loss_payload(count, loss_reason::events_lost, previous, r->ts);
            out.ts = r->ts;
            out.cls = loss_;
            out.stream = &info_;
            out.payload = loss_bytes_.span();
            out.cpu = stash_.cpu;
            stashed_ = true;
            return true;
        }
        out = stash_;
        return true;
    }

private:
    tracecmd_input* handle_;
    tep_handle* tep_;
    int cpu_;
    tep_events& events_;
    const event_class* loss_;
    bool started_ = false;
    payload_builder payload_;
    event stash_;
    bool stashed_ = false;
    loss_payload loss_bytes_{0, loss_reason::events_lost, 0, 0};
    std::uint64_t last_ts_ = 0;
};

class trace_cmd_trace final : public trace_reader {
public:
    trace_cmd_trace(const fs::path& file, class_registry& classes) {
        const std::string name = file.string();
        tracecmd_set_loglevel(TEP_LOG_NONE); // our errors say what is wrong
        errno = 0;
        handle_ptr top(tracecmd_open(name.c_str(), TRACECMD_FL_LOAD_NO_PLUGINS));
        if (!top)
            throw ltt::format_error(
                name, 0,
                fmt::format("libtracecmd cannot read it as a trace-cmd file{}",
                            errno != 0 ? fmt::format(" ({})", std::strerror(errno)) : ""));
        source_.path = name;
        source_.format = "trace-cmd";
        source_.layer = ltt::layer::kernel;
        source_.domain_name = "ftrace";
        events_ = std::make_unique<tep_events>(classes, name, source_.notices);
        const event_class* loss = classes.find(ltt::layer::kernel, loss_desc.name);

        std::vector<std::pair<std::string, handle_ptr>> buffers;
        const int instances = tracecmd_buffer_instances(top.get());
        for (int i = 0; i < instances; ++i) {
            const char* n = tracecmd_buffer_instance_name(top.get(), i);
            handle_ptr h(tracecmd_buffer_instance_handle(top.get(), i));
            if (!h)
                throw ltt::format_error(
                    name, 0,
                    fmt::format("libtracecmd cannot read buffer `{}`", n != nullptr ? n : "?"));
            buffers.emplace_back(n != nullptr ? n : fmt::format("buffer{}", i), std::move(h));
        }
        buffers.emplace(buffers.begin(), std::string{}, std::move(top));

        // One source, one clock: every buffer's must be the same.
        std::string clock;
        for (const auto& [buffer, h] : buffers) {
            const char* c = tracecmd_get_trace_clock(h.get());
            const std::string this_clock = c != nullptr ? c : "local";
            if (clock.empty())
                clock = this_clock;
            else if (this_clock != clock)
                throw ltt::format_error(name, 0,
                                        fmt::format("buffer `{}` has trace clock `{}`, the top "
                                                    "buffer `{}`: read on different clocks",
                                                    buffer, this_clock, clock));
        }
        source_.clock = clock_named(name, clock, source_.notices);

        for (auto& [buffer, h] : buffers) {
            const int cpus = tep_get_cpus(tracecmd_get_tep(h.get()));
            for (int cpu = 0; cpu < cpus; ++cpu) {
                const std::string stream = buffer.empty() ? fmt::format("cpu{}", cpu)
                                                          : fmt::format("{}/cpu{}", buffer, cpu);
                owned_.push_back(
                    std::make_unique<cpu_stream>(source_, stream, h.get(), cpu, *events_, loss));
                streams_.push_back(owned_.back().get());
            }
            handles_.push_back(std::move(h));
        }
    }

    ~trace_cmd_trace() override {
        // Streams and the decoder first, then the instance handles, the top
        // one (first in handles_) last.
        owned_.clear();
        events_.reset();
        while (handles_.size() > 1)
            handles_.pop_back();
    }

    std::span<event_stream* const> streams() override { return streams_; }

private:
    std::vector<handle_ptr> handles_;
    std::unique_ptr<tep_events> events_;
    std::vector<std::unique_ptr<cpu_stream>> owned_;
    std::vector<event_stream*> streams_;
};

} // namespace

std::unique_ptr<trace_reader> open_trace_cmd(const fs::path& file, class_registry& classes,
                                             const read_options&) {
    return std::make_unique<trace_cmd_trace>(file, classes);
}

} // namespace ltt::viewer
