#include "xen/virq_channel.hpp"

#include "source.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>

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
    // Non-blocking as well as polled before each read (acknowledge()): a
    // read of the device never waits.
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
    // xenevtchn.h warns that a non-blocking descriptor "may not work":
    // read only what poll() says is there, so the worker never blocks here.
    bool any = false;
    for (int i = 0; i < 64; i++) {
        pollfd pfd{xenevtchn_fd(h_), POLLIN, 0};
        if (::poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLIN))
            break;
        const xenevtchn_port_or_error_t p = xenevtchn_pending(h_);
        if (p < 0)
            break;
        xenevtchn_unmask(h_, static_cast<evtchn_port_t>(p));
        any = true;
    }
    return any;
}

} // namespace lttd::xen
