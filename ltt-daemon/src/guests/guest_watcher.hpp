// guests/guest_watcher.hpp - the `guests` source's eye on xenstore: one
// libxenstore watch on /local/domain (its descriptor in the session
// worker's poll set; nothing is polled by time). On each change it looks at
// the domains the change is about - only those the session names
// (`guests:3,5`), never dom0 - and reports a guest whose data/ltt/state
// became "ready" with its validated description, and a guest it reported
// whose state is "closing" or whose directory is gone. Descriptions that
// fail validation are reported once per state change, with the reason.
#pragma once

#include <lttd/guest_description.hpp>

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <vector>

struct xs_handle;

namespace lttd::guests {

struct guest_change {
    enum class kind { joined, left, rejected } what = kind::joined;
    std::uint32_t domid = 0;
    std::optional<guest_description> description; // joined
    std::string message;                          // left, rejected
};

class guest_watcher {
public:
    // `only`: the domains to read, nullopt for every guest. source_error
    // when xenstored cannot be reached or the watch cannot be set.
    explicit guest_watcher(std::optional<std::vector<std::uint32_t>> only);
    ~guest_watcher();
    guest_watcher(const guest_watcher&) = delete;
    guest_watcher& operator=(const guest_watcher&) = delete;

    int fd() const noexcept;
    // What changed since the last call (the first: every guest there now).
    std::vector<guest_change> on_readable();
    // The session stopped reading `domid` (it left, or was refused later):
    // a later "ready" makes it join again.
    void forget(std::uint32_t domid) { known_.erase(domid); }

private:
    bool wanted(std::uint32_t domid) const;
    void look_at(std::uint32_t domid, std::vector<guest_change>& out);
    std::optional<std::string> read(const std::string& path) const;
    void scan_all(std::vector<guest_change>& out);

    xs_handle* xs_ = nullptr;
    std::optional<std::set<std::uint32_t>> only_;
    std::set<std::uint32_t> known_;    // joined, not left
    std::set<std::uint32_t> rejected_; // until their state changes
    bool scanned_ = false;
};

} // namespace lttd::guests
