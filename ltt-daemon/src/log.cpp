#include "log.hpp"

#include <ctime>
#include <mutex>
#include <unistd.h>

namespace lttd {

void log_line(std::string_view message) {
    static std::mutex mu;
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    tm t{};
    ::gmtime_r(&ts.tv_sec, &t);
    const std::string line = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z lttd: {}\n",
                                         t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour,
                                         t.tm_min, t.tm_sec, ts.tv_nsec / 1000000, message);
    const std::lock_guard lock(mu);
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
        if (n <= 0)
            return; // nowhere to report a broken stderr
        done += static_cast<std::size_t>(n);
    }
}

} // namespace lttd
