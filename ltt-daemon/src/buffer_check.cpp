#include "buffer_check.hpp"

#include <lttd/directory_layout.hpp>
#include <lttd/size_parse.hpp>

#include <ltt/ring_layout.h>

#include <fmt/format.h>

#include <cstring>

namespace lttd {

namespace {

std::uint32_t load32(const std::uint32_t* p) {
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

std::uint64_t load64(const std::uint64_t* p) {
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

} // namespace

std::optional<std::string> check_positions(std::uint64_t offset, std::uint64_t consumed,
                                           const channel_info& channel) {
    const std::uint64_t subbuf = channel.subbuf_size();
    const std::uint64_t buf = subbuf << channel.nr_subbufs_order;
    const std::uint64_t offset_up = (offset + subbuf - 1) & ~(subbuf - 1);
    const bool bad = (consumed & (subbuf - 1)) != 0 || offset_up < offset || consumed > offset_up ||
                     (channel.mode == ltt::ring_mode::discard && offset - consumed > buf);
    if (!bad)
        return std::nullopt;
    return fmt::format("positions out of range: write position {}, consumed position {} "
                       "({} sub-buffers of {} bytes, {} mode)",
                       offset, consumed, channel.subbuf_count(), subbuf, to_string(channel.mode));
}

std::optional<std::string> check_slot_entries(const ltt_buf_ctl* ctl, std::uint32_t nr_subbufs) {
    const auto* slots = ltt_ctl_slots(const_cast<ltt_buf_ctl*>(ctl));
    for (std::uint32_t i = 0; i < nr_subbufs; i++) {
        const std::uint64_t e = load64(&slots[i].entry);
        if (ltt_entry_phys(e) > nr_subbufs)
            return fmt::format("slot {} names sub-buffer {}, but there are only {} (0 to {})", i,
                               ltt_entry_phys(e), nr_subbufs + 1, nr_subbufs);
    }
    return std::nullopt;
}

bool slot_entries_sane(const ltt_buf_ctl* ctl, std::uint32_t nr_subbufs) noexcept {
    const auto* slots = ltt_ctl_slots(const_cast<ltt_buf_ctl*>(ctl));
    for (std::uint32_t i = 0; i < nr_subbufs; i++)
        if (ltt_entry_phys(load64(&slots[i].entry)) > nr_subbufs)
            return false;
    return true;
}

std::optional<std::string> check_buffer_header(const ltt_buf_ctl* ctl, std::uint32_t cpu,
                                               const channel_info& channel,
                                               std::string_view authority, std::string_view whose) {
    const std::uint32_t magic = load32(&ctl->magic);
    if (magic != LTT_BUF_MAGIC)
        return fmt::format("wrong magic 0x{:08x} (a buffer starts with 0x{:08x}, \"LTTB\"; "
                           "0 means not initialised yet)",
                           magic, LTT_BUF_MAGIC);
    if (const auto v = load32(&ctl->version); v != LTT_BUF_VERSION)
        return fmt::format("buffer version {}, this lttd reads version {}", v, LTT_BUF_VERSION);
    if (const auto c = load32(&ctl->cpu); c != cpu)
        return fmt::format("header says cpu {}, but {}", c, whose);
    const auto expect = [&](std::string_view what, std::uint32_t got,
                            std::uint32_t want) -> std::optional<std::string> {
        if (got == want)
            return std::nullopt;
        return fmt::format("header says {} {}, {} says {}", what, got, authority, want);
    };
    if (auto p = expect("mode", load32(&ctl->mode), ltt::to_ltt_mode(channel.mode)))
        return p;
    if (auto p = expect("header type", load32(&ctl->header_type),
                        channel.header == ltt::event_header_kind::compact ? LTT_HDR_COMPACT
                                                                          : LTT_HDR_LARGE))
        return p;
    if (auto p = expect("sub-buffer order", load32(&ctl->subbuf_order), channel.subbuf_order))
        return p;
    if (auto p = expect("sub-buffer count order", load32(&ctl->nr_subbufs_order),
                        channel.nr_subbufs_order))
        return p;
    if (std::memcmp(ctl->uuid, channel.uuid.data(), LTT_UUID_LEN) != 0) {
        ltt::uuid u{};
        std::memcpy(u.data(), ctl->uuid, u.size());
        return fmt::format("header has trace uuid {}, {} says {}", ltt::uuid_to_string(u),
                           authority, ltt::uuid_to_string(channel.uuid));
    }
    return std::nullopt;
}

std::optional<std::string> check_buffer_file(const std::byte* base, std::uint64_t size,
                                             std::uint32_t cpu, const channel_info& channel) {
    const buffer_file_layout layout = layout_for(channel.subbuf_order, channel.nr_subbufs_order);
    if (size < sizeof(ltt_buf_ctl))
        return fmt::format("{} bytes, too small for a buffer header ({} bytes)", size,
                           sizeof(ltt_buf_ctl));
    const auto* ctl = reinterpret_cast<const ltt_buf_ctl*>(base);
    if (auto p = check_buffer_header(ctl, cpu, channel, "channel.json",
                                     fmt::format("the file is {}", buffer_file_name(cpu))))
        return p;
    if (size != layout.file_size)
        return fmt::format("{} bytes, but {} sub-buffers of {} need exactly {} (control {} + "
                           "consumer page {} + data {})",
                           size, channel.subbuf_count(), format_size(channel.subbuf_size()),
                           layout.file_size, layout.cons_offset, layout_page_size,
                           layout.data_size);
    const auto* cons = reinterpret_cast<const ltt_consumer_page*>(base + layout.cons_offset);
    if (auto p = check_positions(load64(&ctl->offset), load64(&cons->consumed), channel))
        return p;
    if (channel.mode == ltt::ring_mode::overwrite)
        if (auto p = check_slot_entries(ctl, channel.subbuf_count()))
            return p;
    return std::nullopt;
}

} // namespace lttd
