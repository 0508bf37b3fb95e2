// session_writer.hpp - writes an ltt-xen recording session the way lttd
// does (metadata from genevent's CTF fragments, one stream file per CPU of
// whole packets, index.json), from events given one at a time in time order
// per CPU. The packets are assembled with libltt's packet_builder, not by
// the ring buffer: what ltt-synth produces is a trace with known contents,
// not a test of the writer.
#pragma once

#include <ltt/event_desc.hpp>
#include <ltt/layer.hpp>
#include <ltt/packet_builder.hpp>
#include <ltt/payload_writer.hpp>
#include <ltt/trace_index.hpp>
#include <ltt/trace_writer.hpp>
#include <ltt/uuid.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ltt::synth {

// One channel (a trace directory): the hypervisor's, or a guest kernel's.
class channel_writer {
public:
    // `facilities`: the layer's facility set in channel order (genevent's
    // ltt::facility_sets), `ctf_dir` the directory of its .tsdl fragments.
    channel_writer(const std::filesystem::path& root, std::string subdir, ltt::layer layer,
                   std::uint32_t xen_domid, std::span<const ltt::facility_desc* const> facilities,
                   const std::filesystem::path& ctf_dir, const ltt::uuid& clock_uuid,
                   std::uint64_t tsc_hz, std::uint64_t packet_bytes);

    // Appends an event to CPU `cpu`'s stream. Time must not go backwards
    // within a CPU. `name` is an event of one of the channel's facilities.
    void add(std::uint32_t cpu, std::uint64_t tsc, std::string_view name,
             const ltt::payload_writer& payload);

    // Losses: the next packet of `cpu` reports `n` more discarded events.
    void discard(std::uint32_t cpu, std::uint64_t n);

    void close();
    ltt::index_domain index_entry(std::string domain_name) const;
    std::uint64_t events() const noexcept { return events_; }

private:
    struct cpu_stream {
        std::unique_ptr<ltt::packet_builder> packet;
        std::uint64_t seq = 0;
        std::uint64_t discarded = 0;
        std::uint64_t begin = 0;
    };
    void flush(std::uint32_t cpu, cpu_stream& s);

    ltt::layer layer_;
    std::uint32_t xen_domid_;
    std::string subdir_;
    ltt::uuid trace_uuid_{};
    std::uint64_t tsc_hz_;
    std::uint64_t packet_bytes_;
    ltt::event_header_kind header_;
    std::vector<ltt::facility_slot> slots_;
    struct event_slot {
        std::uint32_t id = 0;
        const ltt::event_desc* desc = nullptr;
    };
    std::map<std::string, event_slot, std::less<>> ids_;
    std::unique_ptr<ltt::trace_writer> writer_;
    std::map<std::uint32_t, cpu_stream> cpus_;
    std::uint64_t events_ = 0;
};

} // namespace ltt::synth
