#include "merger.hpp"

#include "../readers/reader.hpp"

#include <utility>

namespace ltt::viewer {

merger::merger(std::vector<event_stream*> streams) {
    heads_.reserve(streams.size());
    for (event_stream* s : streams)
        heads_.push_back(head{{}, s, 0});
    for (std::size_t i = 0; i < heads_.size(); ++i) {
        if (advance(heads_[i])) {
            heap_.push_back(
                {heads_[i].ev.ts, heads_[i].stream->info().index, static_cast<std::uint32_t>(i)});
            sift_up(heap_.size() - 1);
        }
    }
}

bool merger::advance(head& h) {
    if (!h.stream->next(h.ev))
        return false;
    if (h.ev.ts < h.last_ts)
        ++out_of_order_;
    h.last_ts = h.ev.ts;
    return true;
}

void merger::sift_up(std::size_t i) noexcept {
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (!(heap_[i] < heap_[parent]))
            break;
        std::swap(heap_[i], heap_[parent]);
        i = parent;
    }
}

void merger::sift_down() noexcept {
    const std::size_t n = heap_.size();
    std::size_t i = 0;
    const key moving = heap_[0];
    for (;;) {
        const std::size_t l = 2 * i + 1;
        if (l >= n)
            break;
        std::size_t m = l;
        if (l + 1 < n && heap_[l + 1] < heap_[l])
            m = l + 1;
        if (!(heap_[m] < moving))
            break;
        heap_[i] = heap_[m];
        i = m;
    }
    heap_[i] = moving;
}

bool merger::next(event& out) {
    // The stream whose event went out last time moves on only now, so that
    // event's payload stayed valid while the caller used it.
    if (pending_) {
        pending_ = false;
        head& h = heads_[heap_[0].head];
        if (advance(h)) {
            heap_[0].ts = h.ev.ts;
        } else {
            heap_[0] = heap_.back();
            heap_.pop_back();
            if (heap_.empty())
                return false;
        }
        if (heap_.size() > 1)
            sift_down();
    }
    if (heap_.empty())
        return false;
    pending_ = true;
    out = heads_[heap_[0].head].ev;
    return true;
}

} // namespace ltt::viewer
