// cli/pipeline.hpp - what every ltt-view command does: open the inputs,
// say what the readers noticed, merge, keep the state trackers current and
// hand each event to the command's consumers, with progress on a terminal.
#pragma once

#include "../core/event_class.hpp"
#include "../readers/open.hpp"
#include "../state/cpu_tracker.hpp"

#include <functional>
#include <string>
#include <vector>

namespace ltt::viewer {

struct pipeline {
    class_registry classes;
    opened_inputs inputs;
    cpu_tracker cpus{classes};
    std::uint64_t events = 0;       // merged events handed out
    std::uint64_t out_of_order = 0; // events earlier than their own stream's previous
    double seconds = 0;             // time spent reading

    // Opens every path; input_error and the readers' errors propagate.
    pipeline(const std::vector<std::string>& paths, const read_options& options);

    // Merges and calls `consume` for every event (after the trackers saw
    // it). Progress goes to stderr when it is a terminal and reading takes
    // more than a second.
    void run(const std::function<void(const event&)>& consume);
};

} // namespace ltt::viewer
