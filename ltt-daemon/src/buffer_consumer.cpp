#include "buffer_consumer.hpp"

#include "buffer_check.hpp"

#include <fmt/format.h>

#include <system_error>

namespace lttd {

namespace {

std::uint64_t load(const std::uint64_t* p) noexcept {
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

} // namespace

buffer_consumer::buffer_consumer(const buffer_view& view, const channel_info& channel)
    : cpu_(view.cpu), channel_(channel) {
    if (ltt_reader_init(&reader_, view.ctl, view.ctl_len, view.cons, view.data, view.data_len) !=
        LTT_READER_OK)
        throw source_error(fmt::format("cpu {}: the ring reader refuses the buffer memory", cpu_));
    // Discard mode counts a packet's records as the growth of its slot's
    // cumulative count. Slots whose next unread use has not been opened yet
    // only hold records already consumed; with nothing consumed, none.
    records_seen_.assign(reader_.nr_subbufs, 0);
    const std::uint64_t consumed = load(&reader_.cons->consumed);
    const std::uint64_t wpos = ltt_reader_write_pos(&reader_);
    for (std::uint32_t s = 0; s < reader_.nr_subbufs && consumed != 0; s++) {
        const std::uint64_t first = consumed >> reader_.subbuf_order;
        const std::uint64_t next_use =
            first + ((s - first % reader_.nr_subbufs) + reader_.nr_subbufs) % reader_.nr_subbufs;
        if ((next_use << reader_.subbuf_order) >= wpos)
            records_seen_[s] = load(&reader_.slots[s].records);
    }
}

std::uint64_t buffer_consumer::records_of_held() noexcept {
    const std::uint32_t slot = static_cast<std::uint32_t>(reader_.pos) & (reader_.nr_subbufs - 1);
    const std::uint64_t records = load(&reader_.slots[slot].records);
    if (reader_.mode == LTT_MODE_OVERWRITE)
        return records - load(&reader_.slots[slot].rec_base);
    const std::uint64_t n = records - records_seen_[slot];
    records_seen_[slot] = records;
    return n;
}

std::size_t buffer_consumer::drain(packet_sink& sink, std::size_t max) {
    std::size_t taken = 0;
    while (!broken_ && taken < max) {
        if (reader_.mode == LTT_MODE_OVERWRITE) {
            if (auto p = check_slot_entries(reader_.ctl, reader_.nr_subbufs)) {
                broken_ = true;
                problem_ = *p;
                break;
            }
        }
        ltt_subbuf sb{};
        const int r = ltt_reader_get(&reader_, &sb);
        if (r == LTT_READER_EMPTY)
            break;
        if (r == LTT_READER_INVALID && !reader_.holding) {
            broken_ = true;
            problem_ = check_positions(ltt_reader_write_pos(&reader_),
                                       load(&reader_.cons->consumed), channel_)
                           .value_or(fmt::format("positions out of range: write position {}, "
                                                 "reader at sub-buffer {}",
                                                 ltt_reader_write_pos(&reader_), reader_.pos));
            break;
        }
        taken++;
        // Give the sub-buffer back whatever happens below.
        struct put_guard {
            ltt_reader* r;
            ~put_guard() { ltt_reader_put(r); }
        } guard{&reader_};
        const std::uint64_t records = records_of_held();
        if (r == LTT_READER_INVALID) {
            refused_++;
            problem_ =
                fmt::format("cpu {}: corrupt packet in sub-buffer {} skipped", cpu_, reader_.pos);
            continue;
        }
        const auto* bytes = reinterpret_cast<const std::byte*>(sb.packet);
        if (auto why = sink.write_packet(cpu_, {bytes, sb.size}, records)) {
            refused_++;
            problem_ = std::move(*why);
        }
    }
    return taken;
}

std::uint64_t buffer_consumer::closed_not_ready() const noexcept {
    if (broken_)
        return 0;
    const std::uint64_t cur = ltt_reader_write_pos(&reader_) >> reader_.subbuf_order;
    if (reader_.mode == LTT_MODE_OVERWRITE)
        return 0; // the reader skips what is not ready; nothing waits on it
    return cur > reader_.pos ? cur - reader_.pos : 0;
}

std::array<std::uint64_t, LTT_LOST_NR> buffer_consumer::lost() const noexcept {
    std::array<std::uint64_t, LTT_LOST_NR> out{};
    for (unsigned k = 0; k < LTT_LOST_NR; k++)
        out[k] = load(&reader_.ctl->lost[k]);
    return out;
}

std::uint64_t buffer_consumer::lost_total() const noexcept {
    std::uint64_t sum = 0;
    for (const auto n : lost())
        sum += n;
    return sum;
}

std::uint64_t buffer_consumer::records_committed() const noexcept {
    std::uint64_t sum = 0;
    for (std::uint32_t s = 0; s < reader_.nr_subbufs; s++)
        sum += load(&reader_.slots[s].records);
    return sum;
}

std::uint64_t buffer_consumer::fill_bytes() const noexcept {
    const std::uint64_t wpos = ltt_reader_write_pos(&reader_);
    const std::uint64_t read = reader_.pos << reader_.subbuf_order;
    const std::uint64_t used = wpos > read ? wpos - read : 0;
    return std::min(used, buffer_bytes());
}

} // namespace lttd
