#include "index_book.hpp"

#include "lttng_clock_fixup.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <system_error>

namespace lttd {

void index_book::write(const std::filesystem::path& root, ltt::session_index base,
                       const std::string& key, ltt::index_domain part) {
    if (const auto it = parts_.find(key); it != parts_.end() && part.ended.empty())
        part.ended = it->second.ended;
    parts_[key] = std::move(part);
    root_ = root;
    base_ = std::move(base);
    rewrite();
}

void index_book::mark_ended(const std::string& key, const std::string& reason) {
    const auto it = parts_.find(key);
    if (it == parts_.end())
        return; // never started: nothing of it in index.json
    it->second.ended = reason;
    rewrite();
}

std::vector<ltt::index_domain> index_book::lttng_ust_domains() const {
    // lttng writes <output>/ust/<its own layout>/.../metadata: one channel
    // per directory with a metadata file, its path relative to the root.
    std::vector<ltt::index_domain> out;
    std::error_code ec;
    const auto top = root_ / "ust";
    if (!lttng_ust_ || !std::filesystem::is_directory(top, ec))
        return out;
    ltt::index_domain d;
    d.name = "ust";
    d.kind = ltt::layer::ust;
    std::vector<std::string> paths;
    for (auto it = std::filesystem::recursive_directory_iterator(
             top, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it.depth() > 8) {
            it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file(ec) || it->path().filename() != "metadata")
            continue;
        auto rel = it->path().parent_path().lexically_relative(root_).string();
        if (!parts_.contains(rel)) // not lttd's own user-space parts
            paths.push_back(std::move(rel));
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& p : paths) {
        ltt::index_channel ch;
        ch.name = "lttng-ust";
        ch.path = p;
        ch.mode = base_ ? base_->mode : "discard";
        d.channels.push_back(std::move(ch));
    }
    if (!d.channels.empty())
        out.push_back(std::move(d));
    return out;
}

std::vector<std::string> index_book::mark_lttng_clocks(const ltt::uuid& clock_uuid) const {
    std::vector<std::string> out;
    for (const auto& d : lttng_ust_domains())
        for (const auto& ch : d.channels) {
            try {
                switch (mark_lttng_clock_absolute(root_ / ch.path / "metadata", clock_uuid)) {
                case lttng_clock_fix::marked:
                    out.push_back(fmt::format("{}: clock marked absolute", ch.path));
                    break;
                case lttng_clock_fix::already_absolute:
                    break;
                case lttng_clock_fix::other_clock:
                    out.push_back(fmt::format("{}: not on the session's clock (tsc, uuid {}): "
                                              "babeltrace2 will not merge it with the session",
                                              ch.path, ltt::uuid_to_string(clock_uuid)));
                    break;
                }
            } catch (const std::exception& e) {
                out.push_back(e.what());
            }
        }
    return out;
}

void index_book::rewrite() {
    if (!base_)
        return;
    ltt::session_index index = *base_;
    index.domains.clear();
    for (const auto& [path, domain] : parts_)
        index.domains.push_back(domain);
    for (auto& d : lttng_ust_domains())
        index.domains.push_back(std::move(d));
    ltt::write_index(root_, index);
}

} // namespace lttd
