// lttd/directory_layout.hpp - the directory source's layout: the contract
// between a producer (ltt-stress, the guest kernel module) and lttd, for C++.
// The definition is include/ltt/directory_layout.h, which the kernel module
// compiles too; ltt-daemon/README.md describes it in full.
//
//   channel.json   the channel (lttd/channel_file.hpp), written before any
//                  buffer file
//   cpu<N>.ltt     one ring buffer per CPU:
//                    [struct ltt_buf_ctl + slots, padded to 4096]
//                    [struct ltt_consumer_page, padded to 4096]
//                    [data: ltt_data_size() bytes]
//                  initialised under another name, then renamed into place
//   enable.map     one byte per event id (LTT_USER_MAX_EVENTS bytes), written
//                  by lttd: non-zero = enabled; all zero = stopped
//   notify         a FIFO the producer writes a byte to (non-blocking) when
//                  one of its buffers completes a sub-buffer
#pragma once

#include <ltt/directory_layout.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lttd {

inline constexpr std::string_view channel_file_name = LTT_DIR_CHANNEL_FILE;
inline constexpr std::string_view enable_map_name = LTT_DIR_ENABLE_MAP;
inline constexpr std::string_view notify_fifo_name = LTT_DIR_NOTIFY_FIFO;
inline constexpr std::uint64_t layout_page_size = LTT_DIR_PAGE_SIZE;
inline constexpr std::uint64_t enable_map_size = LTT_DIR_ENABLE_MAP_SIZE;
inline constexpr std::uint32_t max_cpus = LTT_DIR_MAX_CPUS;

// Where the three pieces of a buffer file are, for one geometry.
struct buffer_file_layout {
    std::uint64_t ctl_offset = 0;
    std::uint64_t ctl_size = 0; // ltt_ctl_size(): what the control part really uses
    std::uint64_t cons_offset = 0;
    std::uint64_t data_offset = 0;
    std::uint64_t data_size = 0; // ltt_data_size()
    std::uint64_t file_size = 0; // the exact size the file must have
};

// Orders as in struct ltt_buf_config (not validated here).
buffer_file_layout layout_for(std::uint32_t subbuf_order, std::uint32_t nr_subbufs_order);

// "cpu3.ltt".
std::string buffer_file_name(std::uint32_t cpu);

// The CPU a buffer file name stands for: exactly "cpu<N>.ltt", N decimal
// without leading zeros and below max_cpus; nullopt for any other name.
std::optional<std::uint32_t> cpu_of_buffer_file(std::string_view name);

} // namespace lttd
