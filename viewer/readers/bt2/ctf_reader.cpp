#include "ctf_reader.hpp"

#include "../../core/event_class.hpp"
#include "../../core/loss.hpp"
#include "../../core/payload.hpp"
#include "bt2_error.hpp"
#include "class_map.hpp"
#include "port_graph.hpp"
#include "trace_source.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>
#include <vector>

namespace fs = std::filesystem;

namespace ltt::viewer {

namespace {

using bt2::bt2_error;

// What the streams of one trace share.
struct trace_context {
    explicit trace_context(const fs::path& dir) : path(dir.string()), graph(dir) {}

    std::string path;
    bt2::port_graph graph;
    std::unique_ptr<bt2::class_map> classes;
    time_unit unit = time_unit::ns;
    const event_class* loss = nullptr;
};

// One src.ctf.fs port: one stream of the trace (its rotated files
// included), read a batch of messages at a time.
class ctf_stream final : public event_stream {
public:
    ctf_stream(trace_context& trace, std::size_t port) : trace_(trace), port_(port) {}

    // Reads the stream's first batch: its stream beginning message says
    // which stream it is, and whether the tracer may have discarded
    // events before the first packet.
    void prime() {
        try {
            if (!trace_.graph.pull(port_, batch_) || batch_.messages().empty() ||
                bt_message_get_type(batch_.messages()[0]) != BT_MESSAGE_TYPE_STREAM_BEGINNING)
                throw bt2_error("the stream does not begin with a stream beginning message");
        } catch (const bt2_error& e) {
            throw bt2_error(fmt::format("{}: stream `{}`: babeltrace2 cannot read it: {}",
                                        trace_.path, trace_.graph.port_name(port_), e.what()));
        }
        stream_ = bt_message_stream_beginning_borrow_stream_const(batch_.messages()[0]);
        position_ = 1;
        const char* name = bt_stream_get_name(stream_);
        full_name_ = name != nullptr ? name : trace_.graph.port_name(port_);
        info_.name = name != nullptr ? fs::path(name).filename().string()
                                     : fmt::format("stream{}", bt_stream_get_id(stream_));
        const bt_stream_class* sc = bt_stream_borrow_class_const(stream_);
        clock_ = bt_stream_class_borrow_default_clock_class_const(sc);
        packet_has_time_ = bt_stream_class_packets_have_beginning_default_clock_snapshot(sc);
        discarded_events_have_time_ =
            bt_stream_class_discarded_events_have_default_clock_snapshots(sc);
        discarded_packets_have_time_ =
            bt_stream_class_discarded_packets_have_default_clock_snapshots(sc);
        if (const bt_field_class* context =
                bt_stream_class_borrow_packet_context_field_class_const(sc)) {
            const std::uint64_t n = bt_field_class_structure_get_member_count(context);
            for (std::uint64_t i = 0; i < n; ++i) {
                const bt_field_class_structure_member* m =
                    bt_field_class_structure_borrow_member_by_index_const(context, i);
                if (std::string_view(bt_field_class_structure_member_get_name(m)) == "cpu_id" &&
                    bt_field_class_type_is(
                        bt_field_class_get_type(
                            bt_field_class_structure_member_borrow_field_class_const(m)),
                        BT_FIELD_CLASS_TYPE_INTEGER))
                    cpu_member_ = i;
            }
        }
        for (const bt_message* m : batch_.messages()) {
            std::uint64_t count = 0;
            if (bt_message_get_type(m) == BT_MESSAGE_TYPE_DISCARDED_EVENTS &&
                bt_message_discarded_events_get_count(m, &count) ==
                    BT_PROPERTY_AVAILABILITY_NOT_AVAILABLE)
                may_have_discarded_ = true;
        }
    }

    void bind(const source_info& source) { info_.source = &source; }

    const bt_stream* bt2_stream() const noexcept { return stream_; }
    const bt_clock_class* clock() const noexcept { return clock_; }
    const std::string& full_name() const noexcept { return full_name_; }
    bool has_cpu_id() const noexcept { return cpu_member_.has_value(); }
    bool may_have_discarded() const noexcept { return may_have_discarded_; }

    bool next(event& out) override {
        try {
            return advance(out);
        } catch (const bt2_error& e) {
            throw bt2_error(fmt::format(
                "{}: babeltrace2 cannot read this stream past its event {} (packet {}{}): {}",
                full_name_, events_, packets_,
                events_ == 0 ? std::string() : fmt::format(", last timestamp {}", last_ts_),
                e.what()));
        }
    }

private:
    struct pending_loss {
        loss_payload payload{0, loss_reason::events_discarded, 0, 0};
        std::uint64_t ts = 0;
    };

    bool advance(event& out) {
        for (;;) {
            if (next_loss_ < ready_losses_) {
                emit_loss(out);
                return true;
            }
            if (next_loss_ != 0) {
                // Every ready loss was handed out (its payload is no longer
                // needed): keep only the ones still waiting for a packet.
                losses_.erase(losses_.begin(),
                              losses_.begin() + static_cast<std::ptrdiff_t>(next_loss_));
                ready_losses_ = next_loss_ = 0;
            }
            if (position_ == batch_.messages().size()) {
                if (ended_ || !trace_.graph.pull(port_, batch_)) {
                    ended_ = true;
                    // Losses babeltrace2 reported after the last packet.
                    if (ready_losses_ < losses_.size()) {
                        ready_losses_ = losses_.size();
                        continue;
                    }
                    return false;
                }
                position_ = 0;
            }
            if (convert(batch_.messages()[position_++], out))
                return true;
        }
    }

    // True when `m` is an event for `out`.
    bool convert(const bt_message* m, event& out) {
        switch (bt_message_get_type(m)) {
        case BT_MESSAGE_TYPE_EVENT:
            convert_event(m, out);
            return true;
        case BT_MESSAGE_TYPE_PACKET_BEGINNING:
            begin_packet(m);
            return false;
        case BT_MESSAGE_TYPE_DISCARDED_EVENTS: {
            std::uint64_t count = 0;
            if (bt_message_discarded_events_get_count(m, &count) !=
                BT_PROPERTY_AVAILABILITY_AVAILABLE)
                count = 0; // "may have discarded": the place is marked, with no number
            const bt_clock_snapshot* begin =
                discarded_events_have_time_
                    ? bt_message_discarded_events_borrow_beginning_default_clock_snapshot_const(m)
                    : nullptr;
            const bt_clock_snapshot* end =
                discarded_events_have_time_
                    ? bt_message_discarded_events_borrow_end_default_clock_snapshot_const(m)
                    : nullptr;
            queue_loss(count, loss_reason::events_discarded, begin, end);
            return false;
        }
        case BT_MESSAGE_TYPE_DISCARDED_PACKETS: {
            std::uint64_t count = 0;
            if (bt_message_discarded_packets_get_count(m, &count) !=
                BT_PROPERTY_AVAILABILITY_AVAILABLE)
                count = 0;
            const bt_clock_snapshot* begin =
                discarded_packets_have_time_
                    ? bt_message_discarded_packets_borrow_beginning_default_clock_snapshot_const(m)
                    : nullptr;
            const bt_clock_snapshot* end =
                discarded_packets_have_time_
                    ? bt_message_discarded_packets_borrow_end_default_clock_snapshot_const(m)
                    : nullptr;
            queue_loss(count, loss_reason::packets_lost, begin, end);
            return false;
        }
        default: // stream beginning/end, packet end, inactivity
            return false;
        }
    }

    void convert_event(const bt_message* m, event& out) {
        const bt_event* e = bt_message_event_borrow_event_const(m);
        const bt_event_class* ec = bt_event_borrow_class_const(e);
        if (ec != last_class_) {
            last_plan_ = trace_.classes->find(ec);
            if (last_plan_ == nullptr)
                throw bt2_error(fmt::format("event class `{}` appeared after the trace was opened",
                                            bt_event_class_get_name(ec) != nullptr
                                                ? bt_event_class_get_name(ec)
                                                : "(unnamed)"));
            last_class_ = ec;
        }
        bt2::class_map::encode(*last_plan_, e, payload_, scratch_);
        last_ts_ =
            bt2::timestamp_of(bt_message_event_borrow_default_clock_snapshot_const(m), trace_.unit);
        ++events_;
        out.ts = last_ts_;
        out.cls = last_plan_->cls;
        out.stream = &info_;
        out.payload = payload_.span();
        out.cpu = cpu_;
    }

    void begin_packet(const bt_message* m) {
        ++packets_;
        if (cpu_member_) {
            const bt_packet* packet = bt_message_packet_beginning_borrow_packet_const(m);
            if (const bt_field* context = bt_packet_borrow_context_field_const(packet)) {
                const bt_field* cpu =
                    bt_field_structure_borrow_member_field_by_index_const(context, *cpu_member_);
                cpu_ = static_cast<std::uint32_t>(
                    bt_field_class_type_is(bt_field_get_class_type(cpu),
                                           BT_FIELD_CLASS_TYPE_SIGNED_INTEGER)
                        ? static_cast<std::uint64_t>(bt_field_integer_signed_get_value(cpu))
                        : bt_field_integer_unsigned_get_value(cpu));
            }
        }
        if (losses_.size() == ready_losses_)
            return;
        // The losses babeltrace2 reported just before this packet are
        // known at its start (as the native reader places them).
        std::optional<std::uint64_t> at;
        if (packet_has_time_)
            at = bt2::timestamp_of(
                bt_message_packet_beginning_borrow_default_clock_snapshot_const(m), trace_.unit);
        for (std::size_t i = ready_losses_; i < losses_.size(); ++i) {
            if (at)
                losses_[i].ts = *at;
        }
        ready_losses_ = losses_.size();
    }

    void queue_loss(std::uint64_t count, loss_reason reason, const bt_clock_snapshot* begin,
                    const bt_clock_snapshot* end) {
        const std::uint64_t b = begin != nullptr ? bt2::timestamp_of(begin, trace_.unit) : last_ts_;
        const std::uint64_t e = end != nullptr ? bt2::timestamp_of(end, trace_.unit) : b;
        // Until the next packet's start is known, the loss sits at the
        // start of its interval.
        losses_.push_back({loss_payload(count, reason, b, e), std::max(b, last_ts_)});
    }

    void emit_loss(event& out) {
        const pending_loss& p = losses_[next_loss_++];
        out.ts = p.ts;
        out.cls = trace_.loss;
        out.stream = &info_;
        out.payload = p.payload.span();
        out.cpu = cpu_;
    }

    trace_context& trace_;
    std::size_t port_;
    bt2::message_batch batch_;
    std::size_t position_ = 0;
    bool ended_ = false;

    const bt_stream* stream_ = nullptr;
    std::string full_name_;
    const bt_clock_class* clock_ = nullptr;
    bool packet_has_time_ = false;
    bool discarded_events_have_time_ = false;
    bool discarded_packets_have_time_ = false;
    std::optional<std::uint64_t> cpu_member_;
    bool may_have_discarded_ = false;

    const bt_event_class* last_class_ = nullptr;
    const bt2::class_plan* last_plan_ = nullptr;
    payload_builder payload_;
    std::string scratch_;
    std::uint32_t cpu_ = 0;
    std::uint64_t last_ts_ = 0;
    std::uint64_t events_ = 0;
    std::uint64_t packets_ = 0;

    // Losses in stream order; [0, ready_losses_) have their place in time,
    // [next_loss_, ready_losses_) are still to be handed out.
    std::vector<pending_loss> losses_;
    std::size_t ready_losses_ = 0;
    std::size_t next_loss_ = 0;
};

class ctf_trace final : public trace_reader {
public:
    ctf_trace(const fs::path& dir, class_registry& classes) : context_(dir) {
        for (std::size_t port = 0; port < context_.graph.port_count(); ++port) {
            owned_.push_back(std::make_unique<ctf_stream>(context_, port));
            owned_.back()->prime();
        }
        // Merge ties are broken by stream order: make it the files' order,
        // not the order src.ctf.fs found them in the directory.
        std::sort(owned_.begin(), owned_.end(),
                  [](const auto& a, const auto& b) { return a->full_name() < b->full_name(); });

        std::vector<const bt_clock_class*> clocks;
        std::vector<std::string> without_cpu;
        std::vector<std::string> may_have_discarded;
        for (const auto& s : owned_) {
            if (s->clock() == nullptr)
                throw bt2_error(fmt::format("{}: stream {} has no clock: its events cannot be "
                                            "placed in time",
                                            context_.path, s->full_name()));
            clocks.push_back(s->clock());
            if (!s->has_cpu_id())
                without_cpu.push_back(s->info().name);
            if (s->may_have_discarded())
                may_have_discarded.push_back(s->info().name);
        }
        const bt_trace* trace = bt_stream_borrow_trace_const(owned_.front()->bt2_stream());
        bt2::trace_description d = bt2::describe_trace(dir, trace, clocks);
        source_ = std::move(d.source);
        context_.unit = source_.clock.unit;
        context_.loss = classes.find(source_.layer, loss_desc.name);
        bt2::class_map::naming naming;
        naming.layer = source_.layer;
        naming.facility = d.facility;
        naming.map_kernel_builtins = d.lttng_kernel;
        context_.classes = std::make_unique<bt2::class_map>(bt_trace_borrow_class_const(trace),
                                                            classes, naming, source_.notices);
        for (const std::string& w : context_.graph.warnings())
            source_.notices.push_back(w);
        if (!without_cpu.empty())
            source_.notices.push_back(fmt::format("no cpu_id in the packet context of {}: their "
                                                  "events are shown on CPU 0",
                                                  fmt::join(without_cpu, ", ")));
        if (!may_have_discarded.empty())
            source_.notices.push_back(fmt::format(
                "the tracer may have discarded events before the first packet of {} (babeltrace2 "
                "gives no count: a lost_events event of count 0 marks the place)",
                fmt::join(may_have_discarded, ", ")));
        for (const auto& s : owned_) {
            s->bind(source_);
            streams_.push_back(s.get());
        }
    }

    std::span<event_stream* const> streams() override { return streams_; }

private:
    trace_context context_; // first: the streams' batches are released before the graph
    std::vector<std::unique_ptr<ctf_stream>> owned_;
    std::vector<event_stream*> streams_;
};

} // namespace

std::unique_ptr<trace_reader> open_ctf_trace(const fs::path& dir, class_registry& classes,
                                             const read_options&) {
    return std::make_unique<ctf_trace>(dir, classes);
}

} // namespace ltt::viewer
