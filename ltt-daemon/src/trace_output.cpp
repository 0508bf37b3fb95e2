#include "trace_output.hpp"

#include <ltt/packet_header.hpp>
#include <ltt/trace_index.hpp>

#include <fmt/format.h>

namespace lttd {

trace_output::trace_output(std::filesystem::path root, const channel_info& channel,
                           std::string metadata, trace_identity identity, crash_guard* guard)
    : root_(std::move(root)), channel_(channel), identity_(std::move(identity)), guard_(guard) {
    if (channel_.untrusted_bodies)
        body_check_.emplace(channel_); // body_check_error: the source refuses such channels first
    ltt::trace_writer_options opt;
    opt.root = root_;
    opt.subdir = channel_.trace_subdir;
    opt.stream_prefix = channel_.stream_prefix;
    opt.metadata = std::move(metadata);
    writer_ = std::make_unique<ltt::trace_writer>(std::move(opt));
}

trace_output::~trace_output() {
    try {
        close();
    } catch (...) {
        // Reported by close() to callers who ask.
    }
}

trace_output::stream_state& trace_output::stream(std::uint32_t cpu) {
    auto it = streams_.find(cpu);
    if (it == streams_.end()) {
        stream_state s;
        if (guard_)
            s.guard_slot =
                guard_->track(trace_dir() / fmt::format("{}{}", channel_.stream_prefix, cpu));
        it = streams_.emplace(cpu, s).first;
    }
    return it->second;
}

void trace_output::add_stream(std::uint32_t cpu) {
    stream(cpu);
    writer_->add_stream(cpu);
}

std::optional<std::uint64_t> trace_output::last_events_discarded(std::uint32_t cpu) const {
    const auto it = streams_.find(cpu);
    if (it == streams_.end() || !it->second.have_packet)
        return std::nullopt;
    return it->second.events_discarded;
}

std::optional<std::string> trace_output::write_packet(std::uint32_t cpu,
                                                      std::span<const std::byte> packet,
                                                      std::uint64_t records) {
    if (closed_)
        return fmt::format("cpu {}: trace {} is closed", cpu, trace_dir().string());
    if (packet.size() < ltt::packet_header_size)
        return fmt::format("cpu {}: packet of {} bytes refused: shorter than its header", cpu,
                           packet.size());
    const ltt::packet_header h = ltt::decode_packet_header(packet.first<ltt::packet_header_size>());
    stream_state& s = stream(cpu);
    const auto refuse = [&](const std::string& why) {
        return fmt::format("cpu {}: packet {} refused: {}", cpu, h.packet_seq_num, why);
    };
    if (h.uuid != channel_.uuid)
        return refuse(fmt::format("uuid {} is not the trace's {}", ltt::uuid_to_string(h.uuid),
                                  ltt::uuid_to_string(channel_.uuid)));
    if (h.stream_id != 0)
        return refuse(fmt::format("stream_id {}, not 0", h.stream_id));
    if (h.cpu_id != cpu || h.stream_instance_id != cpu)
        return refuse(fmt::format("it says cpu_id {}, stream_instance_id {}", h.cpu_id,
                                  h.stream_instance_id));
    if (h.packet_size != std::uint64_t{packet.size()} * 8 || h.content_size > h.packet_size ||
        h.content_size < ltt::packet_header_size * 8 || h.content_size % 8)
        return refuse(fmt::format("content_size {} / packet_size {} bits for {} bytes",
                                  h.content_size, h.packet_size, packet.size()));
    if (h.timestamp_end < h.timestamp_begin)
        return refuse(
            fmt::format("ends ({}) before it begins ({})", h.timestamp_end, h.timestamp_begin));
    if (s.have_packet) {
        if (h.packet_seq_num <= s.seq)
            return refuse(fmt::format("sequence number after {}", s.seq));
        if (h.timestamp_begin < s.timestamp_end)
            return refuse(fmt::format("begins at {}, before the previous packet ended ({})",
                                      h.timestamp_begin, s.timestamp_end));
        if (h.events_discarded < s.events_discarded)
            return refuse(fmt::format("loss count {} below the previous packet's {}",
                                      h.events_discarded, s.events_discarded));
    }
    if (body_check_) {
        // The loss count is the producer's word too, and every reader sums
        // it: no more than one event lost per TSC cycle since the previous
        // packet ended (since TSC 0 for the first) - far above any real loss
        // rate (a record costs tens of cycles at least), far below the
        // garbage of a scribbled counter.
        const std::uint64_t since = s.have_packet ? s.timestamp_end : 0;
        const std::uint64_t before = s.have_packet ? s.events_discarded : 0;
        if (h.events_discarded - before > h.timestamp_end - since)
            return refuse(fmt::format("loss count {} grew by more than the {} TSC cycles since "
                                      "{} (at most one lost event per cycle)",
                                      h.events_discarded, h.timestamp_end - since,
                                      s.have_packet ? "the previous packet ended" : "TSC 0"));
        if (auto why = body_check_->check(packet))
            return refuse(*why);
        // The count the producer claims is its memory too; the walk's is true.
        records = body_check_->last_records();
    }
    try {
        writer_->write_packet(cpu, packet, records);
    } catch (const std::invalid_argument& e) {
        return refuse(e.what());
    }
    s.have_packet = true;
    s.seq = h.packet_seq_num;
    s.timestamp_end = h.timestamp_end;
    s.events_discarded = h.events_discarded;
    s.bytes += packet.size();
    if (guard_)
        guard_->committed(s.guard_slot, s.bytes);
    return std::nullopt;
}

void trace_output::sync() {
    writer_->sync();
}

void trace_output::close() {
    if (closed_)
        return;
    closed_ = true;
    writer_->close();
    if (guard_)
        for (auto& [cpu, s] : streams_)
            guard_->untrack(std::exchange(s.guard_slot, -1));
}

void trace_output::write_index() {
    ltt::session_index index;
    index.name = identity_.session;
    index.mode = std::string(to_string(channel_.mode));
    index.created = identity_.created;
    index.hostname = identity_.hostname;
    index.tsc_hz = identity_.tsc_hz ? identity_.tsc_hz : channel_.tsc_hz;
    index.clock_uuid = identity_.clock_uuid;
    ltt::index_channel ch;
    ch.name = channel_.name;
    ch.path = channel_.trace_subdir;
    ch.mode = index.mode;
    ch.header = channel_.header;
    ch.subbuf_size = channel_.subbuf_size();
    ch.subbuf_count = channel_.subbuf_count();
    ch.facilities = channel_.facilities;
    ch.cpus = writer_->stats();
    ltt::index_domain d;
    d.name = channel_.domain_name;
    d.kind = channel_.domain;
    d.xen_domid = channel_.xen_domid;
    d.channels.push_back(std::move(ch));
    if (identity_.book) {
        identity_.book->write(root_, std::move(index), channel_.trace_subdir, std::move(d));
        return;
    }
    index.domains.push_back(std::move(d));
    ltt::write_index(root_, index);
}

} // namespace lttd
