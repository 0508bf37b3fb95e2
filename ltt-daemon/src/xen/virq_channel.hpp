// xen/virq_channel.hpp - VIRQ_LTT bound with libxenevtchn: Xen raises it when
// sub-buffers are complete (discard mode), after a flush, and when a CPU
// gets its buffer, so lttd sleeps in poll() on fd() and never polls Xen.
#pragma once

struct xenevtchn_handle;

namespace lttd::xen {

class virq_channel {
public:
    // source_error when /dev/xen/evtchn is missing or the VIRQ is taken.
    explicit virq_channel(unsigned virq);
    ~virq_channel();
    virq_channel(const virq_channel&) = delete;
    virq_channel& operator=(const virq_channel&) = delete;

    int fd() const noexcept;
    // Takes the pending notifications and re-arms the port; false when
    // nothing was pending.
    bool acknowledge() noexcept;

private:
    xenevtchn_handle* h_ = nullptr;
    int port_ = -1;
};

} // namespace lttd::xen
