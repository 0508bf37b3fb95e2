// buffer_consumer.hpp - lttd's reader of one CPU's buffer (ltt/ring_reader.h):
// takes complete sub-buffers, oldest first, hands each whole packet to a
// sink, gives the sub-buffer back. Also reads the buffer's counters for
// status (fill level, records committed, losses by kind).
//
// The memory may be hostile: the reader validates positions and packets; a
// buffer whose positions go out of range, or whose file shrinks under the
// mapping (bus_guard.hpp), is marked broken (with the reason) and never read
// again; a corrupt packet is skipped and counted. Packets are copied out of
// the mapping before they are checked and written, so the sub-buffer goes
// back to the writer at once and nothing the writer does can change a packet
// between its check and its write.
#pragma once

#include "source.hpp"

#include <ltt/ring_layout.h>
#include <ltt/ring_reader.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace lttd {

// Where drained packets go (a trace being recorded, or a snapshot).
class packet_sink {
public:
    virtual ~packet_sink() = default;
    // Writes one whole packet of CPU `cpu` holding `records` records.
    // Returns why it refused the packet (header or order not acceptable), or
    // nullopt when written; throws std::system_error when writing failed.
    virtual std::optional<std::string>
    write_packet(std::uint32_t cpu, std::span<const std::byte> packet, std::uint64_t records) = 0;
};

class buffer_consumer {
public:
    // source_error when the reader refuses the memory. With a `lender`,
    // overwrite-mode sub-buffers are borrowed from it instead of swapped in
    // place.
    buffer_consumer(const buffer_view& view, const channel_info& channel,
                    subbuf_lender* lender = nullptr);

    // Takes up to `max` complete sub-buffers into `sink`; returns how many
    // it took (refused ones included). Exceptions from the sink propagate
    // after the sub-buffer is given back.
    std::size_t drain(packet_sink& sink, std::size_t max);

    std::uint32_t cpu() const noexcept { return cpu_; }
    // The buffer cannot be used any more (the source found out).
    void set_broken(std::string why) { mark_broken(std::move(why)); }
    bool broken() const noexcept { return broken_; }
    // Why it is broken, or the last packet refused.
    const std::string& problem() const noexcept { return problem_; }
    std::uint64_t packets_refused() const noexcept { return refused_; }

    // Sub-buffers closed by the writer but not complete yet (a record being
    // committed): they become readable without any notification.
    std::uint64_t closed_not_ready() const noexcept;

    std::array<std::uint64_t, LTT_LOST_NR> lost() const noexcept;
    std::uint64_t lost_total() const noexcept;
    std::uint64_t records_committed() const noexcept;
    // Invalid consumer positions the writer found (and refused) in the
    // consumer page: garbage there stops the CPU's trace, it is shown.
    std::uint64_t consumer_errors() const noexcept;
    std::uint64_t fill_bytes() const noexcept;
    std::uint64_t buffer_bytes() const noexcept { return reader_.subbuf_size * reader_.nr_subbufs; }

private:
    std::uint64_t records_of_held() noexcept;
    std::size_t drain_lent(packet_sink& sink, std::size_t max);
    // Counters are read for status too (const): a fault there breaks the
    // buffer as well.
    void mark_broken(std::string why) const;

    ltt_reader reader_{};
    std::uint32_t cpu_ = 0;
    channel_info channel_;
    subbuf_lender* lender_ = nullptr;
    std::uint64_t data_len_ = 0;
    std::unique_ptr<std::byte[]> copy_; // one packet, out of the mapping
    // The first header bytes of the packet read from the mapping again after
    // the copy, before the sub-buffer is given back: when a packet is
    // refused, both go into the problem so a copy gone wrong and memory that
    // changed can be told apart (a refused Xen packet's uuid bytes were once
    // seen replaced by what looked like record data).
    std::array<std::byte, 32> header_again_{};
    std::vector<std::uint64_t> records_seen_; // discard mode: per slot
    mutable bool broken_ = false;
    mutable std::string problem_;
    std::uint64_t refused_ = 0;
};

} // namespace lttd
