#include "pipeline.hpp"

#include "../merge/merger.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <unistd.h>

namespace ltt::viewer {

pipeline::pipeline(const std::vector<std::string>& paths, const read_options& options)
    : inputs(open_inputs(paths, classes, options)) {
    for (const std::string& n : inputs.notices)
        fmt::print(stderr, "ltt-view: note: {}\n", n);
}

void pipeline::run(const std::function<void(const event&)>& consume) {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    const bool tty = isatty(STDERR_FILENO) != 0;
    bool shown = false;
    merger merge(inputs.streams);
    event e;
    std::uint64_t n = 0;
    while (merge.next(e)) {
        cpus.update(e);
        consume(e);
        // Look at the clock once per million events only.
        if ((++n & 0xfffff) == 0 && tty) {
            const double s = std::chrono::duration<double>(clock::now() - start).count();
            if (s > 1.0) {
                fmt::print(stderr, "\rltt-view: {:.1f} M events, {:.1f} s",
                           static_cast<double>(n) / 1e6, s);
                shown = true;
            }
        }
    }
    events = n;
    out_of_order = merge.out_of_order();
    seconds = std::chrono::duration<double>(clock::now() - start).count();
    if (shown)
        fmt::print(stderr, "\rltt-view: {:.1f} M events, {:.1f} s\n", static_cast<double>(n) / 1e6,
                   seconds);
    if (out_of_order != 0)
        fmt::print(stderr,
                   "ltt-view: note: {} events came earlier than the previous event of their own "
                   "stream (overlapping packets); they are placed where their timestamps fall\n",
                   out_of_order);
}

} // namespace ltt::viewer
