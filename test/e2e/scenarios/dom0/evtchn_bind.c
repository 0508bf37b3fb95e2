// SPDX-License-Identifier: MIT
/*
 * ltt-e2e-evtchn: binds COUNT new event channels in dom0 and closes them
 * again (libxenevtchn: an unbound port offered to dom0 itself, which the
 * xen-evtchn driver binds to a fresh Linux irq), so that a trace recorded
 * meanwhile holds real bind and unbind records of ltt-guest.ko.
 * Prints "bound PORT" and "unbound PORT" per channel.
 *
 *   ltt-e2e-evtchn [COUNT]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <xenevtchn.h>

int main(int argc, char** argv) {
    int count = argc > 1 ? atoi(argv[1]) : 3;
    const struct timespec pause = {0, 50 * 1000 * 1000};
    xenevtchn_handle* xce = xenevtchn_open(NULL, 0);
    int i;

    if (!xce) {
        perror("xenevtchn_open");
        return 1;
    }
    for (i = 0; i < count; i++) {
        xenevtchn_port_or_error_t port = xenevtchn_bind_unbound_port(xce, 0);

        if (port < 0) {
            perror("xenevtchn_bind_unbound_port");
            return 1;
        }
        printf("bound %d\n", port);
        nanosleep(&pause, NULL);
        if (xenevtchn_unbind(xce, (evtchn_port_t)port) < 0) {
            perror("xenevtchn_unbind");
            return 1;
        }
        printf("unbound %d\n", port);
    }
    xenevtchn_close(xce);
    return 0;
}
