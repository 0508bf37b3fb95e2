#include "xen/foreign_pages.hpp"

#include "source.hpp"
#include "xen/sysctl_abi.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <sys/mman.h>
#include <utility>
#include <vector>

extern "C" {
#include <xenforeignmemory.h>
}

namespace lttd::xen {

namespace {

// Xen's default Flask policy lets dom0 map Xen's pages read-only only.
const char* flask_hint(int err) {
    return err == EACCES || err == EPERM
               ? " (under XSM/Flask, dom0 needs `allow dom0_t domxen_t:mmu map_write;` for the "
                 "consumer page, as for xentrace's buffers: xen-patches/README.md \"XSM\")"
               : "";
}

} // namespace

foreign_memory::foreign_memory() {
    h_ = xenforeignmemory_open(nullptr, 0);
    if (!h_)
        throw source_error(fmt::format("source xen: cannot open the foreign memory interface "
                                       "(/dev/xen/privcmd): {}",
                                       std::strerror(errno)));
}

foreign_memory::~foreign_memory() {
    xenforeignmemory_close(h_);
}

foreign_pages::foreign_pages(foreign_memory& fm, std::span<const std::uint64_t> frames,
                             bool writable, const char* what)
    : h_(fm.get()) {
    std::vector<xen_pfn_t> arr(frames.begin(), frames.end());
    std::vector<int> err(frames.size(), 0);
    const int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
    void* p = xenforeignmemory_map(h_, domid_xen, prot, arr.size(), arr.data(), err.data());
    if (!p) {
        const int map_err = errno;
        throw source_error(fmt::format("{}: mapping {} Xen frame(s) {} failed: {}{}", what,
                                       arr.size(), writable ? "read-write" : "read-only",
                                       std::strerror(map_err), flask_hint(map_err)));
    }
    for (std::size_t i = 0; i < err.size(); i++)
        if (err[i]) {
            xenforeignmemory_unmap(h_, p, arr.size());
            throw source_error(fmt::format("{}: Xen refused frame {:#x} ({} of {}): {}{}", what,
                                           arr[i], i, arr.size(), std::strerror(-err[i]),
                                           flask_hint(-err[i])));
        }
    p_ = p;
    pages_ = arr.size();
}

foreign_pages::~foreign_pages() {
    reset();
}

foreign_pages::foreign_pages(foreign_pages&& o) noexcept
    : h_(o.h_), p_(std::exchange(o.p_, nullptr)), pages_(std::exchange(o.pages_, 0)) {}

foreign_pages& foreign_pages::operator=(foreign_pages&& o) noexcept {
    if (this != &o) {
        reset();
        h_ = o.h_;
        p_ = std::exchange(o.p_, nullptr);
        pages_ = std::exchange(o.pages_, 0);
    }
    return *this;
}

void foreign_pages::reset() noexcept {
    if (p_)
        xenforeignmemory_unmap(h_, p_, pages_);
    p_ = nullptr;
    pages_ = 0;
}

} // namespace lttd::xen
