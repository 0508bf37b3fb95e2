#include "xen/virq_channel.hpp"

#include "source.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>

extern "C" {
#include <xenevtchn.h>
}

namespace lttd::xen {

virq_channel::virq_channel(unsigned virq) {
    h_ = xenevtchn_open(nullptr, 0);
    if (!h_)
        throw source_error(fmt::format("source xen: cannot open /dev/xen/evtchn: {} (load the "
                                       "xen-evtchn module)",
                                       std::strerror(errno)));
    port_ = xenevtchn_bind_virq(h_, virq);
    if (port_ < 0) {
        const int err = errno;
        xenevtchn_close(h_);
        throw source_error(fmt::format("source xen: cannot bind VIRQ {}: {} (another consumer, "
                                       "or a Xen without ltt-xen)",
                                       virq, std::strerror(err)));
    }
    // Non-blocking, so acknowledge() can take every pending notification
    // and stop when there is none (xenevtchn_pending() reads the device).
    const int fd = xenevtchn_fd(h_);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

virq_channel::~virq_channel() {
    xenevtchn_unbind(h_, static_cast<evtchn_port_t>(port_));
    xenevtchn_close(h_);
}

int virq_channel::fd() const noexcept {
    return xenevtchn_fd(h_);
}

bool virq_channel::acknowledge() noexcept {
    bool any = false;
    for (int i = 0; i < 64; i++) {
        const xenevtchn_port_or_error_t p = xenevtchn_pending(h_);
        if (p < 0)
            break;
        xenevtchn_unmask(h_, static_cast<evtchn_port_t>(p));
        any = true;
    }
    return any;
}

} // namespace lttd::xen
