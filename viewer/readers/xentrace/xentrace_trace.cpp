#include "xentrace_trace.hpp"

#include "../../core/event_class.hpp"
#include "../../core/loss.hpp"
#include "mapped_residency.hpp"
#include "xentrace_encode.hpp"
#include "xentrace_formats.hpp"
#include "xentrace_mapping.hpp"
#include "xentrace_reader.hpp"
#include "xentrace_scan.hpp"

#include <ltt/errors.hpp>
#include <ltt/mapped_file.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <unordered_map>

namespace fs = std::filesystem;

namespace ltt::viewer {

namespace {

namespace xt = ltt::xentrace;

constexpr std::string_view facility_name = "xentrace";
constexpr std::uint32_t runstate_running = 0; // RUNSTATE_running

// The classes of records that are not builtin events: those the formats
// file names (per id and number of data words), the unnamed ones, and
// Xen's buffer-wrap padding.
class record_classes {
public:
    record_classes(class_registry& classes, const xt::formats* names)
        : classes_(classes), names_(names) {
        std::vector<field_spec> f{{"event", ltt::field_kind::u32, 0, true},
                                  {"words", ltt::field_kind::u8, 0, false}};
        for (unsigned i = 1; i <= xt::extra_max; ++i)
            f.push_back({fmt::format("w{}", i), ltt::field_kind::u32, 0, true});
        unnamed_ = &classes_.add(ltt::layer::xen, facility_name, "unknown", std::move(f));
        wrap_ = &classes_.add(ltt::layer::xen, facility_name, "wrap_buffer",
                              {{"padding", ltt::field_kind::u32, 0, false}});
    }

    // The class of a record the formats file names; nullptr when it does not.
    const event_class* named(std::uint32_t event, unsigned words) {
        const std::uint64_t key = (std::uint64_t{event} << 3) | words;
        if (key == last_key_)
            return last_;
        const event_class* cls = nullptr;
        if (const auto it = by_key_.find(key); it != by_key_.end()) {
            cls = it->second;
        } else {
            const xt::format_entry* e = names_ ? names_->find(event) : nullptr;
            if (e != nullptr)
                cls = &register_named(event, *e, words);
            by_key_.emplace(key, cls);
        }
        last_key_ = key;
        last_ = cls;
        return cls;
    }

    const event_class* unnamed() const noexcept { return unnamed_; }
    const event_class* wrap() const noexcept { return wrap_; }

private:
    const event_class& register_named(std::uint32_t event, const xt::format_entry& e,
                                      unsigned words) {
        std::vector<field_spec> fields;
        for (unsigned i = 0; i < words; ++i) {
            std::string name = xt::word_name(&e, i);
            const auto taken = [&](const std::string& n) {
                return std::any_of(fields.begin(), fields.end(),
                                   [&](const field_spec& f) { return f.name == n; });
            };
            if (taken(name))
                name = fmt::format("{}_w{}", name, i + 1);
            fields.push_back({std::move(name),
                              e.is_signed[i] ? ltt::field_kind::s32 : ltt::field_kind::u32, 0,
                              e.hex[i]});
        }
        // A record with another number of words than its line prints is a
        // class of its own (a class has one set of fields).
        const std::string name =
            words == e.words_shown ? e.name : fmt::format("{}_{}w", e.name, words);
        try {
            return classes_.add(ltt::layer::xen, facility_name, name, fields);
        } catch (const std::invalid_argument&) {
            // A name the reader's own classes (unknown, wrap_buffer) or
            // another file's entry already has with other fields.
            return classes_.add(ltt::layer::xen, facility_name,
                                fmt::format("{}_{:#09x}", name, event), std::move(fields));
        }
    }

    class_registry& classes_;
    const xt::formats* names_;
    const event_class* unnamed_ = nullptr;
    const event_class* wrap_ = nullptr;
    std::unordered_map<std::uint64_t, const event_class*> by_key_;
    std::uint64_t last_key_ = ~std::uint64_t{0};
    const event_class* last_ = nullptr;
};

// What the streams of one file share.
struct shared_state {
    xentrace_encoder encoder;
    record_classes records;
    const event_class* loss = nullptr;
    bool svm = false;
    std::optional<mapped_residency> residency; // set once the streams exist
};

// The records of one physical CPU, as events.
class xentrace_stream final : public event_stream {
public:
    xentrace_stream(const source_info& source, std::span<const std::byte> data,
                    const std::string& name, std::uint32_t cpu, std::uint64_t first_ts,
                    shared_state& shared, std::size_t reader_index)
        : reader_(data, name, cpu), shared_(shared), last_ts_(first_ts),
          reader_index_(reader_index) {
        info_.source = &source;
        info_.name = fmt::format("cpu{}", cpu);
        context_.svm = shared.svm;
    }

    bool next(event& out) override {
        const auto rec = reader_.next();
        if (reader_.position() != position_) {
            position_ = reader_.position();
            shared_.residency->passed(reader_index_, position_);
        }
        if (!rec)
            return false;
        // A record without a TSC happened after its CPU's previous one
        // (Xen writes a CPU's records in order): it takes that one's time.
        if (rec->has_tsc)
            last_ts_ = rec->tsc;
        out.ts = last_ts_;
        out.stream = &info_;
        out.cpu = rec->cpu;
        switch (rec->event) {
        case xt::trc_lost_records:
            lost(*rec, out);
            return true;
        case xt::trc_trace_wrap_buffer:
            payload_.clear();
            payload_.put(ltt::field_kind::u32, rec->size());
            out.cls = shared_.records.wrap();
            out.payload = payload_.span();
            return true;
        default:
            break;
        }
        const xt::target t = xt::target_of(rec->event);
        if (t != xt::target::none && t != xt::target::bookkeeping &&
            shared_.encoder.encode(t, *rec, context_, payload_)) {
            out.cls = shared_.encoder.class_of(t, context_.svm);
            follow_runstate(t, *rec);
        } else if (const event_class* cls = shared_.records.named(rec->event, rec->n_extra)) {
            payload_.clear();
            for (unsigned i = 0; i < rec->n_extra; ++i)
                payload_.put(ltt::field_kind::u32, rec->extra[i]);
            out.cls = cls;
        } else {
            payload_.clear();
            payload_.put(ltt::field_kind::u32, rec->event);
            payload_.put(ltt::field_kind::u8, rec->n_extra);
            for (unsigned i = 0; i < xt::extra_max; ++i)
                payload_.put(ltt::field_kind::u32, i < rec->n_extra ? rec->extra[i] : 0);
            out.cls = shared_.records.unnamed();
        }
        out.payload = payload_.span();
        return true;
    }

private:
    // TRC_LOST_RECORDS: records lost, the vCPU running when it was written
    // (domain in the low half), the TSC of the first record lost.
    void lost(const xt::record& rec, event& out) {
        const std::uint64_t count = rec.n_extra >= 1 ? rec.extra[0] : 0;
        const std::uint64_t begin =
            rec.n_extra >= 4 ? rec.extra[2] | (static_cast<std::uint64_t>(rec.extra[3]) << 32)
                             : out.ts;
        loss_ = loss_payload(count, loss_reason::records_lost, std::min(begin, out.ts), out.ts);
        out.cls = shared_.loss;
        out.payload = loss_.span();
        if (rec.n_extra >= 2)
            context_.current = cpu_context::vcpu{rec.extra[1] & 0xffffu, rec.extra[1] >> 16};
        else
            context_.current.reset();
    }

    // Which vCPU runs on this CPU, from the CPU's own runstate records: Xen
    // records a vCPU starting or stopping to run on the CPU it runs on.
    void follow_runstate(xt::target t, const xt::record& rec) {
        if (t != xt::target::runstate_change && t != xt::target::runstate_continue_running)
            return;
        const cpu_context::vcpu v{rec.extra[0] >> 16, rec.extra[0] & 0xffffu};
        const bool change = t == xt::target::runstate_change;
        const std::uint32_t old_state = change ? (rec.event >> 8) & 0xfu : runstate_running;
        const std::uint32_t new_state = change ? (rec.event >> 4) & 0xfu : runstate_running;
        if (old_state == runstate_running)
            context_.current.reset();
        if (new_state == runstate_running)
            context_.current = v;
    }

    xt::cpu_reader reader_;
    shared_state& shared_;
    cpu_context context_;
    std::uint64_t last_ts_;
    std::size_t reader_index_;
    std::uint64_t position_ = 0;
    payload_buffer payload_;
    loss_payload loss_{0, loss_reason::records_lost, 0, 0};
};

std::string grouped(std::uint64_t n) {
    std::string s = std::to_string(n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
        s.insert(static_cast<std::size_t>(i), ",");
    return s;
}

class xentrace_trace final : public trace_reader {
public:
    // Reads `file`, mapped, with the formats file the options name or the
    // installed one.
    xentrace_trace(const fs::path& file, class_registry& classes, const read_options& options)
        : map_(file) {
        fs::path formats_file = options.xentrace_formats;
        if (formats_file.empty())
            formats_file = xt::installed_formats();
        if (!formats_file.empty()) {
            owned_names_ = xt::formats::load(formats_file);
            names_ = &*owned_names_;
        }
        open(map_->bytes(), true, file.string(), classes, options);
    }
    // Reads `bytes` (they and `names` outlive the reader).
    xentrace_trace(std::span<const std::byte> bytes, const std::string& name,
                   class_registry& classes, const read_options& options, const xt::formats* names)
        : names_(names) {
        open(bytes, false, name, classes, options);
    }

    std::span<event_stream* const> streams() override { return streams_; }

private:
    // `mapped`: `bytes` are a mapping of the whole file, whose pages behind
    // the readers can be dropped.
    void open(std::span<const std::byte> bytes, bool mapped, const std::string& name,
              class_registry& classes, const read_options& options) {
        mapped_residency scan_residency(bytes, mapped, 1);
        const xentrace_scan scan = scan_xentrace(
            bytes, name, names_, [&](std::uint64_t offset) { scan_residency.passed(0, offset); });
        shared_.emplace(shared_state{xentrace_encoder(classes), record_classes(classes, names_),
                                     classes.find(ltt::layer::xen, loss_desc.name), scan.svm(),
                                     std::nullopt});

        source_.path = name;
        source_.format = "xentrace";
        source_.layer = ltt::layer::xen;
        source_.domain_name = "hypervisor";
        source_.clock.unit = time_unit::tsc;
        source_.clock.name = "tsc";
        source_.clock.freq_hz = 0; // xentrace does not record it
        source_.clock.host_tsc = true;
        source_.records_episode_ends = false;
        notices(scan, options);

        const std::uint64_t fallback = scan.first_tsc_any.value_or(0);
        for (std::uint32_t cpu = 0; cpu < scan.stats.per_cpu.size(); ++cpu) {
            if (scan.stats.per_cpu[cpu] == 0)
                continue;
            const std::uint64_t first = cpu < scan.first_tsc.size() && scan.first_tsc[cpu]
                                            ? *scan.first_tsc[cpu]
                                            : fallback;
            owned_.push_back(std::make_unique<xentrace_stream>(source_, bytes, name, cpu, first,
                                                               *shared_, owned_.size()));
            streams_.push_back(owned_.back().get());
        }
        shared_->residency.emplace(bytes, mapped, owned_.size());
    }

    void notices(const xentrace_scan& scan, const read_options& options) {
        auto& n = source_.notices;
        if (!options.cpu_hz)
            n.push_back("xentrace does not record the TSC frequency (give --cpu-hz; ltt-view "
                        "does not guess one)");
        const auto& s = scan.stats;
        std::string tail;
        if (s.tsc_backwards != 0)
            tail = fmt::format(", {} with a TSC older than their CPU's previous record",
                               grouped(s.tsc_backwards));
        n.push_back(fmt::format(
            "{} records on {} CPUs: {} buffer-wrap, {} lost-records reporting {} lost, {} "
            "without a TSC (stamped with their CPU's previous record){}",
            grouped(s.records - s.cpu_changes), s.cpus(), grouped(s.wraps), grouped(s.lost_reports),
            grouped(s.records_lost), grouped(s.without_tsc), tail));
        if (names_ == nullptr)
            n.push_back("no Xen formats file (give --formats): records ltt-xen has no event for "
                        "are shown as `unknown` with their id and data words");
        if (scan.unnamed_records != 0) {
            std::vector<std::pair<std::uint64_t, std::uint32_t>> ids;
            for (const auto& [id, count] : scan.unnamed_ids)
                ids.emplace_back(count, id);
            std::sort(ids.rbegin(), ids.rend());
            std::string list;
            for (std::size_t i = 0; i < ids.size() && i < 8; ++i)
                list += fmt::format("{}{:#09x} ({})", i ? ", " : "", ids[i].second,
                                    grouped(ids[i].first));
            if (ids.size() > 8)
                list += fmt::format(" and {} more ids", ids.size() - 8);
            n.push_back(fmt::format("{} records of event ids no mapping or formats file names, "
                                    "shown as `unknown` with their id and data words: {}",
                                    grouped(scan.unnamed_records), list));
        }
        if (scan.vm_exits != 0)
            n.push_back(scan.svm()
                            ? fmt::format("VM exits read as SVM (AMD) exit codes: {} of {} "
                                          "have codes only SVM has",
                                          grouped(scan.svm_exits), grouped(scan.vm_exits))
                            : fmt::format("VM exits read as VMX (Intel) exit reasons (none of "
                                          "{} has a code only SVM has)",
                                          grouped(scan.vm_exits)));
    }

    std::optional<ltt::mapped_file> map_;
    std::optional<xt::formats> owned_names_;
    const xt::formats* names_ = nullptr;
    std::optional<shared_state> shared_;
    std::vector<std::unique_ptr<xentrace_stream>> owned_;
    std::vector<event_stream*> streams_;
};

} // namespace

bool is_xentrace_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::array<char, 12> head{};
    if (!in.read(head.data(), head.size()))
        return false;
    std::uint32_t w[3];
    std::memcpy(w, head.data(), sizeof w);
    // A TRC_TRACE_CPU_CHANGE record (2 data words, no TSC) naming a CPU and
    // a window of whole words.
    return w[0] == ((2u << xt::extra_shift) | xt::trc_trace_cpu_change) && w[1] < xt::cpu_limit &&
           w[2] % 4 == 0;
}

std::unique_ptr<trace_reader> open_xentrace_file(const fs::path& file, class_registry& classes,
                                                 const read_options& options) {
    return std::make_unique<xentrace_trace>(file, classes, options);
}

std::unique_ptr<trace_reader> open_xentrace_bytes(std::span<const std::byte> bytes,
                                                  const std::string& name, class_registry& classes,
                                                  const read_options& options,
                                                  const xt::formats* names) {
    return std::make_unique<xentrace_trace>(bytes, name, classes, options, names);
}

} // namespace ltt::viewer
