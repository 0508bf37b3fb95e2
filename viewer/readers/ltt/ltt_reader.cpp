#include "ltt_reader.hpp"

#include "../../core/event_class.hpp"
#include "../../core/event_registry.hpp"
#include "../../core/loss.hpp"

#include <ltt/descriptor_sizes.hpp>
#include <ltt/errors.hpp>
#include <ltt/mapped_file.hpp>
#include <ltt/metadata_info.hpp>
#include <ltt/packet_reader.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <vector>

namespace fs = std::filesystem;

namespace ltt::viewer {

namespace {

constexpr std::uint32_t domid_xen = 32754; // DOMID_XEN: the hypervisor's channel

// One stream file: packets in order, events in order within them; losses
// come out as lost_events before the first event of the packet that
// reports them.
class ltt_stream final : public event_stream {
public:
    ltt_stream(const source_info& source, const fs::path& file, ltt::reader_options options,
               const std::vector<const event_class*>& classes, const event_class* loss)
        : map_(file), reader_(map_.bytes(), file.string(), std::move(options)), classes_(classes),
          loss_(loss) {
        info_.source = &source;
        info_.name = file.filename().string();
    }

    bool next(event& out) override {
        for (;;) {
            if (pending_loss_ != 0) {
                emit_loss(out);
                return true;
            }
            if (in_packet_) {
                if (const auto r = reader_.next_event()) {
                    if (r->id >= classes_.size() || classes_[r->id] == nullptr)
                        throw ltt::format_error(reader_.name(), r->offset,
                                                fmt::format("event id {} is not in the trace's "
                                                            "metadata",
                                                            r->id));
                    out.ts = r->tsc;
                    out.cls = classes_[r->id];
                    out.stream = &info_;
                    out.payload = r->payload;
                    out.cpu = cpu_;
                    return true;
                }
            }
            if (!open_packet())
                return false;
        }
    }

private:
    bool open_packet() {
        const ltt::packet_info* p = reader_.next_packet();
        in_packet_ = p != nullptr;
        if (p == nullptr)
            return false;
        // Memory stays bounded on traces larger than RAM.
        map_.done_before(p->offset);
        const ltt::packet_header& h = p->header;
        cpu_ = h.cpu_id;
        // events_discarded counts since the trace started: its growth is
        // what was lost since the previous packet; a first packet's value is
        // what was lost before it (babeltrace2 says "may have discarded").
        const std::uint64_t discarded = h.events_discarded - discarded_so_far_;
        const std::uint64_t since = have_packet_ ? previous_end_ : 0;
        if (p->packets_lost != 0) {
            queue(p->packets_lost, loss_reason::packets_lost, since, h.timestamp_begin,
                  h.timestamp_begin);
        }
        if (discarded != 0)
            queue(discarded, loss_reason::events_discarded, since, h.timestamp_end,
                  h.timestamp_begin);
        discarded_so_far_ = h.events_discarded;
        previous_end_ = h.timestamp_end;
        have_packet_ = true;
        return true;
    }

    void queue(std::uint64_t count, loss_reason reason, std::uint64_t begin, std::uint64_t end,
               std::uint64_t at) {
        // At most two per packet (lost packets, then discarded events).
        losses_[pending_loss_++] = {loss_payload(count, reason, begin, end), at};
    }

    void emit_loss(event& out) {
        const pending& p = losses_[next_loss_];
        out.ts = p.at;
        out.cls = loss_;
        out.stream = &info_;
        out.payload = p.payload.span();
        out.cpu = cpu_;
        if (++next_loss_ == pending_loss_)
            pending_loss_ = next_loss_ = 0;
    }

    struct pending {
        loss_payload payload{0, loss_reason::events_discarded, 0, 0};
        std::uint64_t at = 0;
    };

    ltt::mapped_file map_;
    ltt::packet_reader reader_;
    const std::vector<const event_class*>& classes_; // by channel event id
    const event_class* loss_;
    bool in_packet_ = false;
    std::uint32_t cpu_ = 0;
    bool have_packet_ = false;
    std::uint64_t discarded_so_far_ = 0;
    std::uint64_t previous_end_ = 0;
    pending losses_[2];
    std::size_t pending_loss_ = 0;
    std::size_t next_loss_ = 0;
};

class ltt_trace final : public trace_reader {
public:
    ltt_trace(const fs::path& dir, const class_registry& classes) {
        const ltt::metadata_info info = ltt::read_metadata_info(dir);
        const ltt::layer layer = info.domain;
        // The channel's facilities as this viewer knows them: the same name
        // and checksum, or the trace is not ours to decode.
        std::vector<const ltt::facility_desc*> facilities;
        for (const ltt::facility_slot& slot : info.facilities) {
            const ltt::facility_desc* f =
                event_registry::builtin().find_facility(layer, slot.name, slot.checksum);
            if (f == nullptr || f->events.size() != slot.events) {
                const ltt::facility_desc* other =
                    event_registry::builtin().find_facility(layer, slot.name);
                throw unknown_facility_error(
                    other == nullptr
                        ? fmt::format("{}: facility `{}` ({}) is not one this ltt-view was built "
                                      "with",
                                      dir.string(), slot.name, to_string(layer))
                        : fmt::format("{}: facility `{}` has checksum {:#010x} in the trace, "
                                      "{:#010x} in this ltt-view (another version of it)",
                                      dir.string(), slot.name, slot.checksum, other->checksum));
            }
            facilities.push_back(f);
            for (const ltt::event_desc& e : f->events)
                classes_.push_back(classes.of(e));
        }
        const event_class* loss = classes.find(layer, loss_desc.name);

        source_.path = dir.string();
        source_.format = "ltt-ctf";
        source_.layer = layer;
        if (layer == ltt::layer::xen) {
            source_.domain_name = "hypervisor";
        } else if (layer == ltt::layer::kernel) {
            source_.domid = info.xen_domid;
            source_.domain_name =
                info.xen_domid == 0 ? "dom0" : fmt::format("domU-{}", info.xen_domid);
        } else {
            source_.domid =
                info.xen_domid != domid_xen ? std::optional(info.xen_domid) : std::nullopt;
            source_.domain_name = "ust";
        }
        source_.clock.unit = time_unit::tsc;
        source_.clock.freq_hz = info.tsc_hz;
        source_.clock.name = "tsc";
        source_.clock.uuid = info.clock_uuid;
        if (info.tsc_hz != 0) {
            // The CTF clock offset: Unix time of TSC 0.
            const long double ns = static_cast<long double>(info.offset.cycles) * 1e9L /
                                   static_cast<long double>(info.tsc_hz);
            source_.clock.epoch =
                info.offset.seconds * 1'000'000'000 + static_cast<std::int64_t>(ns);
        }
        // An HVM/PVH guest's TSC is not the host's until viewer/time
        // converts it.
        source_.clock.host_tsc = !info.guest_tsc.has_value();

        ltt::reader_options options;
        options.header = info.header;
        options.payload_size = ltt::channel_payload_sizes(facilities);
        options.expected_uuid = info.trace_uuid;

        std::vector<fs::path> files;
        for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
            const std::string name = entry.path().filename().string();
            if (!entry.is_regular_file() || name == "metadata" || name.starts_with("."))
                continue;
            files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        for (const fs::path& file : files) {
            owned_.push_back(std::make_unique<ltt_stream>(source_, file, options, classes_, loss));
            streams_.push_back(owned_.back().get());
        }
    }

    std::span<event_stream* const> streams() override { return streams_; }

private:
    std::vector<const event_class*> classes_;
    std::vector<std::unique_ptr<ltt_stream>> owned_;
    std::vector<event_stream*> streams_;
};

} // namespace

bool is_ltt_trace(const fs::path& dir) {
    std::ifstream in(dir / "metadata", std::ios::binary);
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return head.starts_with("/* CTF 1.8 */") &&
           head.find("tracer_name = \"ltt-xen\";") != std::string::npos;
}

std::unique_ptr<trace_reader> open_ltt_trace(const fs::path& dir, const class_registry& classes) {
    return std::make_unique<ltt_trace>(dir, classes);
}

} // namespace ltt::viewer
