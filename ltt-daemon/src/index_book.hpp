// index_book.hpp - <output>/index.json of a session that records several
// sources: each part's trace_output reports its domain (its trace
// directory, channel and per-CPU counts) and the book writes the index with
// every part, so one index.json lists the hypervisor, dom0's kernel...
// Used by one session's worker thread only.
#pragma once

#include <ltt/trace_index.hpp>
#include <ltt/uuid.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lttd {

class index_book {
public:
    // Keeps `part` (replacing the earlier one of the same trace directory
    // `key`) and writes root/index.json: `base` (session name, mode,
    // clock...) with every part's domain. std::system_error naming the file.
    void write(const std::filesystem::path& root, ltt::session_index base, const std::string& key,
               ltt::index_domain part);

    // The session has LTTng-UST traces under root/ust/ (`--source ust`):
    // every directory there holding a CTF `metadata` is listed as a ust
    // channel at each write; rewrite() lists what is there now.
    // The part of trace directory `key` stopped being recorded (a guest
    // that went away): index.json says why. std::system_error as write().
    void mark_ended(const std::string& key, const std::string& reason);

    void list_lttng_ust(bool on) { lttng_ust_ = on; }
    void rewrite();
    // Once lttng is done (the session's destroy): each lttng trace under
    // root/ust/ on the session's clock gets `absolute = true`
    // (lttng_clock_fixup.hpp); one line per trace saying what was done.
    std::vector<std::string> mark_lttng_clocks(const ltt::uuid& clock_uuid) const;

private:
    std::vector<ltt::index_domain> lttng_ust_domains() const;

    std::map<std::string, ltt::index_domain> parts_; // by trace directory
    std::filesystem::path root_;
    std::optional<ltt::session_index> base_;
    bool lttng_ust_ = false;
};

} // namespace lttd
