#include "guests/grant_mapping.hpp"

#include "source.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <sys/mman.h>
#include <utility>

extern "C" {
#include <xengnttab.h>
}

namespace lttd::guests {

grant_device::grant_device() {
    h_ = xengnttab_open(nullptr, 0);
    if (!h_)
        throw source_error(fmt::format("source guests: cannot open /dev/xen/gntdev: {} (load the "
                                       "xen-gntdev module)",
                                       std::strerror(errno)));
}

grant_device::~grant_device() {
    xengnttab_close(h_);
}

grant_mapping::grant_mapping(grant_device& dev, std::uint32_t domid,
                             std::span<const std::uint32_t> refs, bool writable, const char* what) {
    if (refs.empty())
        throw source_error(fmt::format("domU {}: {}: no pages", domid, what));
    // One domid for every ref: the libxengnttab call takes an array of
    // refs, not of (domid, ref) pairs.
    p_ = xengnttab_map_domain_grant_refs(dev.get(), static_cast<std::uint32_t>(refs.size()), domid,
                                         const_cast<std::uint32_t*>(refs.data()),
                                         writable ? PROT_READ | PROT_WRITE : PROT_READ);
    if (!p_)
        throw source_error(fmt::format("domU {}: cannot map {} ({} pages, first grant ref {}): {}",
                                       domid, what, refs.size(), refs.front(),
                                       std::strerror(errno)));
    h_ = dev.get();
    pages_ = refs.size();
}

grant_mapping::~grant_mapping() {
    reset();
}

grant_mapping::grant_mapping(grant_mapping&& o) noexcept
    : h_(std::exchange(o.h_, nullptr)), p_(std::exchange(o.p_, nullptr)),
      pages_(std::exchange(o.pages_, 0)) {}

grant_mapping& grant_mapping::operator=(grant_mapping&& o) noexcept {
    if (this != &o) {
        reset();
        h_ = std::exchange(o.h_, nullptr);
        p_ = std::exchange(o.p_, nullptr);
        pages_ = std::exchange(o.pages_, 0);
    }
    return *this;
}

void grant_mapping::reset() noexcept {
    if (p_)
        xengnttab_unmap(h_, p_, static_cast<std::uint32_t>(pages_));
    p_ = nullptr;
    h_ = nullptr;
    pages_ = 0;
}

} // namespace lttd::guests
