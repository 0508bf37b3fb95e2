#include "buffer_consumer.hpp"

#include "buffer_check.hpp"
#include "bus_guard.hpp"

#include <fmt/format.h>

#include <cstring>
#include <system_error>

namespace lttd {

namespace {

std::uint64_t load(const std::uint64_t* p) noexcept {
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

constexpr const char* shrank = "the buffer file shrank while mapped (truncated?); no longer read";

std::string hex(std::span<const std::byte> bytes) {
    std::string s;
    for (const std::byte b : bytes)
        s += fmt::format("{:02x}", std::to_integer<unsigned>(b));
    return s;
}

// Why a packet was refused, with its first header bytes as copied and as
// the mapping held them just after the copy.
std::string refusal(std::string why, const std::byte* copy,
                    const std::array<std::byte, 32>& again) {
    return fmt::format("{} (header bytes 0-31 as copied {}, in the buffer after the copy {})", why,
                       hex({copy, again.size()}), hex(again));
}

} // namespace

buffer_consumer::buffer_consumer(const buffer_view& view, const channel_info& channel,
                                 subbuf_lender* lender)
    : cpu_(view.cpu), channel_(channel), lender_(lender), data_len_(view.data_len),
      copy_(new std::byte[channel.subbuf_size()]) {
    int init = LTT_READER_INVALID;
    records_seen_.assign(channel.subbuf_count(), 0);
    const bool read = bus_guard::run([&] {
        init =
            ltt_reader_init(&reader_, view.ctl, view.ctl_len, view.cons, view.data, view.data_len);
        if (init != LTT_READER_OK)
            return;
        // Discard mode counts a packet's records as the growth of its slot's
        // cumulative count. Slots whose next unread use has not been opened
        // yet only hold records already consumed; with nothing consumed, none.
        const std::uint64_t consumed = load(&reader_.cons->consumed);
        const std::uint64_t wpos = ltt_reader_write_pos(&reader_);
        const std::uint64_t n = reader_.nr_subbufs;
        for (std::uint32_t s = 0; s < n && consumed != 0; s++) {
            const std::uint64_t first = consumed >> reader_.subbuf_order;
            const std::uint64_t next_use = first + ((s - first % n) + n) % n;
            if ((next_use << reader_.subbuf_order) >= wpos)
                records_seen_[s] = load(&reader_.slots[s].records);
        }
    });
    if (!read || init != LTT_READER_OK)
        throw source_error(fmt::format("cpu {}: the ring reader refuses the buffer memory{}", cpu_,
                                       read ? "" : " (the file shrank)"));
    // Packets are copied into copy_, sized from the channel: memory that
    // claims another geometry than the channel's is refused.
    if (reader_.subbuf_size != channel.subbuf_size() ||
        reader_.nr_subbufs != channel.subbuf_count())
        throw source_error(fmt::format("cpu {}: the buffer says {} x {} byte sub-buffers, the "
                                       "channel {} x {}",
                                       cpu_, reader_.nr_subbufs, reader_.subbuf_size,
                                       channel.subbuf_count(), channel.subbuf_size()));
}

void buffer_consumer::mark_broken(std::string why) const {
    broken_ = true;
    problem_ = std::move(why);
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

// Overwrite mode with a lender (Xen): it swaps the oldest complete
// sub-buffer out of the ring and lends it; the packet is copied out of the
// data mapping, given back, then checked and written like any other.
std::size_t buffer_consumer::drain_lent(packet_sink& sink, std::size_t max) {
    std::size_t taken = 0;
    while (!broken_ && taken < max) {
        std::optional<lent_subbuf> sb;
        try {
            sb = lender_->get(cpu_);
        } catch (const source_error& e) {
            mark_broken(e.what());
            break;
        }
        if (!sb)
            break;
        taken++;
        // The lender is trusted less than the memory is: its offset and
        // size must describe a packet inside the data mapping.
        const std::uint64_t size = sb->size, off = sb->offset;
        const bool in_range = size >= LTT_PKT_HEADER_SIZE && size <= channel_.subbuf_size() &&
                              off <= data_len_ && size <= data_len_ - off &&
                              off % channel_.subbuf_size() == 0;
        std::uint64_t records = 0;
        bool read = true;
        if (!sb->corrupt && in_range)
            read = bus_guard::run([&] {
                std::memcpy(copy_.get(), reader_.data + off, size);
                // Its slot still carries the sub-buffer's record counts
                // (tagged with its sequence number) until the writer comes
                // round again, n - 1 sub-buffers later.
                const auto& slot = reader_.slots[sb->seq & (reader_.nr_subbufs - 1)];
                const std::uint64_t e = load(&slot.entry);
                const std::uint64_t n = load(&slot.records), base = load(&slot.rec_base);
                if (ltt_entry_is_for(e, sb->seq) && n >= base)
                    records = n - base;
            });
        try {
            lender_->put(cpu_);
        } catch (const source_error& e) {
            mark_broken(e.what());
            break;
        }
        if (!read) {
            mark_broken(shrank);
            break;
        }
        if (sb->corrupt || !in_range) {
            refused_++;
            problem_ = sb->corrupt
                           ? fmt::format("cpu {}: corrupt packet skipped", cpu_)
                           : fmt::format("cpu {}: lent sub-buffer out of range (offset {}, size "
                                         "{}, data {} bytes); skipped",
                                         cpu_, off, size, data_len_);
            continue;
        }
        if (auto why = sink.write_packet(cpu_, {copy_.get(), size}, records)) {
            refused_++;
            problem_ = std::move(*why);
        }
    }
    return taken;
}

std::size_t buffer_consumer::drain(packet_sink& sink, std::size_t max) {
    if (lender_ && reader_.mode == LTT_MODE_OVERWRITE)
        return drain_lent(sink, max);
    enum class outcome { empty, packet, corrupt, bad_positions, bad_slots };
    std::size_t taken = 0;
    while (!broken_ && taken < max) {
        // Everything that touches the mapping happens under the SIGBUS guard
        // and owns nothing: the packet is copied out, the sub-buffer given
        // back, and only then is the copy checked and written.
        outcome out = outcome::empty;
        std::uint64_t size = 0, records = 0, wpos = 0, consumed = 0;
        const bool read = bus_guard::run([&] {
            if (reader_.mode == LTT_MODE_OVERWRITE &&
                !slot_entries_sane(reader_.ctl, reader_.nr_subbufs)) {
                out = outcome::bad_slots;
                return;
            }
            ltt_subbuf sb{};
            const int r = ltt_reader_get(&reader_, &sb);
            if (r == LTT_READER_EMPTY)
                return;
            if (r == LTT_READER_INVALID && !reader_.holding) {
                out = outcome::bad_positions;
                wpos = ltt_reader_write_pos(&reader_);
                consumed = load(&reader_.cons->consumed);
                return;
            }
            records = records_of_held();
            if (r == LTT_READER_OK) {
                size = sb.size; // at most a sub-buffer: the reader checked
                std::memcpy(copy_.get(), sb.packet, size);
                std::memcpy(header_again_.data(), sb.packet, header_again_.size());
                out = outcome::packet;
            } else {
                out = outcome::corrupt;
            }
            ltt_reader_put(&reader_);
        });
        if (!read) {
            mark_broken(shrank);
            break;
        }
        if (out == outcome::empty)
            break;
        if (out == outcome::bad_slots) {
            mark_broken(check_slot_entries(reader_.ctl, reader_.nr_subbufs)
                            .value_or("overwrite slot entries out of range"));
            break;
        }
        if (out == outcome::bad_positions) {
            mark_broken(check_positions(wpos, consumed, channel_)
                            .value_or(fmt::format("positions out of range: write position {}, "
                                                  "reader at sub-buffer {}",
                                                  wpos, reader_.pos)));
            break;
        }
        taken++;
        if (out == outcome::corrupt) {
            refused_++;
            problem_ = fmt::format("cpu {}: corrupt packet skipped", cpu_);
            continue;
        }
        if (auto why = sink.write_packet(cpu_, {copy_.get(), size}, records)) {
            refused_++;
            problem_ = refusal(std::move(*why), copy_.get(), header_again_);
        }
    }
    return taken;
}

std::uint64_t buffer_consumer::closed_not_ready() const noexcept {
    if (broken_ || reader_.mode == LTT_MODE_OVERWRITE)
        return 0; // the overwrite reader skips what is not ready; nothing waits
    std::uint64_t cur = 0;
    if (!bus_guard::run([&] { cur = ltt_reader_write_pos(&reader_) >> reader_.subbuf_order; })) {
        mark_broken(shrank);
        return 0;
    }
    return cur > reader_.pos ? cur - reader_.pos : 0;
}

std::array<std::uint64_t, LTT_LOST_NR> buffer_consumer::lost() const noexcept {
    std::array<std::uint64_t, LTT_LOST_NR> out{};
    if (!bus_guard::run([&] {
            for (unsigned k = 0; k < LTT_LOST_NR; k++)
                out[k] = load(&reader_.ctl->lost[k]);
        }))
        mark_broken(shrank);
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
    if (!bus_guard::run([&] {
            for (std::uint32_t s = 0; s < reader_.nr_subbufs; s++)
                sum += load(&reader_.slots[s].records);
        }))
        mark_broken(shrank);
    return sum;
}

std::uint64_t buffer_consumer::consumer_errors() const noexcept {
    std::uint64_t n = 0;
    if (!bus_guard::run([&] { n = load(&reader_.ctl->consumer_errors); }))
        mark_broken(shrank);
    return n;
}

std::uint64_t buffer_consumer::fill_bytes() const noexcept {
    std::uint64_t wpos = 0;
    if (!bus_guard::run([&] { wpos = ltt_reader_write_pos(&reader_); })) {
        mark_broken(shrank);
        return 0;
    }
    const std::uint64_t read = reader_.pos << reader_.subbuf_order;
    const std::uint64_t used = wpos > read ? wpos - read : 0;
    return std::min(used, buffer_bytes());
}

} // namespace lttd
