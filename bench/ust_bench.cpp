// ltt-bench-ust: the reference - the same record as ltt-bench-ring's
// sched_switch (four u16) through an lttng-ust tracepoint, the provider
// genevent generated from bench/bench_sched.xml.
//
//   ltt-bench-ust --expect enabled   lttng_ust_enabled_snapshot: one event per
//                                    call, which an active lttng snapshot session
//                                    records (run_bench.sh sets it up first)
//   ltt-bench-ust --expect disabled  lttng_ust_disabled/batch:16 and /batch:1:
//                                    no session enables the event
//   ltt-bench-ust --expect enabled --load RATE --duration S
//                                    no benchmark: RATE events per second for
//                                    S seconds, paced, for lttd's drain-cost
//                                    comparison with lttng-consumerd
//                                    (test/lttd/bench_lttd.py); prints one
//                                    JSON line {calls, elapsed_s}
//
// lttng-ust registers with the session daemon before main() (run it with
// LTTNG_UST_REGISTER_TIMEOUT large); the tracepoint's state must then be what
// --expect says, waited for up to --wait seconds, or this exits 1 without
// measuring: a benchmark of a tracer that is not recording would be a lie.
// items_per_second is events per second, as in ltt-bench-ring.
#include "pin_cpu.hpp"

#include "bench_sched-tp.h"

#include <CLI/CLI.hpp>
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <lttng/ust-version.h>
#include <nlohmann/json.hpp>

#include <sched.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <utility>

namespace {

std::uint64_t g_calls = 0; // tracepoint calls made
int g_cpu = -1;

bool sched_switch_enabled() {
    return lttng_ust_tracepoint_enabled(bench_sched, sched_switch);
}

void bm_ust_enabled(benchmark::State& state) {
    if (sched_getcpu() != g_cpu)
        state.SkipWithError("not running on the pinned CPU");
    std::uint16_t n = 0;
    for (auto _ : state) {
        lttng_ust_tracepoint(bench_sched, sched_switch, 1, n, 0, static_cast<std::uint16_t>(n + 1));
        n++;
    }
    g_calls += static_cast<std::uint64_t>(state.iterations());
    state.SetItemsProcessed(state.iterations());
}

// As ltt-bench-ring's disabled case: N unrolled calls, memory clobbered
// after each (lttng-ust's state test is a volatile load anyway).
template <std::size_t I> [[gnu::always_inline]] inline void ust_call(std::uint16_t n) {
    lttng_ust_tracepoint(bench_sched, sched_switch, 1, static_cast<std::uint16_t>(n + I), 0, n);
    benchmark::ClobberMemory();
}

template <std::size_t... I>
[[gnu::always_inline]] inline void ust_calls(std::uint16_t n, std::index_sequence<I...>) {
    (ust_call<I>(n), ...);
}

template <std::size_t N> void bm_ust_disabled(benchmark::State& state) {
    if (sched_getcpu() != g_cpu)
        state.SkipWithError("not running on the pinned CPU");
    std::uint16_t n = 0;
    for (auto _ : state) {
        ust_calls(n, std::make_index_sequence<N>());
        n++;
    }
    g_calls += static_cast<std::uint64_t>(state.iterations()) * N;
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(N));
    state.counters["batch"] = static_cast<double>(N);
}

// Paced like ltt-stress --rate: the clock is read once per 256 events and
// the loop sleeps when ahead, so the consumer sees a steady rate.
std::uint64_t emit_at_rate(double rate, double seconds, double& elapsed) {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    const auto end = start + std::chrono::duration<double>(seconds);
    std::uint64_t calls = 0;
    for (auto now = start; now < end; now = clock::now()) {
        const double due = std::chrono::duration<double>(now - start).count() * rate;
        if (static_cast<double>(calls) >= due) {
            std::this_thread::sleep_for(std::chrono::microseconds(200));
            continue;
        }
        for (int i = 0; i < 256; ++i, ++calls) {
            const auto n = static_cast<std::uint16_t>(calls);
            lttng_ust_tracepoint(bench_sched, sched_switch, 1, n, 0,
                                 static_cast<std::uint16_t>(n + 1));
        }
    }
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
    return calls;
}

} // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    CLI::App app{"lttng-ust tracepoint of the same record (Google Benchmark)"};
    int cpu = -1;
    std::string expect;
    double wait_s = 10;
    std::string check_out;
    app.add_option("--expect", expect, "the tracepoint's state: enabled or disabled")
        ->required()
        ->check(CLI::IsMember({"enabled", "disabled"}));
    app.add_option("--cpu", cpu, "CPU to pin to (default: the highest allowed)");
    app.add_option("--wait", wait_s, "seconds to wait for the expected state");
    app.add_option("--check-out", check_out, "write the state check as JSON here");
    double load_rate = 0;
    double load_seconds = 2;
    app.add_option("--load", load_rate, "events per second to emit (no benchmark)")
        ->check(CLI::Range(1.0, 1e9));
    app.add_option("--duration", load_seconds, "seconds of --load")
        ->check(CLI::Range(0.01, 3600.0));
    CLI11_PARSE(app, argc, argv);
    const bool want_enabled = expect == "enabled";

    g_cpu = ltt::bench::pin_to_cpu(cpu);
    if (g_cpu < 0) {
        fmt::print(stderr, "ltt-bench-ust: cannot pin to CPU {}: {}\n", cpu, std::strerror(errno));
        return 1;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait_s);
    while (sched_switch_enabled() != want_enabled && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (sched_switch_enabled() != want_enabled) {
        fmt::print(stderr,
                   "ltt-bench-ust: bench_sched:sched_switch is {} after {} s, expected {}{}\n",
                   sched_switch_enabled() ? "enabled" : "disabled", wait_s, expect,
                   want_enabled ? " (not registered with an lttng-sessiond that has an active "
                                  "session enabling it?)"
                                : " (some session enables it)");
        return 1;
    }

    if (load_rate > 0) {
        double elapsed = 0;
        const std::uint64_t calls = emit_at_rate(load_rate, load_seconds, elapsed);
        fmt::print("{}\n", nlohmann::json{{"calls", calls},
                                          {"elapsed_s", elapsed},
                                          {"state_held", sched_switch_enabled() == want_enabled}}
                               .dump());
        return sched_switch_enabled() == want_enabled ? 0 : 1;
    }
    benchmark::AddCustomContext("pinned_cpu", std::to_string(g_cpu));
    benchmark::AddCustomContext("lttng_ust_version", LTTNG_UST_VERSION);
    if (want_enabled) {
        benchmark::RegisterBenchmark("lttng_ust_enabled_snapshot", bm_ust_enabled);
    } else {
        benchmark::RegisterBenchmark("lttng_ust_disabled/batch:16", bm_ust_disabled<16>);
        benchmark::RegisterBenchmark("lttng_ust_disabled/batch:1", bm_ust_disabled<1>);
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();

    const bool still = sched_switch_enabled() == want_enabled;
    fmt::print("lttng-ust check: {} calls, bench_sched:sched_switch {} throughout: {}\n", g_calls,
               expect, still ? "yes" : "NO");
    if (!check_out.empty()) {
        nlohmann::json j = {{"expect", expect},
                            {"calls", g_calls},
                            {"state_held", still},
                            {"pinned_cpu", g_cpu},
                            {"lttng_ust_version", LTTNG_UST_VERSION}};
        std::ofstream(check_out) << j.dump(2) << "\n";
    }
    if (!still) {
        fmt::print(stderr, "ltt-bench-ust: the tracepoint's state changed while measuring\n");
        return 1;
    }
    return 0;
}
