// log.hpp - lttd's diagnostics on stderr: one line per message, with a UTC
// time stamp, whole lines even when several threads write at once.
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace lttd {

void log_line(std::string_view message);

template <class... Args> void log(fmt::format_string<Args...> f, Args&&... args) {
    log_line(fmt::format(f, std::forward<Args>(args)...));
}

} // namespace lttd
