// ltt-bench-ring: what a genevent-generated Xen tracepoint costs in user space.
//
// The tracepoint is the real one, ltt_trace_sched_switch() of
// facilities/xen/sched.xml as genevent's xen target writes it, compiled
// against <ltt-env.h> of libltt/env: the thread's buffer is
// ltt_user_current_buf, the enable bytes ltt_event_enabled[]. It writes into
// a flight recorder: a user-space ltt_buf in overwrite mode, what an lttng
// snapshot session is for lttng-ust.
//
//   ltt_enabled_overwrite      enabled, one record per call
//   ltt_disabled/batch:16      disabled: 16 calls per iteration (the
//                              benchmark loop's own cost amortised), the
//                              enable byte reloaded before each (ClobberMemory)
//   ltt_disabled/batch:1       disabled, one call per iteration (loop included)
//   context/rdtsc, context/cmpxchg   the write path's primitives alone
//
// items_per_second is events per second; ns/event = 1e9 / items_per_second.
// Afterwards the recorder is snapshotted like lttd would: the current packet
// is closed, the readable packets are decoded with libltt's packet reader and
// every record must be the sched_switch written, and records read + records
// counted overwritten must equal the calls made. A failed check is an error
// (exit 1): a benchmark whose tracer did not record would be a lie.
//
//   ltt-bench-ring [benchmark flags] [--cpu N] [--check-out FILE]
//                  [--subbuf-order 18] [--subbufs-order 2]
#include "pin_cpu.hpp"

#include <ltt-env.h>
#include <ltt/descriptor_sizes.hpp>
#include <ltt/packet_reader.hpp>
#include <ltt/ring.h>
#include <ltt/ring_reader.h>
#include <xen/facilities.hpp>

// The generated Xen tracepoints (on the -iquote path: their names, sched.h,
// time.h, would shadow the C library's).
#include "ltt-facilities.h"
#include "sched.h"

#include <CLI/CLI.hpp>
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sched.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <fstream>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace {

// The flight recorder: one buffer, the benchmark thread its only writer.
struct flight_recorder {
    std::vector<std::uint8_t> ctl, data;
    ltt_consumer_page cons{};
    ltt_buf writer{};
    ltt_buf_config cfg{};

    bool init(unsigned subbuf_order, unsigned nr_subbufs_order, unsigned cpu) {
        cfg.mode = LTT_MODE_OVERWRITE;
        cfg.header_type = LTT_HEADER_TYPE;
        cfg.subbuf_order = subbuf_order;
        cfg.nr_subbufs_order = nr_subbufs_order;
        cfg.cpu = cpu;
        for (unsigned i = 0; i < LTT_UUID_LEN; i++)
            cfg.uuid[i] = static_cast<std::uint8_t>(0xb0 + i);
        ctl.assign(ltt_ctl_size(nr_subbufs_order), 0);
        // assign() writes every byte: no page fault while measuring.
        data.assign(ltt_data_size(subbuf_order, nr_subbufs_order), 0);
        return ltt_buf_init(&writer, ctl.data(), &cons, data.data(), &cfg) == 0;
    }
};

flight_recorder g_recorder;
std::uint64_t g_enabled_calls = 0;  // tracepoint calls made while enabled
std::uint64_t g_disabled_calls = 0; // ... while disabled
int g_cpu = -1;

// The benchmark runs each function on the thread main() pinned; still, set
// the thread's buffer where it writes.
void enter(benchmark::State& state, bool enabled) {
    ltt_user_current_buf = &g_recorder.writer;
    ltt_event_enabled[LTT_EV_SCHED_SWITCH] = enabled ? 1 : 0;
    if (sched_getcpu() != g_cpu)
        state.SkipWithError("not running on the pinned CPU");
}

void bm_ltt_enabled_overwrite(benchmark::State& state) {
    enter(state, true);
    std::uint16_t n = 0;
    for (auto _ : state) {
        ltt_trace_sched_switch(1, n, 0, static_cast<std::uint16_t>(n + 1));
        n++;
    }
    ltt_event_enabled[LTT_EV_SCHED_SWITCH] = 0;
    g_enabled_calls += static_cast<std::uint64_t>(state.iterations());
    state.SetItemsProcessed(state.iterations());
}

// N disabled calls, unrolled; ClobberMemory after each: the compiler must
// assume the enable byte may have changed, so every call loads and tests it
// as at a real call site with code in between.
template <std::size_t... I> inline void disabled_calls(std::uint16_t n, std::index_sequence<I...>) {
    ((ltt_trace_sched_switch(1, static_cast<std::uint16_t>(n + I), 0, n),
      benchmark::ClobberMemory()),
     ...);
}

template <std::size_t N> void bm_ltt_disabled(benchmark::State& state) {
    enter(state, false);
    const std::uint64_t before = ltt_env_read_once(&g_recorder.writer.ctl->offset);
    std::uint16_t n = 0;
    for (auto _ : state) {
        disabled_calls(n, std::make_index_sequence<N>());
        n++;
    }
    if (ltt_env_read_once(&g_recorder.writer.ctl->offset) != before)
        state.SkipWithError("a disabled tracepoint wrote into the buffer");
    g_disabled_calls += static_cast<std::uint64_t>(state.iterations()) * N;
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(N));
    state.counters["batch"] = static_cast<double>(N);
}

// Context for the enabled figure: what the write path's primitives cost on
// this machine. A record costs one TSC read, one compare-and-swap (reserve)
// an add to the commit counter and an owner-only record-count increment; in user space the CAS and
// the add are SMP-safe (lock-prefixed) atomics, see libltt/env/ltt-env.h.
void bm_rdtsc(benchmark::State& state) {
    for (auto _ : state)
        benchmark::DoNotOptimize(ltt_env_read_tsc());
    state.SetItemsProcessed(state.iterations());
}

void bm_cmpxchg(benchmark::State& state) {
    std::uint64_t word = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(ltt_env_cmpxchg_local(&word, word, word + 1));
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(bm_ltt_enabled_overwrite)->Name("ltt_enabled_overwrite");
BENCHMARK(bm_ltt_disabled<16>)->Name("ltt_disabled/batch:16");
BENCHMARK(bm_ltt_disabled<1>)->Name("ltt_disabled/batch:1");
BENCHMARK(bm_rdtsc)->Name("context/rdtsc");
BENCHMARK(bm_cmpxchg)->Name("context/cmpxchg");

struct check_result {
    std::uint64_t calls = 0, committed = 0, dropped = 0, overwritten = 0;
    std::uint64_t packets = 0, records_read = 0, subbufs_skipped = 0;
    std::vector<std::string> errors;
};

// Snapshot of the flight recorder, then the bookkeeping must balance.
check_result check_recorder() {
    check_result r;
    flight_recorder& fr = g_recorder;
    r.calls = g_enabled_calls;
    for (std::uint32_t i = 0; i < fr.writer.nr_subbufs; i++)
        r.committed += ltt_env_read_once(&fr.writer.slots[i].records);
    for (unsigned k = 0; k < LTT_LOST_NR; k++)
        if (k != LTT_LOST_OVERWRITTEN)
            r.dropped += ltt_env_read_once(&fr.writer.ctl->lost[k]);
    r.overwritten = ltt_env_read_once(&fr.writer.ctl->lost[LTT_LOST_OVERWRITTEN]);

    ltt_switch(&fr.writer, LTT_SWITCH_ACTIVE);
    ltt_reader reader{};
    if (ltt_reader_init(&reader, fr.ctl.data(), fr.ctl.size(), &fr.cons, fr.data.data(),
                        fr.data.size()) != LTT_READER_OK) {
        r.errors.push_back("the reader refused the buffer");
        return r;
    }
    std::vector<std::byte> stream;
    for (;;) {
        ltt_subbuf sb{};
        const int got = ltt_reader_get(&reader, &sb);
        if (got == LTT_READER_EMPTY)
            break;
        if (got != LTT_READER_OK) {
            r.errors.push_back("the reader found a corrupt sub-buffer");
            break;
        }
        r.subbufs_skipped += sb.skipped;
        const auto* p = reinterpret_cast<const std::byte*>(sb.packet);
        stream.insert(stream.end(), p, p + sb.size);
        ltt_reader_put(&reader);
        r.packets++;
    }

    ltt::reader_options opt;
    opt.header = ltt::header_kind_for(LTT_NR_EVENTS);
    opt.payload_size = ltt::channel_payload_sizes(ltt::facility_sets::xen);
    try {
        ltt::packet_reader pr(stream, "flight recorder snapshot", opt);
        while (pr.next_packet()) {
            while (const auto ev = pr.next_event()) {
                r.records_read++;
                if (ev->id != LTT_EV_SCHED_SWITCH || ev->payload.size() != 8) {
                    r.errors.push_back(fmt::format("record {} is event {} with {} payload bytes, "
                                                   "not sched_switch",
                                                   r.records_read, ev->id, ev->payload.size()));
                    return r;
                }
            }
        }
    } catch (const std::exception& e) {
        r.errors.push_back(e.what());
        return r;
    }
    if (r.calls == 0)
        r.errors.push_back("no enabled tracepoint call was made");
    if (r.committed != r.calls)
        r.errors.push_back(
            fmt::format("{} records committed for {} enabled calls", r.committed, r.calls));
    if (r.dropped != 0)
        r.errors.push_back(
            fmt::format("{} records dropped (full, busy, nested or too big)", r.dropped));
    if (r.records_read == 0)
        r.errors.push_back("the snapshot holds no record");
    if (r.records_read + r.overwritten != r.calls)
        r.errors.push_back(fmt::format("snapshot {} + overwritten {} != {} calls", r.records_read,
                                       r.overwritten, r.calls));
    return r;
}

} // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    CLI::App app{"ltt-xen tracepoint into a user-space flight recorder (Google Benchmark)"};
    int cpu = -1;
    unsigned subbuf_order = 18, subbufs_order = 2;
    std::string check_out;
    app.add_option("--cpu", cpu, "CPU to pin to (default: the highest allowed)");
    app.add_option("--subbuf-order", subbuf_order, "sub-buffer size, log2 bytes (18: 256 KiB)");
    app.add_option("--subbufs-order", subbufs_order, "sub-buffers, log2 (2: four)");
    app.add_option("--check-out", check_out, "write the snapshot check as JSON here");
    CLI11_PARSE(app, argc, argv);

    g_cpu = ltt::bench::pin_to_cpu(cpu);
    if (g_cpu < 0) {
        fmt::print(stderr, "ltt-bench-ring: cannot pin to CPU {}: {}\n", cpu, std::strerror(errno));
        return 1;
    }
    if (!g_recorder.init(subbuf_order, subbufs_order, static_cast<unsigned>(g_cpu))) {
        fmt::print(stderr, "ltt-bench-ring: bad buffer geometry\n");
        return 1;
    }
    benchmark::AddCustomContext("pinned_cpu", std::to_string(g_cpu));
    benchmark::AddCustomContext(
        "ltt_buffer", fmt::format("overwrite, {} x {} KiB, {} header", 1u << subbufs_order,
                                  (1u << subbuf_order) / 1024,
                                  LTT_HEADER_TYPE == LTT_HDR_LARGE ? "large" : "compact"));
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();

    const check_result r = check_recorder();
    fmt::print("flight recorder check: {} enabled calls, {} committed, {} overwritten, {} "
               "dropped; snapshot: {} packets, {} sched_switch records\n",
               r.calls, r.committed, r.overwritten, r.dropped, r.packets, r.records_read);
    for (const std::string& e : r.errors)
        fmt::print(stderr, "ltt-bench-ring: check failed: {}\n", e);
    if (!check_out.empty()) {
        nlohmann::json j = {{"pinned_cpu", g_cpu},
                            {"enabled_calls", r.calls},
                            {"disabled_calls", g_disabled_calls},
                            {"committed", r.committed},
                            {"overwritten", r.overwritten},
                            {"dropped", r.dropped},
                            {"snapshot_packets", r.packets},
                            {"snapshot_records", r.records_read},
                            {"subbuf_bytes", 1u << subbuf_order},
                            {"subbufs", 1u << subbufs_order},
                            {"ok", r.errors.empty()},
                            {"errors", r.errors}};
        std::ofstream(check_out) << j.dump(2) << "\n";
    }
    return r.errors.empty() ? 0 : 1;
}
