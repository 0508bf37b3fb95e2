#include "guests/guest_watcher.hpp"

#include "source.hpp"

#include <ltt/guest_grant.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

extern "C" {
#include <xenstore.h>
}

namespace lttd::guests {

namespace {

constexpr const char* watch_path = "/local/domain";
constexpr const char* watch_token = "lttd-guests";
// Watch events taken per wake-up: a guest writing its xenstore directory
// without pause must not keep the session from its other work.
constexpr int max_events_per_wakeup = 256;
// Domains looked at in one scan (Xen has fewer than 32752 ids).
constexpr std::size_t max_domains_scanned = 0x7ff0;

// "/local/domain/<id>[/...]" -> id.
std::optional<std::uint32_t> domid_of(std::string_view path) {
    const std::string_view prefix = "/local/domain/";
    if (!path.starts_with(prefix))
        return std::nullopt;
    path.remove_prefix(prefix.size());
    const auto slash = path.find('/');
    const auto ids = parse_decimal_list(path.substr(0, slash), 0x7ff0, 1);
    if (!ids || ids->size() != 1)
        return std::nullopt;
    return ids->front();
}

} // namespace

guest_watcher::guest_watcher(std::optional<std::vector<std::uint32_t>> only) {
    if (only)
        only_.emplace(only->begin(), only->end());
    xs_ = xs_open(0);
    if (!xs_)
        throw source_error(fmt::format("source guests: cannot reach xenstored: {} (is it "
                                       "running in this dom0?)",
                                       std::strerror(errno)));
    if (!xs_watch(xs_, watch_path, watch_token)) {
        const int err = errno;
        xs_close(xs_);
        throw source_error(
            fmt::format("source guests: cannot watch {}: {}", watch_path, std::strerror(err)));
    }
}

guest_watcher::~guest_watcher() {
    xs_unwatch(xs_, watch_path, watch_token);
    xs_close(xs_);
}

int guest_watcher::fd() const noexcept {
    return xs_fileno(xs_);
}

bool guest_watcher::wanted(std::uint32_t domid) const {
    return domid != 0 && (!only_ || only_->contains(domid));
}

std::optional<std::string> guest_watcher::read(const std::string& path) const {
    unsigned int len = 0;
    void* v = xs_read(xs_, XBT_NULL, path.c_str(), &len);
    if (!v)
        return std::nullopt;
    std::string s(static_cast<const char*>(v), len);
    std::free(v);
    return s;
}

void guest_watcher::look_at(std::uint32_t domid, std::vector<guest_change>& out) {
    if (!wanted(domid))
        return;
    const std::string dir = fmt::format("/local/domain/{}/{}", domid, LTT_GG_XS_DIR);
    const auto state = read(fmt::format("{}/{}", dir, LTT_GG_XS_STATE));
    if (known_.contains(domid)) {
        if (!state || *state != LTT_GG_STATE_READY) {
            known_.erase(domid);
            out.push_back({guest_change::kind::left, domid, std::nullopt,
                           state ? fmt::format("domU {}: its ltt-guest.ko is unloading (state "
                                               "closing)",
                                               domid)
                                 : fmt::format("domU {}: its description is gone (the domain "
                                               "was destroyed, or its module unloaded)",
                                               domid)});
        }
        return;
    }
    if (!state || *state != LTT_GG_STATE_READY) {
        rejected_.erase(domid); // a new description may come
        return;
    }
    if (rejected_.contains(domid))
        return;
    guest_keys keys;
    const auto put = [&](const std::string& key) {
        if (auto v = read(fmt::format("{}/{}", dir, key)))
            keys[key] = v->substr(0, guest_value_max + 1); // the parser says it is too long
    };
    for (const char* k : {LTT_GG_XS_STATE, LTT_GG_XS_CHANNEL, LTT_GG_XS_CONTROL_REF,
                          LTT_GG_XS_EVTCHN, LTT_GG_XS_CPUS})
        put(k);
    // The vCPUs' keys, for at most as many vCPUs as the contract allows
    // (the parser checks the list itself).
    if (const auto it = keys.find(LTT_GG_XS_CPUS); it != keys.end())
        if (const auto cpus = parse_decimal_list(it->second, LTT_GG_MAX_CPUS, LTT_GG_MAX_CPUS))
            for (const auto cpu : *cpus)
                for (const auto& k : guest_cpu_keys(cpu))
                    put(k);
    try {
        auto d = parse_guest_description(domid, keys);
        known_.insert(domid);
        out.push_back({guest_change::kind::joined, domid, std::move(d), {}});
    } catch (const guest_description_error& e) {
        rejected_.insert(domid);
        out.push_back({guest_change::kind::rejected, domid, std::nullopt, e.what()});
    }
}

void guest_watcher::scan_all(std::vector<guest_change>& out) {
    unsigned int n = 0;
    char** names = xs_directory(xs_, XBT_NULL, watch_path, &n);
    std::set<std::uint32_t> present;
    for (unsigned int i = 0; names && i < n && i < max_domains_scanned; i++)
        if (const auto id = domid_of(fmt::format("/local/domain/{}", names[i])))
            present.insert(*id);
    std::free(names);
    for (const auto id : present)
        look_at(id, out);
    // Guests whose whole directory went away.
    const auto known = known_;
    for (const auto id : known)
        if (!present.contains(id))
            look_at(id, out);
}

std::vector<guest_change> guest_watcher::on_readable() {
    std::vector<guest_change> out;
    std::set<std::uint32_t> touched;
    bool all = !scanned_;
    for (int i = 0; i < max_events_per_wakeup; i++) {
        // Never blocks: NULL (EAGAIN) when no event is queued.
        char** ev = xs_check_watch(xs_);
        if (!ev)
            break;
        const std::string path = ev[XS_WATCH_PATH];
        std::free(ev);
        if (const auto id = domid_of(path))
            touched.insert(*id);
        else
            all = true; // the watch's first event, or /local/domain itself
    }
    if (all) {
        scanned_ = true;
        scan_all(out);
        return out;
    }
    for (const auto id : touched)
        look_at(id, out);
    return out;
}

} // namespace lttd::guests
