// ltt-ring-stress: the ring buffer under concurrent load.
//
// One writer thread pinned per CPU writes records of random sizes into its
// own per-CPU buffer; another thread interrupts the writers with a signal
// whose handler writes into the same buffer (the nested-writer case); a
// reader drains every buffer concurrently and flushes them periodically.
// Afterwards every record written must be found exactly once, in order per
// writer, untorn, and produced = read + counted losses, exactly, per CPU.
// With --out the drained packets also become a CTF trace for babeltrace2.
#include "stress_record.hpp"
#include "stress_trace.hpp"
#include "stress_verify.hpp"

#include <ltt/ring.h>
#include <ltt/ring_reader.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <thread>
#include <vector>

namespace {

using namespace ltt::stress;
using clock_type = std::chrono::steady_clock;

struct options {
    std::string mode = "discard";
    unsigned cpus = 0; // 0: one per online CPU, at least 2
    double seconds = 2.0;
    unsigned subbuf_order = 12;
    unsigned nr_subbufs_order = 2;
    unsigned signal_interval_us = 50;
    unsigned reader_pause_us = 0;
    unsigned flush_interval_ms = 20;
    std::string out;
    std::string json;
    std::uint64_t seed = 1;
};

// One CPU's buffer: the memory and the three views of it.
struct cpu_buffer {
    std::vector<std::uint8_t> ctl, data;
    ltt_consumer_page cons{};
    ltt_buf writer{};  // the writer thread and its signal handler
    ltt_buf flusher{}; // the reader thread's periodic ltt_switch()
    ltt_reader reader{};
    std::vector<std::vector<std::uint8_t>> packets; // drained, in order
    std::atomic<std::uint64_t> handler_attempts{0};
    std::uint64_t thread_attempts = 0;
    pthread_t thread{};
};

std::vector<std::unique_ptr<cpu_buffer>> g_bufs;
thread_local int t_cpu = -1;
thread_local std::uint32_t t_handler_seq = 0;
thread_local std::uint64_t t_handler_rng = 0;

std::uint64_t xorshift(std::uint64_t& s) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

// The nested writer: runs on the writer thread, possibly between its
// reserve and commit.
void on_signal(int) {
    if (t_cpu < 0)
        return;
    const auto id = static_cast<std::uint32_t>(xorshift(t_handler_rng) % event_count);
    write_record(id, source::handler, static_cast<std::uint8_t>(t_cpu), t_handler_seq++);
    g_bufs[static_cast<unsigned>(t_cpu)]->handler_attempts.fetch_add(1, std::memory_order_relaxed);
}

void writer_main(unsigned cpu, const std::atomic<bool>& stop, std::uint64_t seed) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu % std::max(1u, std::thread::hardware_concurrency()), &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);

    cpu_buffer& b = *g_bufs[cpu];
    ltt_user_current_buf = &b.writer;
    t_handler_rng = seed * 7919 + cpu + 1;
    std::uint64_t rng = seed * 104729 + cpu + 1;
    // The handler may run from here on: it reads t_cpu.
    std::atomic_signal_fence(std::memory_order_seq_cst);
    t_cpu = static_cast<int>(cpu);
    std::uint32_t seq = 0;
    while (!stop.load(std::memory_order_relaxed)) {
        for (int k = 0; k < 64; k++) {
            // Small records are the common case, as in a real trace.
            const std::uint64_t r = xorshift(rng);
            const auto id = static_cast<std::uint32_t>((r & 3) ? r % 4 : r % event_count);
            write_record(id, source::thread, static_cast<std::uint8_t>(cpu), seq++);
        }
    }
    // Block the signal before leaving so no handler runs after we count.
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &block, nullptr);
    t_cpu = -1;
    b.thread_attempts = seq;
}

void drain(cpu_buffer& b, stress_trace* trace, unsigned cpu) {
    ltt_subbuf sb{};
    for (;;) {
        const int r = ltt_reader_get(&b.reader, &sb);
        if (r == LTT_READER_EMPTY)
            return;
        if (r == LTT_READER_OK) {
            b.packets.emplace_back(sb.packet, sb.packet + sb.size);
            if (trace)
                trace->append(cpu, b.packets.back());
        } else {
            fmt::print(stderr, "cpu {}: reader found a corrupt sub-buffer\n", cpu);
        }
        ltt_reader_put(&b.reader);
    }
}

int run(const options& opt) {
    const unsigned ncpu = opt.cpus ? opt.cpus : std::max(2u, std::thread::hardware_concurrency());
    const std::uint32_t mode = opt.mode == "overwrite" ? LTT_MODE_OVERWRITE : LTT_MODE_DISCARD;
    const std::uint32_t header =
        event_count < LTT_COMPACT_MAX_EVENTS ? LTT_HDR_COMPACT : LTT_HDR_LARGE;
    std::mt19937_64 rng(opt.seed);
    ltt_buf_config cfg{};
    cfg.mode = mode;
    cfg.header_type = header;
    cfg.subbuf_order = opt.subbuf_order;
    cfg.nr_subbufs_order = opt.nr_subbufs_order;
    for (auto& u : cfg.uuid)
        u = static_cast<std::uint8_t>(rng());

    for (unsigned c = 0; c < ncpu; c++) {
        auto b = std::make_unique<cpu_buffer>();
        b->ctl.resize(ltt_ctl_size(cfg.nr_subbufs_order));
        b->data.resize(ltt_data_size(cfg.subbuf_order, cfg.nr_subbufs_order));
        cfg.cpu = c;
        if (ltt_buf_init(&b->writer, b->ctl.data(), &b->cons, b->data.data(), &cfg) ||
            ltt_buf_attach(&b->flusher, b->ctl.data(), &b->cons, b->data.data(), &cfg) ||
            ltt_reader_init(&b->reader, b->ctl.data(), b->ctl.size(), &b->cons, b->data.data(),
                            b->data.size()) != LTT_READER_OK) {
            fmt::print(stderr,
                       "ltt-ring-stress: bad buffer geometry (sub-buffer order {}, {} "
                       "sub-buffers order)\n",
                       opt.subbuf_order, opt.nr_subbufs_order);
            return 2;
        }
        g_bufs.push_back(std::move(b));
    }

    std::unique_ptr<stress_trace> trace;
    if (!opt.out.empty())
        trace = std::make_unique<stress_trace>(opt.out, ncpu, cfg.uuid, header == LTT_HDR_COMPACT);

    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, nullptr);

    std::atomic<bool> stop_writers{false}, stop_signals{false}, stop_reader{false};
    std::vector<std::thread> writers;
    for (unsigned c = 0; c < ncpu; c++) {
        writers.emplace_back(writer_main, c, std::cref(stop_writers), opt.seed);
        g_bufs[c]->thread = writers.back().native_handle();
    }
    std::thread interrupter([&] {
        std::uint64_t s = opt.seed + 99;
        while (!stop_signals.load()) {
            for (unsigned c = 0; c < ncpu; c++)
                pthread_kill(g_bufs[c]->thread, SIGUSR1);
            std::this_thread::sleep_for(std::chrono::microseconds(
                opt.signal_interval_us / 2 + xorshift(s) % (opt.signal_interval_us + 1)));
        }
    });
    std::thread reader([&] {
        auto next_flush = clock_type::now();
        while (!stop_reader.load()) {
            for (unsigned c = 0; c < ncpu; c++)
                drain(*g_bufs[c], trace.get(), c);
            if (clock_type::now() >= next_flush) {
                for (unsigned c = 0; c < ncpu; c++)
                    ltt_switch(&g_bufs[c]->flusher, LTT_SWITCH_ACTIVE);
                next_flush += std::chrono::milliseconds(opt.flush_interval_ms);
            }
            std::this_thread::sleep_for(std::chrono::microseconds(opt.reader_pause_us + 50));
        }
    });

    std::this_thread::sleep_for(std::chrono::duration<double>(opt.seconds));
    stop_signals = true;
    interrupter.join();
    stop_writers = true;
    for (auto& w : writers)
        w.join();
    stop_reader = true;
    reader.join();
    // Everything committed reaches the reader; then an empty packet carries
    // the final loss count.
    for (unsigned c = 0; c < ncpu; c++) {
        ltt_switch(&g_bufs[c]->flusher, LTT_SWITCH_ACTIVE);
        drain(*g_bufs[c], trace.get(), c);
        ltt_switch(&g_bufs[c]->flusher, LTT_SWITCH_EMPTY);
        drain(*g_bufs[c], trace.get(), c);
    }
    if (trace)
        trace->close();

    bool ok = true;
    nlohmann::json summary;
    summary["mode"] = opt.mode;
    summary["cpus"] = ncpu;
    std::uint64_t tot_produced = 0, tot_read = 0, tot_lost = 0;
    for (unsigned c = 0; c < ncpu; c++) {
        cpu_buffer& b = *g_bufs[c];
        const cpu_result r = verify_cpu(c, b.packets, header == LTT_HDR_COMPACT);
        const std::uint64_t handler = b.handler_attempts.load();
        const std::uint64_t produced = b.thread_attempts + handler;
        std::uint64_t lost = 0;
        nlohmann::json lost_by_kind;
        const char* names[LTT_LOST_NR] = {"full", "overwritten", "busy", "nested", "too_big"};
        for (unsigned k = 0; k < LTT_LOST_NR; k++) {
            lost += b.writer.ctl->lost[k];
            lost_by_kind[names[k]] = b.writer.ctl->lost[k];
        }
        for (const auto& e : r.errors) {
            fmt::print(stderr, "FAIL {}\n", e);
            ok = false;
        }
        if (produced != r.records + lost) {
            fmt::print(stderr, "FAIL cpu {}: produced {} != read {} + lost {}\n", c, produced,
                       r.records, lost);
            ok = false;
        }
        if (r.last_discarded != lost) {
            fmt::print(stderr, "FAIL cpu {}: last packet's events_discarded {} != lost {}\n", c,
                       r.last_discarded, lost);
            ok = false;
        }
        tot_produced += produced;
        tot_read += r.records;
        tot_lost += lost;
        summary["per_cpu"].push_back({{"cpu", c},
                                      {"produced", produced},
                                      {"nested_by_signal", handler},
                                      {"read", r.records},
                                      {"lost", lost},
                                      {"lost_by_kind", lost_by_kind},
                                      {"packets", r.packets},
                                      {"packet_seq_gaps", r.packet_seq_gaps},
                                      {"first_packet_discarded", r.first_discarded},
                                      {"last_packet_discarded", r.last_discarded},
                                      {"consumer_errors", b.writer.ctl->consumer_errors}});
    }
    summary["produced"] = tot_produced;
    summary["read"] = tot_read;
    summary["lost"] = tot_lost;
    summary["ok"] = ok;
    const std::string text = summary.dump(2);
    fmt::print("{}\n", text);
    if (!opt.json.empty())
        std::ofstream(opt.json) << text << "\n";
    return ok ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    options opt;
    CLI::App app{"ltt-ring-stress: concurrent writers, nested signal writers and a reader on "
                 "the ltt ring buffer; checks every record and the loss accounting"};
    app.add_option("--mode", opt.mode, "discard or overwrite")
        ->check(CLI::IsMember({"discard", "overwrite"}));
    app.add_option("--cpus", opt.cpus, "writer threads / buffers (default: online CPUs, >= 2)");
    app.add_option("--seconds", opt.seconds, "how long the writers run")
        ->check(CLI::Range(0.01, 600.0));
    app.add_option("--subbuf-order", opt.subbuf_order, "log2 of the sub-buffer size")
        ->check(CLI::Range(LTT_SUBBUF_ORDER_MIN, LTT_SUBBUF_ORDER_MAX));
    app.add_option("--subbufs-order", opt.nr_subbufs_order, "log2 of the number of sub-buffers")
        ->check(CLI::Range(LTT_NR_SUBBUFS_ORDER_MIN, LTT_NR_SUBBUFS_ORDER_MAX));
    app.add_option("--signal-interval-us", opt.signal_interval_us,
                   "mean time between nested-writer signals")
        ->check(CLI::Range(1u, 1000000u));
    app.add_option("--reader-pause-us", opt.reader_pause_us,
                   "extra pause per reader round (to force losses)");
    app.add_option("--flush-interval-ms", opt.flush_interval_ms, "periodic switch")
        ->check(CLI::Range(1u, 10000u));
    app.add_option("--out", opt.out, "also write the drained packets as a CTF trace here");
    app.add_option("--json", opt.json, "write the summary here too");
    app.add_option("--seed", opt.seed, "random seed");
    CLI11_PARSE(app, argc, argv);
    try {
        return run(opt);
    } catch (const std::exception& e) {
        fmt::print(stderr, "ltt-ring-stress: {}\n", e.what());
        return 2;
    }
}
