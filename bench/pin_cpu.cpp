#include "pin_cpu.hpp"

#include <pthread.h>
#include <sched.h>

#include <cerrno>

namespace ltt::bench {

int pin_to_cpu(int cpu) {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (pthread_getaffinity_np(pthread_self(), sizeof allowed, &allowed) != 0)
        return -1;
    if (cpu < 0) {
        for (int c = CPU_SETSIZE - 1; c >= 0; c--) {
            if (CPU_ISSET(c, &allowed)) {
                cpu = c;
                break;
            }
        }
    }
    if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &allowed)) {
        errno = EINVAL;
        return -1;
    }
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    const int err = pthread_setaffinity_np(pthread_self(), sizeof one, &one);
    if (err != 0) {
        errno = err;
        return -1;
    }
    return cpu;
}

} // namespace ltt::bench
