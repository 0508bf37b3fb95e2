// buffer_check.hpp - validation of buffer memory lttd did not write (a
// buffer file from a producer, possibly broken or hostile) before lttd reads
// or flushes it: the header against the channel, the size against the
// geometry, the positions against each other. ltt_reader_init() checks the
// geometry too; this says precisely what is wrong, for the user.
#pragma once

#include "source.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct ltt_buf_ctl;

namespace lttd {

// The problem with a buffer's control header for CPU `cpu` of `channel`
// (magic, version, cpu, mode, header type, geometry, uuid), or nullopt.
// In messages, `authority` names where the channel's values come from and
// `whose` which CPU the buffer was taken for ("the file is cpu1.ltt").
std::optional<std::string> check_buffer_header(const ltt_buf_ctl* ctl, std::uint32_t cpu,
                                               const channel_info& channel,
                                               std::string_view authority, std::string_view whose);

// The problem with a whole buffer file of `size` bytes mapped at `base` for
// CPU `cpu` of `channel` (layout: lttd/directory_layout.hpp), or nullopt.
std::optional<std::string> check_buffer_file(const std::byte* base, std::uint64_t size,
                                             std::uint32_t cpu, const channel_info& channel);

// The problem with the write and consumed positions, or nullopt.
std::optional<std::string> check_positions(std::uint64_t offset, std::uint64_t consumed,
                                           const channel_info& channel);

// Overwrite mode: every slot's entry must name one of the n + 1 physical
// sub-buffers, or the ring's code would address memory past the data.
std::optional<std::string> check_slot_entries(const ltt_buf_ctl* ctl, std::uint32_t nr_subbufs);
// The same check without building a message (allocates nothing).
bool slot_entries_sane(const ltt_buf_ctl* ctl, std::uint32_t nr_subbufs) noexcept;

} // namespace lttd
