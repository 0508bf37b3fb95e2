#include "index_book.hpp"

namespace lttd {

void index_book::write(const std::filesystem::path& root, ltt::session_index base,
                       const std::string& key, ltt::index_domain part) {
    parts_[key] = std::move(part);
    base.domains.clear();
    for (const auto& [path, domain] : parts_)
        base.domains.push_back(domain);
    ltt::write_index(root, base);
}

} // namespace lttd
