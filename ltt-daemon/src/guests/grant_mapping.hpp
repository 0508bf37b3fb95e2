// guests/grant_mapping.hpp - a guest's granted pages mapped into lttd with
// libxengnttab, unmapped when the object goes. Xen keeps a guest from
// ending access to a page dom0 maps, so the bytes stay there (but the guest
// may change them at any moment: every reader copies, then checks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

struct xengntdev_handle;

namespace lttd::guests {

class grant_device {
public:
    // source_error when /dev/xen/gntdev cannot be opened.
    grant_device();
    ~grant_device();
    grant_device(const grant_device&) = delete;
    grant_device& operator=(const grant_device&) = delete;
    xengntdev_handle* get() const noexcept { return h_; }

private:
    xengntdev_handle* h_ = nullptr;
};

class grant_mapping {
public:
    grant_mapping() = default;
    // Maps `refs` of domain `domid` contiguously; source_error naming `what`.
    grant_mapping(grant_device& dev, std::uint32_t domid, std::span<const std::uint32_t> refs,
                  bool writable, const char* what);
    ~grant_mapping();
    grant_mapping(grant_mapping&& o) noexcept;
    grant_mapping& operator=(grant_mapping&& o) noexcept;

    void* data() const noexcept { return p_; }
    std::uint64_t bytes() const noexcept { return pages_ * page_size; }
    static constexpr std::uint64_t page_size = 4096;

private:
    void reset() noexcept;
    xengntdev_handle* h_ = nullptr;
    void* p_ = nullptr;
    std::size_t pages_ = 0;
};

} // namespace lttd::guests
