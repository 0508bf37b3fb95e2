// merge/merger.hpp - one timeline out of many streams: a k-way merge on the
// events' timestamps, holding one event per stream (memory does not grow
// with the trace), ties broken by the streams' merge index so two runs give
// the same order.
//
// Every stream must be on one time base (the caller checks:
// readers/open.hpp refuses to merge TSC and nanosecond sources). A stream
// whose own timestamps go backwards is not an error here (babeltrace2's
// muxer stops on it; a user wants the rest of the trace): its events are
// merged where they fall, and out_of_order() counts them.
#pragma once

#include "../core/event.hpp"

#include <cstdint>
#include <vector>

namespace ltt::viewer {

class event_stream;

class merger {
public:
    // The streams' info().index must be distinct (they order ties).
    explicit merger(std::vector<event_stream*> streams);

    // The next event in time order, or false when every stream has ended.
    // `out`'s payload stays valid until the next call.
    bool next(event& out);

    // Events that came earlier than the previous event of their own stream.
    std::uint64_t out_of_order() const noexcept { return out_of_order_; }

private:
    struct head {
        event ev;
        event_stream* stream = nullptr;
        std::uint64_t last_ts = 0;
    };
    // The heap holds the keys themselves (not indices to look them up
    // through): the comparisons are the merge's hot path.
    struct key {
        std::uint64_t ts;
        std::uint32_t tie;  // the stream's merge index
        std::uint32_t head; // into heads_
        bool operator<(const key& o) const noexcept { return ts != o.ts ? ts < o.ts : tie < o.tie; }
    };

    void sift_down() noexcept;
    void sift_up(std::size_t i) noexcept;
    bool advance(head& h);

    std::vector<head> heads_;
    std::vector<key> heap_;
    bool pending_ = false; // heap_[0]'s event was handed out: advance it first
    std::uint64_t out_of_order_ = 0;
};

} // namespace ltt::viewer
