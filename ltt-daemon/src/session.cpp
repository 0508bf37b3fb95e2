#include "session.hpp"

#include "snapshot_retention.hpp"

#include "clock_sample.hpp"
#include "guests/guest_watcher.hpp"
#include "log.hpp"
#ifdef LTT_WITH_XEN
#include "guests/guest_source.hpp"
#endif

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <unistd.h>

namespace lttd {

#ifndef LTT_WITH_XEN
// Without Xen no watcher is ever made (create refuses `guests`); the
// session's unique_ptr still names its destructor.
guests::guest_watcher::~guest_watcher() = default;
#endif

namespace {

// What one guest may make lttd write in a session unless `create` says
// (guest_max_bytes): a guest writes its buffers as fast as it likes,
// packets that pass every check included.
constexpr std::uint64_t default_guest_max_bytes = std::uint64_t{1} << 30;
constexpr std::size_t max_guest_problems = 20;
constexpr std::size_t max_enable_log = 1000;

std::string host_name() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0)
        return "unknown";
    return host;
}

std::string compact_utc_now() {
    const std::time_t now = std::time(nullptr);
    tm t{};
    ::gmtime_r(&now, &t);
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
                       t.tm_hour, t.tm_min, t.tm_sec);
}

// The layer names a qualifier may use for a source's channel.
bool layer_matches(std::string_view layer, const channel_info& ch) {
    switch (ch.domain) {
    case ltt::layer::xen:
        return layer == "xen" || layer == "hypervisor";
    case ltt::layer::kernel:
        return layer == "kernel";
    case ltt::layer::ust:
        return layer == "ust";
    }
    return false;
}

std::string layer_of(const channel_info& ch) {
    return std::string(ltt::to_string(ch.domain));
}

} // namespace

session::session(session_config config)
    : config_(std::move(config)), shared_(std::make_shared<session_shared>()) {
    shared_->clock_uuid = ltt::random_uuid();
    shared_->created = iso8601_now();
    shared_->hostname = host_name();
    std::vector<std::string> sources;
    std::optional<std::vector<std::uint32_t>> only;
    for (const auto& src : config_.request.sources) {
        if (src == "ust")
            lttng_ust_ = true;
        else if (src == "guests" || src.starts_with("guests:")) {
            guests_spec_ = src;
            try {
                only = parse_guests_spec(src);
            } catch (const std::invalid_argument& e) {
                throw command_error(e.what());
            }
        } else
            sources.push_back(src);
    }
    if (config_.request.guest_max_bytes && guests_spec_.empty())
        throw command_error("create: guest_max_bytes (--guest-max-size) limits what the guests "
                            "source writes; this session has no --source guests");
    if (sources.empty() && !guests_spec_.empty())
        throw command_error("create: --source guests needs a source lttd records in dom0 as "
                            "well (xen, kernel): the clock the guests' traces join is theirs");
    if (sources.empty())
        throw command_error(
            lttng_ust_ ? "create: --source ust needs a source lttd records as well (xen, kernel): "
                         "the clock lttng's traces join is theirs"
                       : "create: no source");
    if (sources.size() > 1 || lttng_ust_ || !guests_spec_.empty())
        shared_->book = std::make_shared<index_book>();
    if (lttng_ust_) {
        shared_->book->list_lttng_ust(true);
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(config_.request.output) / "ust",
                                            ec);
        if (ec)
            throw command_error(
                fmt::format("output {}/ust: {}", config_.request.output, ec.message()));
    }
    for (const auto& src : sources) {
        recording_config rc;
        rc.request = config_.request;
        rc.source = src;
        rc.facility_dirs = config_.facility_dirs;
        rc.guard = config_.guard;
        rc.shared = shared_;
        try {
            parts_.push_back(std::make_unique<recording>(std::move(rc)));
        } catch (const command_error& e) {
            if (sources.size() == 1)
                throw;
            throw command_error(fmt::format("source {}: {}", src, e.what()));
        }
    }
    if (!guests_spec_.empty()) {
#ifdef LTT_WITH_XEN
        try {
            guests_ = std::make_unique<guests::guest_watcher>(only);
        } catch (const source_error& e) {
            throw command_error(fmt::format("source {}: {}", guests_spec_, e.what()));
        }
#else
        throw command_error(
            fmt::format("source {}: this lttd was built without Xen support", guests_spec_));
#endif
    }
    if (parts_.size() == 1) {
        shared_->tsc_hz = parts_.front()->channel().tsc_hz;
        return;
    }
    // One session, one clock and one mode; two parts never share a trace
    // directory.
    const auto& first = parts_.front()->channel();
    for (std::size_t i = 1; i < parts_.size(); i++) {
        const auto& ch = parts_[i]->channel();
        if (ch.mode != first.mode)
            throw command_error(fmt::format(
                "sources {} ({} mode) and {} ({} mode) cannot record in one session: a session "
                "has one mode (--mode)",
                parts_.front()->description(), to_string(first.mode), parts_[i]->description(),
                to_string(ch.mode)));
        for (std::size_t k = 0; k < i; k++)
            if (parts_[k]->channel().trace_subdir == ch.trace_subdir)
                throw command_error(fmt::format("sources {} and {} both write {}/",
                                                parts_[k]->description(), parts_[i]->description(),
                                                ch.trace_subdir));
    }
    // One frequency for every part: the hypervisor's (Xen measured it),
    // else the first source's.
    shared_->tsc_hz = first.tsc_hz;
    for (const auto& p : parts_)
        if (p->channel().domain == ltt::layer::xen)
            shared_->tsc_hz = p->channel().tsc_hz;
    for (const auto& p : parts_)
        p->check_tsc(*shared_->tsc_hz);
}

session::~session() {
    shutdown();
}

std::vector<std::size_t> session::parts_for(const std::string& pattern, std::string& bare) const {
    std::vector<std::size_t> candidates;
    const auto slash = pattern.find('/');
    if (slash != std::string::npos) {
        const std::string_view layer = std::string_view(pattern).substr(0, slash);
        bare = pattern.substr(slash + 1);
        for (std::size_t i = 0; i < parts_.size(); i++)
            if (layer_matches(layer, parts_[i]->channel()))
                candidates.push_back(i);
        if (candidates.empty()) {
            std::vector<std::string> layers;
            for (const auto& p : parts_)
                layers.push_back(layer_of(p->channel()));
            throw command_error(fmt::format("`{}`: this session records no layer `{}` (it has: {})",
                                            pattern, layer, fmt::join(layers, ", ")));
        }
    } else {
        bare = pattern;
        for (std::size_t i = 0; i < parts_.size(); i++)
            candidates.push_back(i);
    }
    if (bare == "*" || bare == "all")
        return candidates;
    std::vector<std::size_t> known;
    for (const auto i : candidates)
        if (parts_[i]->knows(bare))
            known.push_back(i);
    // Several sources of one layer (two user-space producers) all get what
    // names their layer's events; across layers a name must be qualified.
    bool one_layer = true;
    for (const auto i : known)
        one_layer &= layer_of(parts_[i]->channel()) == layer_of(parts_[known.front()]->channel());
    if (known.size() > 1 && !one_layer) {
        std::vector<std::string> options;
        for (const auto i : known)
            options.push_back(fmt::format("{}/{}", layer_of(parts_[i]->channel()), bare));
        throw command_error(fmt::format("`{}` names events of several sources: say {}", pattern,
                                        fmt::join(options, " or ")));
    }
    if (known.empty()) {
        // The part's own message says what it has.
        if (candidates.size() == 1)
            return candidates;
        throw command_error(fmt::format(
            "no facility or event `{}` in any source of this session (qualify it by layer, "
            "e.g. xen/sched, kernel/irq; `ltt-ctl status {}` lists the facilities)",
            pattern, name()));
    }
    return known;
}

nlohmann::json session::enable(const std::vector<std::string>& events, bool on) {
    if (guests_) {
        enable_log_.emplace_back(events, on);
        if (enable_log_.size() > max_enable_log)
            enable_log_.erase(enable_log_.begin());
    }
    if (parts_.size() == 1)
        return parts_.front()->enable(events, on);
    std::map<std::size_t, std::vector<std::string>> per_part;
    for (const auto& e : events) {
        std::string bare;
        for (const auto i : parts_for(e, bare))
            per_part[i].push_back(bare);
    }
    nlohmann::json names = nlohmann::json::array();
    for (const auto& [i, patterns] : per_part) {
        const auto r = parts_[i]->enable(patterns, on);
        for (const auto& n : r.at(on ? "enabled" : "disabled"))
            names.push_back(
                fmt::format("{}/{}", layer_of(parts_[i]->channel()), n.get<std::string>()));
    }
    std::size_t count = 0;
    for (const auto& p : parts_)
        count += p->events_enabled();
    return {{on ? "enabled" : "disabled", names}, {"events_enabled", count}};
}

nlohmann::json session::start() {
    if (parts_.size() == 1) {
        auto r = parts_.front()->start();
        active_ = true;
        return r;
    }
    if (!shared_->origin)
        shared_->origin = sample_clock_origin();
    for (const auto& p : parts_)
        if (p->events_enabled() == 0)
            throw command_error(fmt::format("session {}: no event enabled for source {} (ltt-ctl "
                                            "enable {} {}/'*' first)",
                                            name(), p->description(), name(),
                                            layer_of(p->channel())));
    for (std::size_t i = 0; i < parts_.size(); i++) {
        try {
            parts_[i]->start();
        } catch (const command_error& e) {
            // All or nothing: the parts started already stop again.
            for (std::size_t k = 0; k < i; k++)
                try {
                    parts_[k]->stop();
                } catch (const command_error&) {
                }
            throw command_error(fmt::format("source {}: {}", parts_[i]->description(), e.what()));
        }
    }
    active_ = true;
    log("session {}: started ({} sources)", name(), parts_.size());
    return summary();
}

nlohmann::json session::stop() {
    active_ = false;
    if (parts_.size() == 1) {
        auto r = parts_.front()->stop();
        if (shared_->book)
            shared_->book->rewrite(); // lttng's traces, written meanwhile
        return r;
    }
    // In the reverse order of start: the hypervisor (created first when
    // named first) records until its guests stopped, so its trace spans
    // theirs.
    std::vector<std::string> errors;
    for (auto it = parts_.rbegin(); it != parts_.rend(); ++it)
        try {
            (*it)->stop();
        } catch (const command_error& e) {
            errors.push_back(fmt::format("source {}: {}", (*it)->description(), e.what()));
        }
    if (!errors.empty())
        throw command_error(fmt::format("{}", fmt::join(errors, "; ")));
    if (shared_->book)
        shared_->book->rewrite();
    return summary();
}

nlohmann::json session::snapshot(const std::optional<std::string>& output) {
    const std::filesystem::path dir =
        output ? std::filesystem::path(*output)
               : std::filesystem::path(config_.request.output) /
                     fmt::format("snapshot-{}-{}", snapshots_ + 1, compact_utc_now());
    std::error_code ec;
    if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec))
        throw command_error(
            fmt::format("snapshot output {} exists and is not empty", dir.string()));
    if (parts_.size() == 1) {
        auto r = parts_.front()->snapshot(dir, nullptr);
        snapshots_++;
        if (!output)
            r["retention"] = retain(dir);
        return r;
    }
    auto book = std::make_shared<index_book>();
    nlohmann::json parts = nlohmann::json::array();
    std::uint64_t packets = 0, bytes = 0, records = 0;
    for (const auto& p : parts_) {
        auto r = p->snapshot(dir, book);
        packets += r.value("packets", std::uint64_t{0});
        bytes += r.value("bytes", std::uint64_t{0});
        records += r.value("records", std::uint64_t{0});
        r["source"] = p->description();
        parts.push_back(std::move(r));
    }
    snapshots_++;
    nlohmann::json r{{"path", dir.string()}, {"packets", packets}, {"bytes", bytes},
                     {"records", records},   {"parts", parts},     {"number", snapshots_}};
    if (!output)
        r["retention"] = retain(dir);
    return r;
}

nlohmann::json session::retain(const std::filesystem::path& dir) {
    const retention_limits limits{config_.request.snapshot_keep,
                                  config_.request.snapshot_max_bytes};
    if (!limits.any())
        return nullptr;
    // A snapshot is complete and synced before retention runs; a directory
    // that cannot be removed is reported, and the snapshot stands.
    const auto r = apply_retention(config_.request.output, dir, limits);
    for (const auto& path : r.removed)
        log("session {}: retention removed {}", name(), path);
    for (const auto& e : r.errors)
        log("session {}: retention: {}", name(), e);
    removed_snapshots_.insert(removed_snapshots_.end(), r.removed.begin(), r.removed.end());
    removed_bytes_ += r.bytes_removed;
    return {{"removed", r.removed}, {"bytes_removed", r.bytes_removed}, {"errors", r.errors}};
}

void session::add_retention(nlohmann::json& status) const {
    const auto& req = config_.request;
    if (!req.snapshot_keep && !req.snapshot_max_bytes)
        return;
    status["retention"] = {
        {"keep", req.snapshot_keep ? nlohmann::json(*req.snapshot_keep) : nlohmann::json()},
        {"max_bytes",
         req.snapshot_max_bytes ? nlohmann::json(*req.snapshot_max_bytes) : nlohmann::json()},
        {"removed", removed_snapshots_},
        {"bytes_removed", removed_bytes_}};
}

nlohmann::json session::summary() const {
    if (parts_.size() == 1 && !lttng_ust_)
        return parts_.front()->summary();
    nlohmann::json j = parts_.front()->summary();
    std::vector<std::string> sources;
    std::uint64_t cpus = 0;
    for (const auto& p : parts_) {
        const auto s = p->summary();
        sources.push_back(s.value("source", ""));
        cpus += s.value("cpus", std::uint64_t{0});
        if (!s["failure"].is_null() && j["failure"].is_null())
            j["failure"] = fmt::format("source {}: {}", s.value("source", ""),
                                       s["failure"].get<std::string>());
        // Active while any part is (a failed part stops on its own).
        if (s.value("state", "") == "active")
            j["state"] = "active";
    }
    if (lttng_ust_)
        sources.push_back("ust");
    j["source"] = fmt::format("{}", fmt::join(sources, " + "));
    j["sources"] = sources;
    j["cpus"] = cpus;
    return j;
}

nlohmann::json session::status() const {
    if (parts_.size() == 1 && !lttng_ust_) {
        auto j = parts_.front()->status();
        add_retention(j);
        add_guests(j);
        return j;
    }
    nlohmann::json j = summary();
    nlohmann::json parts = nlohmann::json::array();
    nlohmann::json totals = nlohmann::json::object();
    // Every part's CPUs, each saying whose (CPU numbers repeat across
    // parts: physical CPUs, dom0's vCPUs).
    nlohmann::json cpus = nlohmann::json::array();
    for (const auto& p : parts_) {
        auto st = p->status();
        for (const auto& [k, v] : st["totals"].items())
            totals[k] = totals.value(k, std::uint64_t{0}) + v.get<std::uint64_t>();
        for (auto c : st["cpus"]) {
            c["source"] = p->description();
            cpus.push_back(std::move(c));
        }
        parts.push_back(std::move(st));
    }
    j["cpus"] = cpus;
    j["parts"] = parts;
    j["totals"] = totals;
    // What lttng's clock plugin needs (tools/lttng-clock-tsc).
    j["clock"] = {{"uuid", ltt::uuid_to_string(shared_->clock_uuid)},
                  {"tsc_hz", shared_->tsc_hz.value_or(parts_.front()->channel().tsc_hz)}};
    if (lttng_ust_)
        j["lttng_ust_output"] = (std::filesystem::path(config_.request.output) / "ust").string();
    add_retention(j);
    add_guests(j);
    return j;
}

nlohmann::json session::shutdown() noexcept {
    active_ = false;
    for (auto& p : parts_)
        p->shutdown();
    try {
        if (shared_->book && lttng_ust_)
            for (const auto& line : shared_->book->mark_lttng_clocks(shared_->clock_uuid))
                log("session {}: lttng-ust trace {}", name(), line);
        if (shared_->book)
            shared_->book->rewrite();
        return summary();
    } catch (const std::exception& e) {
        return {{"name", name()}, {"error", e.what()}};
    }
}

std::vector<int> session::poll_fds() const {
    std::vector<int> fds;
#ifdef LTT_WITH_XEN
    if (guests_)
        fds.push_back(guests_->fd());
#endif
    for (const auto& p : parts_) {
        const auto f = p->poll_fds();
        fds.insert(fds.end(), f.begin(), f.end());
    }
    return fds;
}

void session::on_readable(int fd) {
#ifdef LTT_WITH_XEN
    if (guests_ && fd == guests_->fd()) {
        on_guest_changes(guests_->on_readable());
        return;
    }
#endif
    for (const auto& p : parts_) {
        const auto f = p->poll_fds();
        if (std::find(f.begin(), f.end(), fd) != f.end()) {
            p->on_readable(fd);
            return;
        }
    }
}

void session::on_flush_timer() {
    for (const auto& p : parts_)
        p->on_flush_timer();
    // A guest's share of the disk is bounded.
    const std::uint64_t limit = guest_max_bytes();
    std::vector<std::uint32_t> over;
    for (const auto& p : parts_)
        if (p->description().starts_with("guest ") && p->bytes_written() > limit)
            over.push_back(p->channel().xen_domid);
    for (const auto domid : over)
        retire_guest(domid, fmt::format("domU {} made lttd write more than {} bytes, the limit "
                                        "for one guest: no longer read",
                                        domid, limit));
}

bool session::drain_ready() {
    bool more = false;
    for (const auto& p : parts_)
        more |= p->drain_ready();
    return more;
}

std::uint64_t session::guest_max_bytes() const noexcept {
    return config_.request.guest_max_bytes.value_or(default_guest_max_bytes);
}

void session::guest_note(std::string message) {
    log("session {}: {}", name(), message);
    guest_problems_.push_back(std::move(message));
    while (guest_problems_.size() > max_guest_problems)
        guest_problems_.pop_front();
}

void session::on_guest_changes(std::vector<guests::guest_change> changes) {
    for (auto& c : changes) {
        switch (c.what) {
        case guests::guest_change::kind::joined:
            join_guest(c);
            break;
        case guests::guest_change::kind::left:
            retire_guest(c.domid, c.message);
            break;
        case guests::guest_change::kind::rejected:
            guests_rejected_++;
            guest_note(fmt::format("refused: {}", c.message));
            break;
        }
    }
}

void session::join_guest(guests::guest_change& change) {
#ifdef LTT_WITH_XEN
    const std::uint32_t domid = change.domid;
    const std::string subdir = fmt::format("domU-{}/kernel", domid);
    for (const auto& list : {&parts_, &guests_gone_})
        for (const auto& p : *list)
            if (p->channel().trace_subdir == subdir) {
                guests_rejected_++;
                guest_note(fmt::format("refused: domU {} described its buffers again; {}/ is "
                                       "recorded already in this session",
                                       domid, subdir));
                return;
            }
    recording_config rc;
    rc.request = config_.request;
    rc.source = fmt::format("guests:{}", domid);
    rc.facility_dirs = config_.facility_dirs;
    rc.guard = config_.guard;
    rc.shared = shared_;
    rc.made_source = std::make_unique<guests::guest_source>(std::move(*change.description));
    rc.joins_later = true;
    std::unique_ptr<recording> part;
    try {
        part = std::make_unique<recording>(std::move(rc));
        if (!parts_.empty() && part->channel().mode != parts_.front()->channel().mode)
            throw command_error(fmt::format("it records in {} mode, the session in {}",
                                            to_string(part->channel().mode),
                                            to_string(parts_.front()->channel().mode)));
        if (shared_->tsc_hz)
            part->check_tsc(*shared_->tsc_hz);
        // What the session enabled so far, as far as it names this layer.
        for (const auto& [patterns, on] : enable_log_)
            for (const auto& pattern : patterns) {
                const auto slash = pattern.find('/');
                if (slash != std::string::npos &&
                    !layer_matches(std::string_view(pattern).substr(0, slash), part->channel()))
                    continue;
                const std::string bare =
                    slash == std::string::npos ? pattern : pattern.substr(slash + 1);
                if (bare == "*" || bare == "all" || part->knows(bare))
                    part->enable({bare}, on);
            }
        if (active_)
            part->start();
    } catch (const command_error& e) {
        guests_rejected_++;
        guest_note(fmt::format("refused: domU {}: {}", domid, e.what()));
        if (part)
            part->shutdown();
        return;
    }
    log("session {}: domU {} joined ({} vCPUs) -> {}/", name(), domid,
        part->status()["cpus"].size(), subdir);
    parts_.push_back(std::move(part));
#else
    (void)change;
#endif
}

void session::retire_guest(std::uint32_t domid, const std::string& reason) {
    for (auto it = parts_.begin(); it != parts_.end(); ++it) {
        if (!(*it)->description().starts_with("guest ") || (*it)->channel().xen_domid != domid)
            continue;
        // Drained (the guest answers the flush while it exists), closed,
        // unmapped: the guest can end its grants.
        (*it)->shutdown();
        try {
            if (shared_->book)
                shared_->book->mark_ended((*it)->channel().trace_subdir, reason);
        } catch (const std::exception& e) {
            guest_note(fmt::format("index.json: {}", e.what()));
        }
        log("session {}: {}; drained, unmapped, closed", name(), reason);
        guests_gone_why_.push_back({domid, reason, (*it)->final_status()});
        guests_gone_.push_back(std::move(*it));
        parts_.erase(it);
        return;
    }
}

void session::add_guests(nlohmann::json& status) const {
    if (guests_spec_.empty())
        return;
    nlohmann::json joined = nlohmann::json::array();
    for (const auto& p : parts_)
        if (p->description().starts_with("guest "))
            joined.push_back(p->channel().xen_domid);
    nlohmann::json gone = nlohmann::json::array();
    for (const auto& g : guests_gone_why_) {
        // What it recorded and refused until it left, per vCPU: a hostile
        // guest's rejected packets stay visible after it is gone.
        nlohmann::json cpus = nlohmann::json::array();
        std::uint64_t refused = 0;
        if (g.final_status.contains("cpus"))
            for (const auto& c : g.final_status["cpus"]) {
                nlohmann::json one{{"cpu", c.value("cpu", 0u)}, {"state", c.value("state", "")}};
                for (const char* k : {"packets_written", "records_written", "packets_refused",
                                      "consumer_errors", "lost_total"})
                    if (c.contains(k))
                        one[k] = c[k];
                if (c.contains("problem"))
                    one["problem"] = c["problem"];
                refused += c.value("packets_refused", std::uint64_t{0});
                cpus.push_back(std::move(one));
            }
        gone.push_back({{"domid", g.domid},
                        {"reason", g.reason},
                        {"packets_refused", refused},
                        {"cpus", cpus}});
    }
    status["guests"] = {{"source", guests_spec_},      {"max_bytes", guest_max_bytes()},
                        {"recording", joined},         {"gone", gone},
                        {"refused", guests_rejected_}, {"problems", guest_problems_}};
}

std::optional<std::chrono::milliseconds> session::flush_interval() const {
    std::optional<std::chrono::milliseconds> best;
    for (const auto& p : parts_) {
        const auto f = p->flush_interval();
        if (f && (!best || *f < *best))
            best = f;
    }
    return best;
}

} // namespace lttd
