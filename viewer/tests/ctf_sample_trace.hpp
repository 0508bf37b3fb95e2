// tests/ctf_sample_trace.hpp - a small CTF 1.8 trace built by hand, with
// known contents: the answers the generic CTF reader's tests check, and the
// fixed metadata and seed streams of its fuzzer.
//
// One stream (cpu_id 1, LTTng-like kernel env, monotonic clock at
// 1.6e9 s from the Unix epoch, stream event context `_tid`) of three
// packets:
//   packet 0 (seq 0, events_discarded 0), timestamps 1000..1999:
//     1000 sched_switch  swapper/1 (tid 0, prio 20, state 0) -> bash (tid 42, prio 20)
//     1100 irq_handler_entry  irq 11 "eth0"
//     1200 fuzz_types  state 1 (BLOCKED), ratio 0.25, flags 0xbeef, delta -3,
//                      pair { a = 7, b = "x" }, len 3, values [1, 2, 3],
//                      comm "abc", fixed [4, 5, 6], v BLOCKED = "blk"
//     1300 empty
//   packet 1 (seq 1, events_discarded 4: 4 lost since packet 0), 2000..2999:
//     2100 fuzz_types  state 5 (MANY), ratio -1.5, flags 0x1, delta 100,
//                      pair { a = 0, b = "" }, len 0, values [], comm "" ,
//                      fixed [0, 0, 0], v MANY = 9
//   packet 2 (seq 3: packet 2 lost; events_discarded still 4), 4000..4999:
//     4100 irq_handler_entry  irq 300 "nvme"
// Every event has _tid 42 except the first (0).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace ltt::viewer::test {

// TSDL text of the trace's metadata.
std::string_view sample_metadata();

// The stream file's bytes: the first `packets` packets (1 to 3).
std::vector<std::byte> sample_stream(int packets = 3);

// Writes `dir`/metadata and `dir`/stream_0 (the directory is created).
void write_sample_trace(const std::filesystem::path& dir);

// The clock's offset: Unix ns of clock value 0.
inline constexpr std::uint64_t sample_clock_offset_ns = 1'600'000'000'000'000'000ull;

} // namespace ltt::viewer::test
