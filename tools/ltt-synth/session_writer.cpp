#include "session_writer.hpp"

#include <ltt/descriptor_sizes.hpp>
#include <ltt/facility_fragment.hpp>
#include <ltt/metadata_writer.hpp>

#include <fmt/format.h>

#include <stdexcept>

namespace ltt::synth {

channel_writer::channel_writer(const std::filesystem::path& root, std::string subdir,
                               ltt::layer layer, std::uint32_t xen_domid,
                               std::span<const ltt::facility_desc* const> facilities,
                               const std::filesystem::path& ctf_dir, const ltt::uuid& clock_uuid,
                               std::uint64_t tsc_hz, std::uint64_t packet_bytes)
    : layer_(layer), xen_domid_(xen_domid), subdir_(std::move(subdir)), tsc_hz_(tsc_hz),
      packet_bytes_(packet_bytes) {
    std::vector<ltt::facility_fragment> fragments;
    std::uint32_t base = 0;
    for (const ltt::facility_desc* f : facilities) {
        fragments.push_back(ltt::load_fragment(ctf_dir / fmt::format("{}.tsdl", f->name)));
        if (fragments.back().checksum != f->checksum)
            throw std::runtime_error(
                fmt::format("{}: checksum differs from the descriptors", fragments.back().source));
        for (const ltt::event_desc& e : f->events)
            ids_.emplace(std::string(e.name), event_slot{base + e.local_id, &e});
        base += static_cast<std::uint32_t>(f->events.size());
    }
    const ltt::channel_layout layout = ltt::layout_channel(fragments);
    header_ = layout.header;
    slots_ = layout.facilities;

    // A uuid per trace, derived from the subdirectory so runs are repeatable.
    for (std::size_t i = 0; i < trace_uuid_.size(); ++i)
        trace_uuid_[i] = static_cast<std::uint8_t>(
            clock_uuid[i] ^ (i < subdir_.size() ? static_cast<std::uint8_t>(subdir_[i]) : 0x5a));

    ltt::metadata_params p;
    p.trace_uuid = trace_uuid_;
    p.clock_uuid = clock_uuid;
    p.domain = layer;
    p.xen_domid = xen_domid;
    p.hostname = "ltt-synth";
    p.tsc_hz = tsc_hz;
    p.origin = {1'700'000'000'000'000'000, 0};
    p.trace_name = "ltt-synth";
    ltt::trace_writer_options o;
    o.root = root;
    o.subdir = subdir_;
    o.stream_prefix = layer == ltt::layer::xen ? "xen_" : "cpu_";
    o.metadata = ltt::write_metadata(p, fragments);
    writer_ = std::make_unique<ltt::trace_writer>(std::move(o));
}

void channel_writer::add(std::uint32_t cpu, std::uint64_t tsc, std::string_view name,
                         const ltt::payload_writer& payload) {
    const auto id = ids_.find(name);
    if (id == ids_.end())
        throw std::invalid_argument(fmt::format("no event `{}` in {}", name, subdir_));
    // A payload that does not fit its descriptor would make a trace no
    // reader can decode: a bug of the model, said at once.
    const std::size_t size = ltt::layout_of(*id->second.desc).size_in(payload.bytes());
    if (size != payload.bytes().size())
        throw std::logic_error(fmt::format("{}: payload of {} bytes, its fields make {}", name,
                                           payload.bytes().size(), size));
    cpu_stream& s = cpus_[cpu];
    if (!s.packet) {
        ltt::packet_header h;
        h.uuid = trace_uuid_;
        h.stream_instance_id = cpu;
        h.cpu_id = cpu;
        h.packet_seq_num = s.seq;
        h.events_discarded = s.discarded;
        h.timestamp_begin = tsc;
        s.packet = std::make_unique<ltt::packet_builder>(header_, h);
    }
    s.packet->add_event(id->second.id, tsc, payload.bytes());
    ++events_;
    // Packets of about packet_bytes_, as sub-buffers of that size would be.
    if (s.packet->records() * 24 >= packet_bytes_)
        flush(cpu, s);
}

void channel_writer::discard(std::uint32_t cpu, std::uint64_t n) {
    cpu_stream& s = cpus_[cpu];
    if (s.packet)
        flush(cpu, s);
    s.discarded += n;
}

void channel_writer::flush(std::uint32_t cpu, cpu_stream& s) {
    const std::uint64_t end = s.packet->last_tsc();
    const std::size_t records = s.packet->records();
    const std::vector<std::byte> bytes = s.packet->finish(end);
    writer_->write_packet(cpu, bytes, records);
    s.packet.reset();
    ++s.seq;
}

void channel_writer::close() {
    for (auto& [cpu, s] : cpus_) {
        if (s.packet)
            flush(cpu, s);
    }
    writer_->close();
}

ltt::index_domain channel_writer::index_entry(std::string domain_name) const {
    ltt::index_channel ch;
    ch.name = layer_ == ltt::layer::xen ? "xen" : "kernel";
    ch.path = subdir_;
    ch.mode = "discard";
    ch.header = header_;
    ch.facilities = slots_;
    ch.cpus = writer_->stats();
    ltt::index_domain d;
    d.name = std::move(domain_name);
    d.kind = layer_;
    d.xen_domid = xen_domid_;
    d.channels.push_back(std::move(ch));
    return d;
}

} // namespace ltt::synth
