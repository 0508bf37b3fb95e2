#include "recording.hpp"

#include "clock_sample.hpp"
#include "log.hpp"
#include "source_factory.hpp"

#include <lttd/size_parse.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <poll.h>
#include <system_error>
#include <unistd.h>

namespace lttd {

namespace {

constexpr std::uint32_t default_flush_interval_ms = 1000;
constexpr std::size_t max_problems_kept = 20;
// How long stop and snapshot wait for a record being committed into a
// sub-buffer that was already closed (a writer preempted mid-record).
constexpr auto commit_grace = std::chrono::milliseconds(500);

const char* const lost_names[LTT_LOST_NR] = {"full", "overwritten", "busy", "nested", "too_big"};

} // namespace

recording::recording(recording_config config)
    : config_(std::move(config)), shared_(config_.shared),
      state_(config_.request.mode.value_or(ltt::ring_mode::discard) == ltt::ring_mode::overwrite),
      flush_interval_(config_.request.flush_interval_ms.value_or(default_flush_interval_ms)) {
    const create_request& req = config_.request;
    try {
        source_ =
            config_.made_source ? std::move(config_.made_source) : make_source(config_.source);
        source_->setup({req.subbuf_size, req.subbufs, req.mode});
        channel_ = source_->channel();
        // The source's mode is the session's (the producer may have chosen it).
        state_ = session_state(channel_.mode == ltt::ring_mode::overwrite);
        catalog_ = std::make_unique<facility_catalog>(channel_, config_.facility_dirs);
        enabled_.assign(catalog_->event_count(), false);
        // A producer recording before the session existed (Xen from boot):
        // the session starts from what it records.
        if (const std::vector<bool> adopted = source_->adopted_events(); !adopted.empty()) {
            if (adopted.size() != enabled_.size())
                throw command_error(fmt::format(
                    "source {} records {} events, the facility declarations describe {}",
                    source_->description(), adopted.size(), enabled_.size()));
            enabled_ = adopted;
        }
        // Everything the metadata needs is known now: fail at create, not
        // at start.
        (void)make_metadata();
        check_output_root();
        for (const auto& view : source_->buffers())
            add_cpu(view.cpu);
    } catch (const source_error& e) {
        throw command_error(e.what());
    } catch (const catalog_error& e) {
        throw command_error(e.what());
    }
    log("session {}: created ({}, {} mode, {} CPUs, {} x {} sub-buffers) -> {}", name(),
        source_->description(), to_string(channel_.mode), cpus_.size(), channel_.subbuf_count(),
        format_size(channel_.subbuf_size()), req.output);
}

recording::~recording() {
    shutdown();
}

void recording::check_output_root() {
    const std::filesystem::path out = config_.request.output;
    std::error_code ec;
    // The parts of one session share the root: each checks its own trace.
    std::filesystem::create_directories(out, ec);
    if (ec)
        throw command_error(fmt::format("output {}: {}", out.string(), ec.message()));
    if (!std::filesystem::is_directory(out, ec))
        throw command_error(fmt::format("output {}: not a directory", out.string()));
    // Root may write anywhere except on a read-only file system; a real file
    // tells the truth where access() would not.
    std::string probe = (out / ".lttd-probe-XXXXXX").string();
    const int fd = ::mkstemp(probe.data());
    if (fd < 0)
        throw command_error(
            fmt::format("output {}: not writable: {}", out.string(), std::strerror(errno)));
    ::close(fd);
    ::unlink(probe.c_str());
    if ((!config_.joins_later && std::filesystem::exists(out / "index.json", ec)) ||
        std::filesystem::exists(out / channel_.trace_subdir / "metadata", ec))
        throw command_error(
            fmt::format("output {} already holds a trace; choose another directory", out.string()));
}

std::string recording::make_metadata() const {
    ltt::metadata_params p;
    p.trace_uuid = channel_.uuid;
    p.clock_uuid = shared_->clock_uuid;
    p.domain = channel_.domain;
    p.xen_domid = channel_.xen_domid;
    p.hostname = shared_->hostname;
    p.tsc_hz = shared_->tsc_hz.value_or(channel_.tsc_hz);
    p.origin = shared_->origin.value_or(sample_clock_origin());
    p.creation_datetime = shared_->created;
    p.trace_name = name();
    p.extra_env = {{"producer_name", channel_.name}, {"producer_pid", channel_.producer_pid}};
    return catalog_->metadata(p);
}

trace_identity recording::identity() const {
    return {name(),
            shared_->created,
            shared_->hostname,
            shared_->clock_uuid,
            shared_->tsc_hz.value_or(channel_.tsc_hz),
            shared_->book};
}

void recording::check_tsc(std::uint64_t session_tsc_hz) {
    if (channel_.tsc_hz == session_tsc_hz)
        return;
    const double diff =
        std::abs(static_cast<double>(channel_.tsc_hz) - static_cast<double>(session_tsc_hz)) /
        static_cast<double>(session_tsc_hz);
    note(fmt::format("{}: the producer says the TSC runs at {} Hz; the session's clock is the "
                     "hypervisor's, {} Hz{}",
                     source_->description(), channel_.tsc_hz, session_tsc_hz,
                     diff > 1e-3 ? " (more than 0.1% apart: is this producer's TSC the host's?)"
                                 : ""));
}

void recording::note(std::string message) {
    log("session {}: {}", name(), message);
    problems_.push_back(std::move(message));
    while (problems_.size() > max_problems_kept)
        problems_.pop_front();
}

void recording::add_cpu(std::uint32_t id) {
    const auto view = source_->buffer(id);
    if (!view)
        return;
    cpu c;
    try {
        c.consumer = std::make_unique<buffer_consumer>(*view, channel_, source_->lender());
    } catch (const source_error& e) {
        note(e.what());
        return;
    }
    cpus_[id] = std::move(c);
    if (trace_ && !output_failed_) {
        try {
            trace_->add_stream(id);
        } catch (const std::system_error& e) {
            output_failed(e.what());
        }
    }
}

std::vector<int> recording::flush(const std::vector<std::uint32_t>& ids, flush_kind kind) {
    const std::vector<int> results = source_->flush(ids, kind);
    bool failed = false;
    for (std::size_t k = 0; k < ids.size() && k < results.size(); k++) {
        if (results[k] != flush_failed)
            continue;
        failed = true;
        const auto it = cpus_.find(ids[k]);
        if (it != cpus_.end() && it->second.consumer && !it->second.consumer->broken())
            it->second.consumer->set_broken(
                fmt::format("the buffer cannot be flushed ({}); no longer read",
                            source_->description().starts_with("dir:")
                                ? "its file shrank while mapped (truncated?) or its slots are "
                                  "not sane"
                                : "the producer's buffers are gone"));
    }
    if (failed)
        report_consumer_problems();
    return results;
}

void recording::remove_cpu(std::uint32_t id) {
    const auto it = cpus_.find(id);
    if (it == cpus_.end() || it->second.removed)
        return;
    it->second.removed = true;
    // Overwrite mode keeps the (unlinked) buffer mapped: its records belong
    // in the next snapshot.
    if (channel_.mode == ltt::ring_mode::overwrite)
        return;
    if (trace_ && !output_failed_ && it->second.consumer) {
        // Drained to its end: what is committed, then the final loss count.
        try {
            flush({id}, flush_kind::active);
            drain_all(*trace_, {id});
            if (it->second.consumer->lost_total() != trace_->last_events_discarded(id).value_or(0))
                flush({id}, flush_kind::empty);
            drain_all(*trace_, {id});
        } catch (const std::system_error& e) {
            output_failed(e.what());
        }
    }
    report_consumer_problems();
    it->second.consumer.reset();
    source_->release(id);
}

void recording::drain_cpu_fully(packet_sink& sink, std::uint32_t id) {
    auto& c = cpus_.at(id);
    if (!c.consumer)
        return;
    // Bounded by what the buffer can hold, plus what writers add meanwhile.
    for (unsigned round = 0; round < 64; round++)
        if (c.consumer->drain(sink, channel_.subbuf_count()) == 0)
            break;
}

void recording::drain_all(packet_sink& sink, const std::vector<std::uint32_t>& ids) {
    const auto deadline = std::chrono::steady_clock::now() + commit_grace;
    for (;;) {
        for (const auto id : ids)
            drain_cpu_fully(sink, id);
        std::optional<std::uint32_t> waiting;
        for (const auto id : ids) {
            const auto& c = cpus_.at(id);
            if (c.consumer && c.consumer->closed_not_ready() > 0)
                waiting = id;
        }
        if (!waiting)
            return;
        if (std::chrono::steady_clock::now() >= deadline) {
            note(fmt::format("cpu {}: a closed sub-buffer is still not fully committed after {} "
                             "ms (a writer stopped inside a record?); left in the buffer",
                             *waiting, commit_grace.count()));
            return;
        }
        // A writer is finishing a record in a sub-buffer already closed: no
        // notification exists for that, and it takes microseconds.
        ::poll(nullptr, 0, 1);
    }
}

void recording::report_consumer_problems() {
    for (auto& [id, c] : cpus_) {
        if (!c.consumer || c.consumer->problem().empty() ||
            c.consumer->problem() == c.reported_problem)
            continue;
        c.reported_problem = c.consumer->problem();
        note(c.consumer->broken()
                 ? fmt::format("cpu {}: buffer no longer read: {}", id, c.reported_problem)
                 : c.reported_problem);
    }
}

void recording::output_failed(const std::string& what) {
    if (output_failed_)
        return;
    output_failed_ = true;
    const std::string reason = fmt::format("writing the trace failed: {}", what);
    note(reason + "; recording stopped, the trace keeps every packet written before");
    try {
        source_->stop();
    } catch (const source_error& e) {
        note(e.what());
    }
    state_.on_failed(reason);
    if (trace_) {
        // Whole packets only are on disk; close what can be closed.
        try {
            trace_->close();
        } catch (const std::exception& e) {
            note(e.what());
        }
        try {
            trace_->write_index();
        } catch (const std::exception& e) {
            note(fmt::format("index.json not written: {}", e.what()));
        }
    }
}

void recording::finish_recording() {
    try {
        source_->stop();
    } catch (const source_error& e) {
        note(e.what());
    }
    if (!trace_ || output_failed_)
        return;
    std::vector<std::uint32_t> ids;
    for (const auto& [id, c] : cpus_)
        if (c.consumer)
            ids.push_back(id);
    try {
        flush(ids, flush_kind::active);
        drain_all(*trace_, ids);
        // Losses after the last packet: an empty packet carries the count.
        std::vector<std::uint32_t> counts;
        for (const auto id : ids) {
            const auto& c = cpus_.at(id);
            if (!c.consumer->broken() &&
                c.consumer->lost_total() != trace_->last_events_discarded(id).value_or(0))
                counts.push_back(id);
        }
        const auto results = flush(counts, flush_kind::empty);
        for (std::size_t k = 0; k < counts.size(); k++)
            if (results[k] == -1)
                note(fmt::format("cpu {}: no room for the packet carrying the final loss count",
                                 counts[k]));
        drain_all(*trace_, ids);
        report_consumer_problems();
        trace_->sync();
        trace_->write_index();
    } catch (const std::system_error& e) {
        output_failed(e.what());
    }
}

bool recording::knows(std::string_view pattern) const {
    try {
        return !catalog_->resolve(pattern).empty();
    } catch (const catalog_error&) {
        return false;
    }
}

std::size_t recording::events_enabled() const noexcept {
    return static_cast<std::size_t>(std::count(enabled_.begin(), enabled_.end(), true));
}

nlohmann::json recording::enable(const std::vector<std::string>& events, bool on) {
    std::vector<std::uint32_t> ids;
    for (const auto& e : events) {
        try {
            const auto found = catalog_->resolve(e);
            ids.insert(ids.end(), found.begin(), found.end());
        } catch (const catalog_error& err) {
            throw command_error(err.what());
        }
    }
    for (const auto id : ids)
        enabled_.at(id) = on;
    try {
        source_->set_events(enabled_);
    } catch (const source_error& e) {
        throw command_error(e.what());
    }
    nlohmann::json names = nlohmann::json::array();
    for (const auto id : ids)
        names.push_back(catalog_->event_name(id));
    std::size_t count = 0;
    for (const bool b : enabled_)
        count += b;
    return {{on ? "enabled" : "disabled", names}, {"events_enabled", count}};
}

nlohmann::json recording::start() {
    if (auto why = state_.can_start())
        throw command_error(fmt::format("session {}: cannot start: {}", name(), *why));
    if (std::find(enabled_.begin(), enabled_.end(), true) == enabled_.end())
        throw command_error(fmt::format("session {}: no event enabled (ltt-ctl enable {} "
                                        "EVENT|FACILITY|'*' first)",
                                        name(), name()));
    if (!shared_->origin)
        shared_->origin = sample_clock_origin();
    if (channel_.mode == ltt::ring_mode::discard && !trace_) {
        try {
            trace_ = std::make_unique<trace_output>(config_.request.output, channel_,
                                                    make_metadata(), identity(), config_.guard);
            for (const auto& [id, c] : cpus_)
                if (c.consumer)
                    trace_->add_stream(id);
            trace_->write_index();
        } catch (const catalog_error& e) {
            trace_.reset();
            throw command_error(e.what());
        } catch (const std::exception& e) {
            trace_.reset();
            throw command_error(fmt::format("output: {}", e.what()));
        }
    }
    try {
        source_->set_events(enabled_);
        source_->start();
    } catch (const source_error& e) {
        throw command_error(e.what());
    }
    state_.on_started();
    log("session {}: started", name());
    return summary();
}

nlohmann::json recording::stop() {
    if (auto why = state_.can_stop())
        throw command_error(fmt::format("session {}: cannot stop: {}", name(), *why));
    if (channel_.mode == ltt::ring_mode::discard)
        finish_recording();
    else
        try {
            source_->stop();
        } catch (const source_error& e) {
            note(e.what());
        }
    if (state_.phase() == session_phase::active)
        state_.on_stopped();
    log("session {}: stopped", name());
    if (state_.failure())
        throw command_error(fmt::format("session {}: stopped, but {}", name(), *state_.failure()));
    return summary();
}

nlohmann::json recording::snapshot(const std::filesystem::path& dir,
                                   std::shared_ptr<index_book> book) {
    if (auto why = state_.can_snapshot())
        throw command_error(fmt::format("session {}: cannot snapshot: {}", name(), *why));
    // The domains (threads...) the snapshot's records refer to may have
    // been created long before its oldest record: describe them again.
    try {
        source_->refresh_state();
    } catch (const source_error& e) {
        note(fmt::format("snapshot without a fresh statedump: {}", e.what()));
    }
    std::vector<std::uint32_t> ids;
    for (const auto& [id, c] : cpus_)
        if (c.consumer && !c.consumer->broken())
            ids.push_back(id);
    // Close every CPU's current sub-buffer first, so all CPUs are cut at
    // (nearly) the same moment, then take what each holds.
    flush(ids, flush_kind::active);
    nlohmann::json cpus = nlohmann::json::array();
    std::uint64_t packets = 0, bytes = 0, records = 0;
    try {
        trace_identity ident = identity();
        ident.book = std::move(book);
        trace_output snap(dir, channel_, make_metadata(), ident, config_.guard);
        for (const auto id : ids)
            snap.add_stream(id);
        drain_all(snap, ids);
        // Every CPU gets at least one packet: its loss count.
        std::vector<std::uint32_t> empty;
        for (const auto id : ids)
            if (!snap.last_events_discarded(id))
                empty.push_back(id);
        flush(empty, flush_kind::empty);
        drain_all(snap, ids);
        snap.close();
        snap.write_index();
        for (const auto& s : snap.stats()) {
            auto& c = cpus_.at(s.cpu);
            c.snapshot_bytes += s.bytes;
            c.snapshot_packets += s.packets;
            packets += s.packets;
            bytes += s.bytes;
            records += s.records;
            cpus.push_back({{"cpu", s.cpu},
                            {"packets", s.packets},
                            {"bytes", s.bytes},
                            {"records", s.records},
                            {"events_discarded", s.events_discarded},
                            {"packets_lost", s.packets_lost}});
        }
    } catch (const catalog_error& e) {
        throw command_error(e.what());
    } catch (const std::exception& e) {
        throw command_error(fmt::format("snapshot {}: {}", dir.string(), e.what()));
    }
    report_consumer_problems();
    snapshots_.push_back(dir.string());
    log("session {}: snapshot {} -> {} ({} packets, {} records)", name(), snapshots_.size(),
        dir.string(), packets, records);
    return {{"path", dir.string()}, {"packets", packets}, {"bytes", bytes},
            {"records", records},   {"cpus", cpus},       {"number", snapshots_.size()}};
}

nlohmann::json recording::summary() const {
    nlohmann::json j{{"name", name()},
                     {"state", to_string(state_.phase())},
                     {"mode", to_string(channel_.mode)},
                     {"source", source_->description()},
                     {"output", config_.request.output},
                     {"cpus", cpus_.size()}};
    j["failure"] = state_.failure() ? nlohmann::json(*state_.failure()) : nlohmann::json(nullptr);
    return j;
}

nlohmann::json recording::status() const {
    nlohmann::json j = summary();
    j["trace"] = trace_ ? nlohmann::json(trace_->trace_dir().string()) : nlohmann::json(nullptr);
    nlohmann::json facilities = nlohmann::json::array();
    for (const auto& f : channel_.facilities)
        facilities.push_back({{"name", f.name},
                              {"checksum", ltt::format_checksum(f.checksum)},
                              {"base", f.base},
                              {"events", f.events}});
    j["channel"] = {{"name", channel_.name},
                    {"domain", ltt::domain_name(channel_.domain)},
                    {"producer_pid", channel_.producer_pid},
                    {"subbuf_size", channel_.subbuf_size()},
                    {"subbuf_count", channel_.subbuf_count()},
                    {"tsc_hz", channel_.tsc_hz},
                    {"events", catalog_->event_count()},
                    {"facilities", facilities}};
    nlohmann::json enabled = nlohmann::json::array();
    for (std::uint32_t id = 0; id < enabled_.size(); id++)
        if (enabled_[id] && enabled.size() < 256)
            enabled.push_back(catalog_->event_name(id));
    j["events_enabled"] = enabled;
    j["flush_interval_ms"] = flush_interval_.count();
    j["snapshots"] = snapshots_;
    j["problems"] = problems_;

    std::map<std::uint32_t, ltt::stream_stats> written;
    if (trace_)
        for (const auto& s : trace_->stats())
            written[s.cpu] = s;
    nlohmann::json cpus = nlohmann::json::array();
    nlohmann::json totals{{"records", 0},       {"produced", 0},        {"lost", 0},
                          {"bytes_written", 0}, {"packets_written", 0}, {"records_written", 0}};
    const auto add = [&](const char* key, std::uint64_t n) {
        totals[key] = totals[key].get<std::uint64_t>() + n;
    };
    for (const auto& [id, c] : cpus_) {
        nlohmann::json cj{{"cpu", id}};
        if (!c.consumer) {
            cj["state"] = "removed";
        } else {
            cj["state"] = c.consumer->broken() ? "broken" : c.removed ? "removed" : "ok";
            const auto lost = c.consumer->lost();
            nlohmann::json lost_by_kind;
            for (unsigned k = 0; k < LTT_LOST_NR; k++)
                lost_by_kind[lost_names[k]] = lost[k];
            const std::uint64_t fill = c.consumer->fill_bytes();
            cj["fill_bytes"] = fill;
            cj["buffer_bytes"] = c.consumer->buffer_bytes();
            cj["fill_percent"] =
                static_cast<double>(fill) * 100.0 / static_cast<double>(c.consumer->buffer_bytes());
            const std::uint64_t committed = c.consumer->records_committed();
            std::uint64_t lost_total = 0;
            for (const auto n : lost)
                lost_total += n;
            // Overwritten records were committed first, then counted lost.
            const std::uint64_t produced = committed + lost_total - lost[LTT_LOST_OVERWRITTEN];
            cj["records"] = committed;
            cj["produced"] = produced;
            cj["lost"] = lost_by_kind;
            cj["lost_total"] = lost_total;
            cj["packets_refused"] = c.consumer->packets_refused();
            cj["consumer_errors"] = c.consumer->consumer_errors();
            add("records", committed);
            add("produced", produced);
            add("lost", lost_total);
        }
        if (!c.reported_problem.empty())
            cj["problem"] = c.reported_problem;
        const auto w = written.find(id);
        const std::uint64_t bytes = w != written.end() ? w->second.bytes : c.snapshot_bytes;
        const std::uint64_t packets = w != written.end() ? w->second.packets : c.snapshot_packets;
        const std::uint64_t records = w != written.end() ? w->second.records : 0;
        cj["bytes_written"] = bytes;
        cj["packets_written"] = packets;
        cj["records_written"] = records;
        add("bytes_written", bytes);
        add("packets_written", packets);
        add("records_written", records);
        cpus.push_back(std::move(cj));
    }
    j["cpus"] = cpus;
    j["totals"] = totals;
    return j;
}

nlohmann::json recording::shutdown() noexcept {
    nlohmann::json result;
    try {
        if (state_.phase() == session_phase::active) {
            if (channel_.mode == ltt::ring_mode::discard)
                finish_recording();
            if (state_.phase() == session_phase::active)
                state_.on_stopped();
        }
        if (trace_ && !output_failed_) {
            trace_->close();
            trace_->write_index();
        }
        result = summary();
        final_status_ = status();
    } catch (const std::exception& e) {
        note(fmt::format("shutdown: {}", e.what()));
        result = {{"name", name()}, {"error", e.what()}};
    }
    trace_.reset();
    cpus_.clear();
    if (source_)
        source_->teardown();
    return result;
}

std::uint64_t recording::bytes_written() const {
    std::uint64_t n = 0;
    if (trace_)
        for (const auto& s : trace_->stats())
            n += s.bytes;
    return n;
}

std::vector<int> recording::poll_fds() const {
    return source_->poll_fds();
}

void recording::on_readable(int fd) {
    for (auto& ev : source_->handle_readable(fd)) {
        switch (ev.what) {
        case source_event::kind::data:
            break;
        case source_event::kind::buffer_added:
            log("session {}: cpu {} buffer added", name(), ev.cpu);
            add_cpu(ev.cpu);
            break;
        case source_event::kind::buffer_removed:
            log("session {}: cpu {} buffer removed", name(), ev.cpu);
            remove_cpu(ev.cpu);
            break;
        case source_event::kind::problem:
            note(ev.message);
            break;
        case source_event::kind::vanished:
            note(ev.message);
            if (state_.phase() == session_phase::active && channel_.mode == ltt::ring_mode::discard)
                finish_recording();
            state_.on_failed(ev.message);
            break;
        }
    }
}

void recording::on_flush_timer() {
    if (state_.phase() != session_phase::active || channel_.mode != ltt::ring_mode::discard)
        return;
    std::vector<std::uint32_t> ids;
    for (const auto& [id, c] : cpus_)
        if (c.consumer && !c.removed && !c.consumer->broken())
            ids.push_back(id);
    flush(ids, flush_kind::active);
}

bool recording::drain_ready() {
    if (channel_.mode != ltt::ring_mode::discard || !trace_ || output_failed_)
        return false;
    bool more = false;
    try {
        for (auto& [id, c] : cpus_) {
            if (!c.consumer || c.removed)
                continue;
            // One buffer's worth per round, so every CPU (and the commands)
            // get their turn when a producer outruns lttd.
            more |= c.consumer->drain(*trace_, channel_.subbuf_count()) == channel_.subbuf_count();
        }
    } catch (const std::system_error& e) {
        output_failed(e.what());
        return false;
    }
    report_consumer_problems();
    return more;
}

std::optional<std::chrono::milliseconds> recording::flush_interval() const {
    if (state_.phase() != session_phase::active || channel_.mode != ltt::ring_mode::discard ||
        output_failed_)
        return std::nullopt;
    return flush_interval_;
}

} // namespace lttd
