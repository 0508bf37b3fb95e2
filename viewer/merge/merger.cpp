#include "merger.hpp"

#include "../readers/reader.hpp"

namespace ltt::viewer {

merger::merger(std::vector<event_stream*> streams) {
    heads_.reserve(streams.size());
    for (event_stream* s : streams)
        heads_.push_back(head{{}, s, 0});
    for (std::size_t i = 0; i < heads_.size(); ++i) {
        if (advance(heads_[i])) {
            heap_.push_back(i);
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

bool merger::before(std::size_t a, std::size_t b) const noexcept {
    const head& x = heads_[a];
    const head& y = heads_[b];
    if (x.ev.ts != y.ev.ts)
        return x.ev.ts < y.ev.ts;
    return x.ev.stream->index < y.ev.stream->index;
}

void merger::sift_up(std::size_t i) noexcept {
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (!before(heap_[i], heap_[parent]))
            break;
        std::swap(heap_[i], heap_[parent]);
        i = parent;
    }
}

void merger::sift_down(std::size_t i) noexcept {
    const std::size_t n = heap_.size();
    for (;;) {
        const std::size_t l = 2 * i + 1;
        if (l >= n)
            return;
        std::size_t m = l;
        if (l + 1 < n && before(heap_[l + 1], heap_[l]))
            m = l + 1;
        if (!before(heap_[m], heap_[i]))
            return;
        std::swap(heap_[i], heap_[m]);
        i = m;
    }
}

bool merger::next(event& out) {
    // The stream whose event went out last time moves on only now, so that
    // event's payload stayed valid while the caller used it.
    if (pending_ != static_cast<std::size_t>(-1)) {
        if (advance(heads_[pending_])) {
            sift_down(0);
        } else {
            heap_[0] = heap_.back();
            heap_.pop_back();
            if (!heap_.empty())
                sift_down(0);
        }
        pending_ = static_cast<std::size_t>(-1);
    }
    if (heap_.empty())
        return false;
    pending_ = heap_[0];
    out = heads_[pending_].ev;
    return true;
}

} // namespace ltt::viewer
