// The ftrace text reader: one stream for the whole file (the kernel
// already merged the CPUs by timestamp when it printed them), each event
// with the CPU of its `[cpu]` column. Lines are read and decoded one at a
// time (line_reader, text_events): memory does not grow with the file.
#include "ftrace_trace.hpp"
#include "line_reader.hpp"
#include "text_events.hpp"
#include "text_head.hpp"

#include "../../core/event_class.hpp"
#include "../../core/loss.hpp"
#include "../../core/payload.hpp"

#include <ltt/errors.hpp>

#include <fmt/format.h>

#include <vector>

namespace fs = std::filesystem;

namespace ltt::viewer {

namespace {

// Linux's largest NR_CPUS (x86 MAXSMP): a larger `[cpu]` is not a CPU.
constexpr std::uint32_t max_cpus = 8192;

std::string_view form_name(timestamp_form f) {
    return f == timestamp_form::counter ? "an integer counter" : "seconds.microseconds";
}

class text_stream final : public event_stream {
public:
    text_stream(const source_info& source, const fs::path& file, const text_head& head,
                class_registry& classes)
        : lines_(file), events_(classes), loss_(classes.find(ltt::layer::kernel, loss_desc.name)),
          form_(head.form.value_or(timestamp_form::counter)),
          function_tracer_(head.header.tracer == "function") {
        info_.source = &source;
        info_.name = file.filename().string();
        const auto& h = head.header;
        if (h.entries_written && h.entries_in_buffer && *h.entries_written > *h.entries_in_buffer)
            overwritten_ = *h.entries_written - *h.entries_in_buffer;
        in_buffer_ = h.entries_in_buffer;
    }

    bool next(event& out) override {
        if (stashed_)
            return release(out);
        std::string_view line;
        while (lines_.next(line)) {
            try {
                switch (classify(line)) {
                case line_kind::blank:
                case line_kind::comment:
                    continue;
                case line_kind::buffer_started:
                    // Where a CPU's oldest kept event is: what was lost
                    // before it is in the header's counts (overwritten_).
                    parse_buffer_started(line);
                    continue;
                case line_kind::lost: {
                    const lost_line l = parse_lost(line);
                    lost_lines_ = true;
                    check_cpu(l.cpu);
                    if (pending_) {
                        // Two reports before an event: the first is due now.
                        const pending_loss first = *pending_;
                        pending_ = l;
                        emit_loss(out, first, last_ts_, last_ts_);
                        return true;
                    }
                    pending_ = l;
                    continue;
                }
                case line_kind::event:
                    decode(line);
                    return release(out);
                }
            } catch (const line_error& e) {
                throw ltt::parse_error(lines_.name(), lines_.line_number(), e.what());
            }
        }
        if (in_buffer_ && events_read_ < *in_buffer_ && !lost_lines_)
            // A file cut at a line boundary looks complete: its header
            // still counts what was in the buffer.
            throw ltt::parse_error(
                lines_.name(), lines_.line_number(),
                fmt::format("the file ends after {} events where its header says "
                            "entries-in-buffer {} (cut short?)",
                            events_read_, *in_buffer_));
        if (pending_) {
            // Lost events reported after the last event of the file.
            const pending_loss l = *pending_;
            pending_.reset();
            emit_loss(out, l, last_ts_, last_ts_);
            return true;
        }
        return false;
    }

private:
    using pending_loss = lost_line;

    void check_cpu(std::uint32_t cpu) const {
        if (cpu >= max_cpus)
            throw line_error(
                fmt::format("CPU {} is beyond Linux's largest NR_CPUS ({})", cpu, max_cpus));
    }

    void decode(std::string_view line) {
        parse_event_line(line, parsed_);
        check_cpu(parsed_.cpu);
        if (parsed_.form != form_)
            throw line_error(fmt::format("timestamp is {} where the lines before had {}: one "
                                         "file, one trace clock",
                                         form_name(parsed_.form), form_name(form_)));
        stash_.cls = &events_.decode(parsed_, function_tracer_, payload_);
        stash_.ts = parsed_.ts;
        stash_.stream = &info_;
        stash_.payload = payload_.span();
        stash_.cpu = parsed_.cpu;
        stashed_ = true;
        ++events_read_;
        if (cpu_ts_.size() <= stash_.cpu)
            cpu_ts_.resize(stash_.cpu + 1, 0);
        stash_previous_ = cpu_ts_[stash_.cpu];
        cpu_ts_[stash_.cpu] = stash_.ts;
        last_ts_ = stash_.ts;
    }

    // Hands out what is due before the decoded event, then the event.
    bool release(event& out) {
        if (overwritten_ != 0) {
            // entries-written - entries-in-buffer: overwritten before the
            // oldest event kept, on CPUs the text does not name.
            const pending_loss l{stash_.cpu, overwritten_};
            overwritten_ = 0;
            emit_loss(out, l, 0, stash_.ts);
            return true;
        }
        if (pending_ && pending_->cpu == stash_.cpu) {
            const pending_loss l = *pending_;
            pending_.reset();
            emit_loss(out, l, stash_previous_, stash_.ts);
            return true;
        }
        stashed_ = false;
        out = stash_;
        return true;
    }

    void emit_loss(event& out, const pending_loss& l, std::uint64_t begin, std::uint64_t end) {
        // count 0: the kernel said events were lost, not how many.
        loss_bytes_ = loss_payload(l.count.value_or(0), loss_reason::events_lost, begin, end);
        out.ts = end;
        out.cls = loss_;
        out.stream = &info_;
        out.payload = loss_bytes_.span();
        out.cpu = l.cpu;
    }

    line_reader lines_;
    text_events events_;
    const event_class* loss_;
    timestamp_form form_;
    bool function_tracer_;
    event_line parsed_;
    payload_builder payload_;
    event stash_; // decoded, handed out after the losses due before it
    bool stashed_ = false;
    std::uint64_t stash_previous_ = 0; // the previous event's timestamp on its CPU
    std::optional<pending_loss> pending_;
    std::uint64_t overwritten_ = 0;
    loss_payload loss_bytes_{0, loss_reason::events_lost, 0, 0};
    std::vector<std::uint64_t> cpu_ts_; // last timestamp per CPU
    std::uint64_t last_ts_ = 0;
    std::optional<std::uint64_t> in_buffer_; // the header's entries-in-buffer
    std::uint64_t events_read_ = 0;
    bool lost_lines_ = false; // the kernel said it dropped some while printing
};

class text_trace final : public trace_reader {
public:
    text_trace(const fs::path& file, class_registry& classes) {
        const text_head head = read_text_head(file, std::size_t{1} << 20);
        const trace_header& h = head.header;
        if (h.latency_format)
            throw ltt::parse_error(file.string(), 1,
                                   "output of the latency-format option (timestamps relative to "
                                   "the trace start, another layout): record without it");
        if (!h.tracer.empty() && h.tracer != "nop" && h.tracer != "function")
            throw ltt::parse_error(file.string(), 1,
                                   fmt::format("tracer `{}`: only the nop tracer's events (and "
                                               "the function tracer's lines) are read; other "
                                               "tracers print other layouts",
                                               h.tracer));
        source_.path = file.string();
        source_.format = "ftrace";
        source_.layer = ltt::layer::kernel;
        source_.domain_name = "ftrace";
        if (head.form.value_or(timestamp_form::counter) == timestamp_form::counter) {
            // ftrace prints the raw value of a clock that does not count
            // nanoseconds (trace_print_time(): "%12llu"); x86-tsc is the
            // one this reader is for.
            source_.clock.unit = time_unit::tsc;
            source_.clock.name = "x86-tsc";
        } else {
            source_.clock.unit = time_unit::ns;
            source_.clock.freq_hz = 1'000'000'000;
            source_.clock.name = "ftrace ns clock since boot (not the epoch)";
            source_.notices.push_back(
                "timestamps are seconds.microseconds: a nanosecond trace clock (local, global, "
                "mono, boot...: the text does not say which) counted from boot, not from the "
                "Unix epoch, printed to the microsecond; it cannot be merged with TSC sources "
                "(record with trace_clock x86-tsc for that)");
        }
        if (h.entries_written && h.entries_in_buffer && *h.entries_written > *h.entries_in_buffer)
            source_.notices.push_back(fmt::format(
                "{} events were overwritten in the kernel's ring buffer before it was read "
                "(entries-written {} - entries-in-buffer {}): one lost_events before the first "
                "event says so (the text does not say on which CPUs)",
                *h.entries_written - *h.entries_in_buffer, *h.entries_written,
                *h.entries_in_buffer));
        stream_ = std::make_unique<text_stream>(source_, file, head, classes);
        streams_.push_back(stream_.get());
    }

    std::span<event_stream* const> streams() override { return streams_; }

private:
    std::unique_ptr<text_stream> stream_;
    std::vector<event_stream*> streams_;
};

} // namespace

std::unique_ptr<trace_reader> open_ftrace_text(const fs::path& file, class_registry& classes,
                                               const read_options&) {
    return std::make_unique<text_trace>(file, classes);
}

} // namespace ltt::viewer
