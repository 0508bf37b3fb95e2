// ltt-bench-body-check: what lttd's walk of a guest packet's events
// (ltt-daemon/src/packet_body_check.cpp) costs per packet and per event,
// next to the validation of the packet's header alone.
//
// The packet is a typical guest kernel one: a 256 KiB sub-buffer filled
// with genevent's kernel events in a scheduler/interrupt mix (sched_switch
// and sched_waking with their task names, irq entry/exit, softirq
// raise/entry/exit), each a few hundred TSC ticks after the previous.
//
//   body_walk      packet_body_check::check(), items_per_second = events/s
//   header_only    libltt's packet_reader validating the header, no event
//                  decoded (what the header check of trace_output costs,
//                  about: the same fields compared)
//
//   ltt-bench-body-check [benchmark flags]
#include "kernel_guest_channel.hpp"
#include "packet_body_check.hpp"

#include <ltt/descriptor_sizes.hpp>
#include <ltt/packet_builder.hpp>
#include <ltt/packet_reader.hpp>

#include <kernel/facilities.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::size_t packet_bytes = 256 * 1024;

// Channel id of `facility:event`.
std::uint32_t id_of(std::string_view facility, std::string_view event) {
    std::uint32_t base = 0;
    for (const ltt::facility_desc* f : ltt::facility_sets::kernel) {
        if (f->name == facility)
            if (const ltt::event_desc* e = f->event(event))
                return base + e->local_id;
        base += static_cast<std::uint32_t>(f->events.size());
    }
    throw std::logic_error("no such kernel event");
}

void put(std::vector<std::byte>& out, const void* p, std::size_t n) {
    const auto* b = static_cast<const std::byte*>(p);
    out.insert(out.end(), b, b + n);
}
void put_s32(std::vector<std::byte>& out, std::int32_t v) {
    put(out, &v, 4);
}
void put_s64(std::vector<std::byte>& out, std::int64_t v) {
    put(out, &v, 8);
}
void put_str(std::vector<std::byte>& out, std::string_view s) {
    put(out, s.data(), s.size());
    out.push_back(std::byte{0});
}

struct typical_packet {
    std::vector<std::byte> bytes;
    std::size_t events = 0;
};

typical_packet make_packet(const lttd::channel_info& ch) {
    ltt::packet_header h;
    h.uuid = ch.uuid;
    h.packet_seq_num = 1;
    h.timestamp_begin = 1'000'000;
    ltt::packet_builder b(ch.header, h);
    const std::uint32_t sw = id_of("sched", "sched_switch");
    const std::uint32_t waking = id_of("sched", "sched_waking");
    const std::uint32_t irq_in = id_of("irq", "irq_handler_entry");
    const std::uint32_t irq_out = id_of("irq", "irq_handler_exit");
    const std::uint32_t raise = id_of("irq", "softirq_raise");
    const std::uint32_t soft_in = id_of("irq", "softirq_entry");
    const std::uint32_t soft_out = id_of("irq", "softirq_exit");
    std::uint64_t tsc = h.timestamp_begin;
    std::size_t used = ltt::packet_header_size;
    std::vector<std::byte> p;
    // One round: an interrupt raising a softirq that wakes a task, then a
    // switch to it; the largest round is well under 200 bytes.
    for (int round = 0; used + 200 < packet_bytes; round++) {
        const auto add = [&](std::uint32_t id) {
            tsc += 137 + static_cast<std::uint64_t>(round % 7) * 53;
            used += ltt::header_size(ch.header, b.add_event(id, tsc, p)) + p.size();
            p.clear();
        };
        put_s32(p, 24 + round % 4);
        put_str(p, "xen-pirq-msi-eth0");
        add(irq_in);
        put_s32(p, 3);
        add(raise);
        put_s32(p, 24 + round % 4);
        put_s32(p, 1);
        add(irq_out);
        put_s32(p, 3);
        add(soft_in);
        put_str(p, "kworker/u4:2");
        put_s32(p, 1000 + round % 50);
        put_s32(p, 120);
        put_s32(p, 0);
        add(waking);
        put_s32(p, 3);
        add(soft_out);
        put_str(p, "swapper/0");
        put_s32(p, 0);
        put_s32(p, 120);
        put_s64(p, 0);
        put_str(p, "kworker/u4:2");
        put_s32(p, 1000 + round % 50);
        put_s32(p, 120);
        add(sw);
    }
    typical_packet out;
    out.events = b.records();
    out.bytes = b.finish(tsc + 1);
    return out;
}

void body_walk(benchmark::State& state) {
    const lttd::channel_info ch = lttd::testing::kernel_guest_channel();
    const typical_packet packet = make_packet(ch);
    lttd::packet_body_check check(ch);
    for (auto _ : state) {
        auto why = check.check(packet.bytes);
        if (why || check.last_records() != packet.events) {
            state.SkipWithError("the typical packet was refused");
            break;
        }
        benchmark::DoNotOptimize(why);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(packet.events));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(packet.bytes.size()));
    state.counters["events/packet"] = static_cast<double>(packet.events);
}
BENCHMARK(body_walk);

void header_only(benchmark::State& state) {
    const lttd::channel_info ch = lttd::testing::kernel_guest_channel();
    const typical_packet packet = make_packet(ch);
    const ltt::payload_sizes sizes = ltt::channel_payload_sizes(ltt::facility_sets::kernel);
    for (auto _ : state) {
        ltt::reader_options options;
        options.header = ch.header;
        options.payload_size = std::cref(sizes);
        options.expected_uuid = ch.uuid;
        ltt::packet_reader reader(packet.bytes, "packet", std::move(options));
        benchmark::DoNotOptimize(reader.next_packet());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(header_only);

} // namespace

BENCHMARK_MAIN();
