// xen/foreign_pages.hpp - Xen's own pages (DOMID_XEN) mapped into lttd with
// libxenforeignmemory, unmapped when the object goes. Xen refuses a writable
// mapping of anything but a CPU's consumer page, and refuses to free its
// buffers while any page is mapped, so the mapping must go before teardown.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

struct xenforeignmemory_handle;

namespace lttd::xen {

class foreign_memory {
public:
    // source_error when the device cannot be opened.
    foreign_memory();
    ~foreign_memory();
    foreign_memory(const foreign_memory&) = delete;
    foreign_memory& operator=(const foreign_memory&) = delete;
    xenforeignmemory_handle* get() const noexcept { return h_; }

private:
    xenforeignmemory_handle* h_ = nullptr;
};

class foreign_pages {
public:
    foreign_pages() = default;
    // Maps `frames` of DOMID_XEN; source_error naming `what` and the first
    // frame refused.
    foreign_pages(foreign_memory& fm, std::span<const std::uint64_t> frames, bool writable,
                  const char* what);
    ~foreign_pages();
    foreign_pages(foreign_pages&& o) noexcept;
    foreign_pages& operator=(foreign_pages&& o) noexcept;

    void* data() const noexcept { return p_; }
    std::uint64_t bytes() const noexcept { return pages_ * page_size; }

    static constexpr std::uint64_t page_size = 4096;

private:
    void reset() noexcept;
    xenforeignmemory_handle* h_ = nullptr;
    void* p_ = nullptr;
    std::size_t pages_ = 0;
};

} // namespace lttd::xen
