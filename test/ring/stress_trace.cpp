#include "stress_trace.hpp"

#include <ltt/facility_fragment.hpp>
#include <ltt/metadata_writer.hpp>

#include <fmt/format.h>

#include <unistd.h>
#include <x86intrin.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef LTT_RING_STRESS_FRAGMENT
#error "LTT_RING_STRESS_FRAGMENT: path of genevent's ctf output for ring_stress.xml"
#endif

namespace ltt::stress {

std::uint64_t measure_tsc_hz() {
    using namespace std::chrono;
    const auto t0 = steady_clock::now();
    const std::uint64_t c0 = __rdtsc();
    std::this_thread::sleep_for(milliseconds(20));
    const std::uint64_t c1 = __rdtsc();
    const auto t1 = steady_clock::now();
    const double secs = duration<double>(t1 - t0).count();
    return static_cast<std::uint64_t>(static_cast<double>(c1 - c0) / secs);
}

stress_trace::stress_trace(const std::filesystem::path& out, unsigned ncpu,
                           const std::uint8_t (&uuid)[16], bool compact_header) {
    std::ifstream in(LTT_RING_STRESS_FRAGMENT);
    if (!in)
        throw std::runtime_error(fmt::format("cannot read {}", LTT_RING_STRESS_FRAGMENT));
    std::stringstream text;
    text << in.rdbuf();
    std::vector<facility_fragment> frags;
    frags.push_back(parse_fragment(text.str(), "ring_stress.tsdl"));
    const channel_layout layout = layout_channel(frags);
    if ((layout.header == event_header_kind::compact) != compact_header)
        throw std::runtime_error("event header kind of the metadata and the ring differ");

    metadata_params mp;
    std::copy(std::begin(uuid), std::end(uuid), mp.trace_uuid.begin());
    mp.clock_uuid = random_uuid();
    mp.domain = layer::ust;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    mp.hostname = host;
    mp.tsc_hz = measure_tsc_hz();
    mp.origin.unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    mp.origin.tsc = __rdtsc();
    mp.trace_name = "ring-stress";

    trace_writer_options opt;
    opt.root = out;
    opt.subdir = "ust/ring-stress";
    opt.metadata = write_metadata(mp, frags);
    writer_ = std::make_unique<trace_writer>(std::move(opt));
    for (unsigned c = 0; c < ncpu; c++)
        writer_->add_stream(c);
}

void stress_trace::append(unsigned cpu, const std::vector<std::uint8_t>& packet) {
    writer_->write_packet(cpu, std::as_bytes(std::span(packet)));
}

void stress_trace::close() {
    writer_->close();
}

} // namespace ltt::stress
