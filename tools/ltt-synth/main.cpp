// ltt-synth: writes a simulated ltt-xen recording session (hypervisor and
// dom0 kernel traces, index.json) of a small Xen host, and truth.json: what
// happened in it, from the simulation itself (host_model.hpp). Tests check
// ltt-view's analyses against truth.json; benchmarks use it for traces of
// any size.
//
//   ltt-synth --output DIR [--events N] [--seed S] [--pcpus P]
//             [--dom0-vcpus V] [--no-domu] [--lose-at N] [--skew-dom0 CYCLES]
//             [--ctf DIR]
//
// --skew-dom0 adds CYCLES to every dom0 kernel timestamp: a guest clock
// that is off, which the time base audit must catch.

#include "host_model.hpp"
#include "session_writer.hpp"

#include <kernel/facilities.hpp>
#include <xen/facilities.hpp>

#include <ltt/trace_index.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

int main(int argc, char** argv) {
    CLI::App app{"ltt-synth: a simulated Xen host's ltt-xen session, with the answers"};
    std::string output;
    std::string ctf = LTT_SYNTH_CTF_DIR;
    ltt::synth::model_options o;
    bool no_domu = false;
    std::int64_t skew = 0;
    app.add_option("--output", output, "session directory to create (must not exist)")->required();
    app.add_option("--events", o.events, "about this many events in all");
    app.add_option("--seed", o.seed, "the simulation's seed");
    app.add_option("--pcpus", o.pcpus, "physical CPUs")->check(CLI::Range(1, 64));
    app.add_option("--dom0-vcpus", o.dom0_vcpus, "dom0 vCPUs (pinned round-robin)")
        ->check(CLI::Range(1, 64));
    app.add_flag("--no-domu", no_domu, "no domU vCPU sharing CPU 0 with dom0");
    app.add_option("--lose-at", o.lose_at,
                   "drop the hypervisor records of CPU 1 for a while after this many events");
    app.add_option("--skew-dom0", skew, "add this many cycles to dom0's timestamps");
    app.add_option("--ctf", ctf, "genevent's ctf output (xen/ and kernel/ .tsdl fragments)");
    CLI11_PARSE(app, argc, argv);
    o.domu = !no_domu;

    try {
        const fs::path root(output);
        if (fs::exists(root))
            throw std::runtime_error(fmt::format("{}: already exists", output));
        ltt::uuid clock_uuid{};
        for (std::size_t i = 0; i < clock_uuid.size(); ++i)
            clock_uuid[i] = static_cast<std::uint8_t>(o.seed * 37 + i * 11);
        const std::uint64_t packet_bytes = 64 * 1024;
        ltt::synth::channel_writer hv(root, "hypervisor", ltt::layer::xen, 32754,
                                      ltt::facility_sets::xen, fs::path(ctf) / "xen", clock_uuid,
                                      o.tsc_hz, packet_bytes);
        ltt::synth::channel_writer dom0(root, "dom0/kernel", ltt::layer::kernel, 0,
                                        ltt::facility_sets::kernel, fs::path(ctf) / "kernel",
                                        clock_uuid, o.tsc_hz, packet_bytes);
        ltt::synth::event_sink sink;
        sink.xen = [&](std::uint32_t cpu, std::uint64_t ts, std::string_view name,
                       const ltt::payload_writer& p) { hv.add(cpu, ts, name, p); };
        sink.dom0 = [&](std::uint32_t vcpu, std::uint64_t ts, std::string_view name,
                        const ltt::payload_writer& p) {
            dom0.add(vcpu, static_cast<std::uint64_t>(static_cast<std::int64_t>(ts) + skew), name,
                     p);
        };
        sink.lose = [&](std::uint32_t cpu, std::uint64_t n) { hv.discard(cpu, n); };
        const ltt::synth::truth truth = ltt::synth::run_model(o, sink);
        hv.close();
        dom0.close();

        ltt::session_index index;
        index.name = "ltt-synth";
        index.mode = "discard";
        index.created = "2026-01-01T00:00:00Z";
        index.hostname = "ltt-synth";
        index.tsc_hz = o.tsc_hz;
        index.clock_uuid = clock_uuid;
        index.domains.push_back(hv.index_entry("hypervisor"));
        index.domains.push_back(dom0.index_entry("dom0"));
        ltt::write_index(root, index);
        // Beside the session, not in it: babeltrace2 takes every file inside
        // a trace directory for a stream.
        std::ofstream(output + ".truth.json") << ltt::synth::to_json(truth).dump(1) << "\n";
        fmt::print(stderr, "ltt-synth: {} hypervisor + {} dom0 events in {}, truth in {}\n",
                   hv.events(), dom0.events(), output, output + ".truth.json");
    } catch (const std::exception& e) {
        fmt::print(stderr, "ltt-synth: {}\n", e.what());
        return 1;
    }
    return 0;
}
