// The trace-cmd .dat reader: libtracecmd reads the file in a worker process
// (dat_channel, dat_worker: a damaged file crashes it, never ltt-view) and
// sends the records of every CPU of every buffer in the file (the top one
// and instances recorded with -B) in time order; this side decodes them
// (dat_events), one stream for the whole file, each event with its CPU. A
// record's missed_events (the kernel's count of events lost before it on
// its CPU, kept in the ring buffer's page header) becomes a lost_events
// before it.
#include "dat_channel.hpp"
#include "dat_events.hpp"
#include "ftrace_trace.hpp"
#include "trace_cmd_open.hpp"

#include "../../core/event_class.hpp"
#include "../../core/loss.hpp"
#include "../../core/payload.hpp"

#include <ltt/errors.hpp>

#include <fmt/format.h>

#include <map>
#include <memory>
#include <vector>

namespace fs = std::filesystem;

namespace ltt::viewer {

namespace {

// Linux's largest NR_CPUS (x86 MAXSMP).
constexpr std::uint32_t max_cpus = 8192;

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

class dat_stream final : public event_stream {
public:
    dat_stream(const source_info& source, std::string name, dat_channel& channel,
               dat_events& events, const event_class* loss, std::vector<std::uint32_t> cpus)
        : channel_(channel), events_(events), loss_(loss), cpus_(std::move(cpus)) {
        info_.source = &source;
        info_.name = std::move(name);
        last_ts_.resize(cpus_.size());
        for (std::size_t b = 0; b < cpus_.size(); ++b)
            last_ts_[b].resize(cpus_[b], 0);
    }

    bool next(event& out) override {
        if (stashed_) {
            stashed_ = false;
            out = stash_;
            return true;
        }
        if (ended_)
            return false;
        std::string_view body;
        const dat_message m = channel_.next(body);
        if (m == dat_message::end) {
            ended_ = true;
            return false;
        }
        const std::string& file = info_.source->path;
        if (m != dat_message::record)
            throw ltt::format_error(file, 0, "the libtracecmd worker sent a header twice");
        dat_record r;
        try {
            r = parse_record(dat_body(body));
        } catch (const dat_garbled& e) {
            throw ltt::format_error(file, 0, fmt::format("libtracecmd worker: {}", e.what()));
        }
        channel_.note_offset(r.offset);
        if (r.buffer >= cpus_.size() || r.cpu >= cpus_[r.buffer])
            throw ltt::format_error(file, r.offset,
                                    fmt::format("record of CPU {} where the file has {} CPUs",
                                                r.cpu,
                                                r.buffer < cpus_.size() ? cpus_[r.buffer] : 0));
        stash_.cls = &events_.decode(r, payload_);
        stash_.ts = r.ts;
        stash_.stream = &info_;
        stash_.payload = payload_.span();
        stash_.cpu = r.cpu;
        std::uint64_t& last = last_ts_[r.buffer][r.cpu];
        const std::uint64_t previous = last;
        last = r.ts;
        if (r.missed != 0) {
            // -1: the kernel knew events were lost, not how many (count 0).
            const std::uint64_t count = r.missed > 0 ? static_cast<std::uint64_t>(r.missed) : 0;
            loss_bytes_ = loss_payload(count, loss_reason::events_lost, previous, r.ts);
            out.ts = r.ts;
            out.cls = loss_;
            out.stream = &info_;
            out.payload = loss_bytes_.span();
            out.cpu = r.cpu;
            stashed_ = true;
            return true;
        }
        out = stash_;
        return true;
    }

private:
    dat_channel& channel_;
    dat_events& events_;
    const event_class* loss_;
    std::vector<std::uint32_t> cpus_; // per buffer
    std::vector<std::vector<std::uint64_t>> last_ts_;
    payload_builder payload_;
    event stash_;
    bool stashed_ = false;
    bool ended_ = false;
    loss_payload loss_bytes_{0, loss_reason::events_lost, 0, 0};
};

class trace_cmd_trace final : public trace_reader {
public:
    trace_cmd_trace(const std::string& name, std::unique_ptr<dat_channel> channel,
                    class_registry& classes)
        : owned_channel_(std::move(channel)), channel_(*owned_channel_) {
        source_.path = name;
        source_.format = "trace-cmd";
        source_.layer = ltt::layer::kernel;
        source_.domain_name = "ftrace";

        std::string_view body;
        if (channel_.next(body) != dat_message::header)
            throw ltt::format_error(name, 0, "the libtracecmd worker did not start with a header");
        dat_header header;
        try {
            header = parse_header(dat_body(body));
        } catch (const dat_garbled& e) {
            throw ltt::format_error(name, 0, fmt::format("libtracecmd worker: {}", e.what()));
        }
        if (header.buffers.empty())
            throw ltt::format_error(name, 0, "no buffer in the file");
        // One source, one clock: every buffer's must be the same.
        std::vector<std::uint32_t> cpus;
        std::vector<std::string> names;
        for (const dat_buffer& b : header.buffers) {
            if (b.clock != header.buffers[0].clock)
                throw ltt::format_error(name, 0,
                                        fmt::format("buffer `{}` has trace clock `{}`, the top "
                                                    "buffer `{}`: read on different clocks",
                                                    b.name, b.clock, header.buffers[0].clock));
            if (b.cpus > max_cpus)
                throw ltt::format_error(
                    name, 0, fmt::format("{} CPUs: more than Linux's largest NR_CPUS", b.cpus));
            cpus.push_back(b.cpus);
        }
        source_.clock = clock_named(name, header.buffers[0].clock, source_.notices);
        if (header.buffers.size() > 1) {
            std::string list;
            for (std::size_t b = 1; b < header.buffers.size(); ++b)
                list += fmt::format("{}{}", b > 1 ? ", " : "", header.buffers[b].name);
            source_.notices.push_back(
                fmt::format("the file has the top buffer and instance buffers ({}): their "
                            "events are read together",
                            list));
        }

        events_ = std::make_unique<dat_events>(classes, name, source_.notices, header.big_endian);
        // The formats come before the first record.
        for (;;) {
            if (channel_.next(body) != dat_message::format) {
                channel_.unread(); // the stream's
                break;
            }
            try {
                events_->add_format(parse_format(dat_body(body)));
            } catch (const dat_garbled& e) {
                throw ltt::format_error(name, 0, fmt::format("libtracecmd worker: {}", e.what()));
            }
        }
        stream_ = std::make_unique<dat_stream>(source_, "all_cpus", channel_, *events_,
                                               classes.find(ltt::layer::kernel, loss_desc.name),
                                               std::move(cpus));
        streams_.push_back(stream_.get());
    }

    std::span<event_stream* const> streams() override { return streams_; }

private:
    std::unique_ptr<dat_channel> owned_channel_;
    dat_channel& channel_;
    std::unique_ptr<dat_events> events_;
    std::unique_ptr<dat_stream> stream_;
    std::vector<event_stream*> streams_;
};

} // namespace

std::unique_ptr<trace_reader> open_trace_cmd(const fs::path& file, class_registry& classes,
                                             std::chrono::milliseconds stall_limit) {
    return std::make_unique<trace_cmd_trace>(
        file.string(), std::make_unique<dat_channel>(file.string(), stall_limit), classes);
}

std::unique_ptr<trace_reader> open_trace_cmd_messages(const std::string& name, int fd,
                                                      class_registry& classes) {
    return std::make_unique<trace_cmd_trace>(name, std::make_unique<dat_channel>(name, fd),
                                             classes);
}

std::unique_ptr<trace_reader> open_trace_cmd(const fs::path& file, class_registry& classes,
                                             const read_options&) {
    return open_trace_cmd(file, classes, std::chrono::minutes(2));
}

} // namespace ltt::viewer
