#include "pipeline.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <unistd.h>

namespace ltt::viewer {

pipeline::pipeline(const std::vector<std::string>& paths, const read_options& options)
    : inputs(open_inputs(paths, classes, options)), tsc(inputs, classes, options) {
    for (const std::string& n : inputs.notices)
        fmt::print(stderr, "ltt-view: note: {}\n", n);
}

pipeline::progress::progress(pipeline& p)
    : p_(p), start_(std::chrono::steady_clock::now()), tty_(isatty(STDERR_FILENO) != 0) {}

void pipeline::progress::tick(std::uint64_t events) {
    if (!tty_)
        return;
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (s > 1.0) {
        fmt::print(stderr, "\rltt-view: {:.1f} M events, {:.1f} s",
                   static_cast<double>(events) / 1e6, s);
        shown_ = true;
    }
}

void pipeline::progress::done(std::uint64_t events, std::uint64_t out_of_order) {
    p_.events = events;
    p_.out_of_order = out_of_order;
    p_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (shown_)
        fmt::print(stderr, "\rltt-view: {:.1f} M events, {:.1f} s\n",
                   static_cast<double>(events) / 1e6, p_.seconds);
    if (out_of_order != 0)
        fmt::print(stderr,
                   "ltt-view: note: {} events came earlier than the previous event of their own "
                   "stream (overlapping packets); they are placed where their timestamps fall\n",
                   out_of_order);
}

} // namespace ltt::viewer
