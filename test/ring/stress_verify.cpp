#include "stress_verify.hpp"

#include "stress_record.hpp"

#include <ltt/event_header.hpp>
#include <ltt/packet_header.hpp>

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <cstdlib>
#include <span>

namespace ltt::stress {

namespace {

std::uint32_t le32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

} // namespace

cpu_result verify_cpu(std::uint32_t cpu, const std::vector<std::vector<std::uint8_t>>& packets,
                      bool compact_header) {
    cpu_result res;
    const auto kind = compact_header ? event_header_kind::compact : event_header_kind::large;
    std::array<std::uint64_t, 2> next_seq{}; // per source: lowest acceptable seq
    std::array<bool, 2> seen{};
    std::uint64_t last_tsc = 0;
    std::uint64_t prev_packet_seq = 0;
    std::uint64_t cur_seq = 0;
    std::uint64_t prev_end = 0;
    auto fail = [&](std::string msg) {
        if (res.errors.size() < 20)
            res.errors.push_back(
                fmt::format("cpu {} packet {} (seq {}): {}", cpu, res.packets, cur_seq, msg));
    };

    for (const auto& pk : packets) {
        if (pk.size() < packet_header_size) {
            fail("shorter than a packet header");
            continue;
        }
        auto bytes = std::as_bytes(std::span(pk));
        const packet_header h = decode_packet_header(bytes.first<packet_header_size>());
        cur_seq = h.packet_seq_num;
        if (std::getenv("LTT_STRESS_DEBUG"))
            fmt::print(stderr, "cpu {} seq {} begin {} end {} content {} size {} disc {}\n", cpu,
                       h.packet_seq_num, h.timestamp_begin, h.timestamp_end, h.content_size / 8,
                       h.packet_size / 8, h.events_discarded);
        if (h.magic != ctf_magic || h.stream_instance_id != cpu || h.cpu_id != cpu)
            fail("bad magic or cpu");
        if (h.content_size % 8 || h.content_size / 8 > pk.size() || h.packet_size / 8 != pk.size())
            fail(fmt::format("sizes content {} packet {} bytes {}", h.content_size, h.packet_size,
                             pk.size()));
        if (res.packets == 0) {
            res.first_discarded = h.events_discarded;
        } else {
            if (h.packet_seq_num <= prev_packet_seq)
                fail("packet_seq_num not increasing");
            res.packet_seq_gaps += h.packet_seq_num - prev_packet_seq - 1;
            if (h.events_discarded < res.last_discarded)
                fail("events_discarded decreased");
        }
        if (h.timestamp_begin < last_tsc || h.timestamp_end < h.timestamp_begin)
            fail("packet timestamps out of order");
        if (res.packets && h.timestamp_begin < prev_end)
            fail(fmt::format("packet begins {} cycles before the previous one ended",
                             prev_end - h.timestamp_begin));
        prev_end = h.timestamp_end;
        prev_packet_seq = h.packet_seq_num;
        res.last_discarded = h.events_discarded;
        res.packets++;

        std::uint64_t prev = h.timestamp_begin;
        std::size_t off = packet_header_size;
        const std::size_t end = std::min<std::size_t>(h.content_size / 8, pk.size());
        while (off < end) {
            event_header eh{};
            if (!decode_event_header(bytes.subspan(off, end - off), kind, eh)) {
                fail("truncated event header");
                break;
            }
            const std::uint64_t tsc =
                eh.extended ? eh.timestamp : rebuild_tsc(prev, eh.timestamp, timestamp_bits(kind));
            off += eh.size;
            if (eh.id >= event_count || off + payload_len(eh.id) > end) {
                fail(fmt::format("bad record id {} at {}", eh.id, off));
                break;
            }
            const std::uint8_t* p = pk.data() + off;
            const unsigned src = p[0];
            const std::uint32_t seq = le32(p + 2);
            if (src > 1 || p[1] != cpu) {
                fail("torn record (source/cpu)");
            } else {
                if (seen[src] && seq < next_seq[src])
                    fail(fmt::format("source {} seq {} after {} (duplicate or out of order)", src,
                                     seq, next_seq[src] - 1));
                seen[src] = true;
                next_seq[src] = std::uint64_t{seq} + 1;
            }
            for (std::uint32_t i = 0; i < fill_len[eh.id]; i++)
                if (p[fixed_len + i] != fill_byte(seq, i)) {
                    fail(fmt::format("torn record: seq {} fill byte {}", seq, i));
                    break;
                }
            if (tsc < prev)
                fail("timestamp went backwards");
            prev = tsc;
            off += payload_len(eh.id);
            res.records++;
        }
        last_tsc = prev;
        if (h.timestamp_end < last_tsc)
            fail(fmt::format("timestamp_end before the last record by {} cycles",
                             last_tsc - h.timestamp_end));
    }
    return res;
}

} // namespace ltt::stress
