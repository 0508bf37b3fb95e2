// cli/pipeline.hpp - what every ltt-view command does: open the inputs,
// say what the readers noticed, merge, keep the state trackers current and
// hand each event to the command's consumers, with progress on a terminal.
#pragma once

#include "../core/event_class.hpp"
#include "../readers/open.hpp"
#include "../state/cpu_tracker.hpp"
#include "../time/guest_tsc_conversion.hpp"

#include "../merge/merger.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace ltt::viewer {

struct pipeline {
    class_registry classes;
    opened_inputs inputs;
    // PVH/HVM guests' streams on host TSC (wraps some of inputs.streams).
    guest_tsc_conversion tsc;
    cpu_tracker cpus{classes};
    std::uint64_t events = 0;       // merged events handed out
    std::uint64_t out_of_order = 0; // events earlier than their own stream's previous
    double seconds = 0;             // time spent reading

    // Opens every path; input_error and the readers' errors propagate.
    pipeline(const std::vector<std::string>& paths, const read_options& options);

    // Merges and calls `consume` for every event (after the trackers saw
    // it). Progress goes to stderr when it is a terminal and reading takes
    // more than a second.
    template <typename Consume> void run(Consume&& consume) {
        merger merge(inputs.streams);
        progress p(*this);
        event e;
        std::uint64_t n = 0;
        while (merge.next(e)) {
            cpus.update(e);
            consume(e);
            if ((++n & 0xfffff) == 0)
                p.tick(n); // the clock is read once per million events only
        }
        p.done(n, merge.out_of_order());
    }

private:
    class progress {
    public:
        explicit progress(pipeline& p);
        void tick(std::uint64_t events);
        void done(std::uint64_t events, std::uint64_t out_of_order);

    private:
        pipeline& p_;
        std::chrono::steady_clock::time_point start_;
        bool tty_ = false, shown_ = false;
    };
};

} // namespace ltt::viewer
