// genevent-ctf: writes a small trace with the CTF declarations genevent
// generated for the real facilities (and a test facility with the remaining
// field kinds), using libltt's metadata writer and trace writer and
// hand-assembled packets, then checks that babeltrace2 decodes every field of
// every event as declared, prints no warning, and reads all traces of the
// session together; and that libltt's packet reader agrees on ids and times.
//
//   genevent_ctf_check --babeltrace2 EXE --out DIR
//                      --trace SUBDIR=FRAGMENTS [--trace ...]
//
// Each --trace becomes <DIR>/<SUBDIR>, its channel made of FRAGMENTS: .tsdl
// files separated by commas, in channel order (a directory stands for its
// .tsdl files in name order); the domain follows the fragments' layer.
#include "field_values.hpp"
#include "process.hpp"
#include "tsdl_fields.hpp"

#include <ltt/mapped_file.hpp>
#include <ltt/metadata_info.hpp>
#include <ltt/metadata_writer.hpp>
#include <ltt/packet_builder.hpp>
#include <ltt/packet_reader.hpp>
#include <ltt/trace_index.hpp>
#include <ltt/trace_writer.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace ctf_test;

namespace {

constexpr std::uint32_t cpus = 2;
constexpr std::uint64_t tsc_hz = 2'600'000'000;
const char* const hostname = "ctf-test-host";

struct expected_event {
    std::uint64_t tsc;
    std::uint32_t cpu;
    std::uint32_t id; // channel id
    std::string line; // babeltrace2 --clock-cycles --no-delta
    std::vector<field_text> fields;
    std::vector<std::byte> payload;
};

struct trace_result {
    std::vector<expected_event> events;
    ltt::index_channel channel;
    ltt::layer domain;
    std::size_t extended = 0;
};

int failures = 0;

void fail(const std::string& what) {
    ++failures;
    fmt::print(stderr, "FAIL: {}\n", what);
}

// Where babeltrace2's output goes: beside the session, not inside it.
fs::path scratch_of(const fs::path& root) {
    fs::path p = root;
    p += ".output";
    fs::create_directories(p);
    return p;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        lines.push_back(l);
    return lines;
}

// Splits a pretty line's payload `{ a = 1, b = [ ... ] }` into top-level
// `name = value` items, to say which field differs.
std::vector<std::string> payload_items(const std::string& line) {
    const auto start = line.rfind("}, {");
    std::vector<std::string> items;
    if (start == std::string::npos)
        return items;
    const std::string p = line.substr(start + 4);
    int depth = 0;
    bool quoted = false;
    std::string cur;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '"' && (i == 0 || p[i - 1] != '\\'))
            quoted = !quoted;
        if (!quoted && (c == '[' || c == '(' || c == '{'))
            ++depth;
        if (!quoted && (c == ']' || c == ')' || c == '}'))
            --depth;
        if (!quoted && depth == 0 && c == ',') {
            items.push_back(cur);
            cur.clear();
            continue;
        }
        cur += c;
    }
    items.push_back(cur);
    return items;
}

// babeltrace2 2.0.4 (Debian bookworm) prints an empty string field with the
// value the same field had in an earlier event (fixed upstream after 2.0.4:
// review.lttng.org/c/babeltrace/+/4528). An expected `name = ""` therefore
// matches any string; the fields after it still prove the empty string took
// exactly its NUL byte, and the packet reader check compares the bytes.
bool item_matches(const std::string& want, const std::string& got) {
    if (want == got)
        return true;
    std::string w = want;
    const bool last = w.ends_with(" }");
    if (last)
        w.resize(w.size() - 2);
    if (!w.ends_with(" = \"\""))
        return false;
    const std::string prefix = w.substr(0, w.size() - 2);
    return got.starts_with(prefix + "\"") && got.ends_with(last ? "\" }" : "\"");
}

void compare_line(const std::string& where, const std::string& want, const std::string& got) {
    if (want == got)
        return;
    const auto head = [](const std::string& l) { return l.substr(0, l.rfind("}, {")); };
    const auto w = payload_items(want), g = payload_items(got);
    bool same = head(want) == head(got) && w.size() == g.size();
    std::string detail;
    for (std::size_t i = 0; i < std::max(w.size(), g.size()); ++i) {
        const std::string a = i < w.size() ? w[i] : "(missing)";
        const std::string b = i < g.size() ? g[i] : "(missing)";
        if (!item_matches(a, b)) {
            same = false;
            detail +=
                fmt::format("\n    field {}: expected `{}`, babeltrace2 printed `{}`", i, a, b);
        }
    }
    if (!same)
        fail(fmt::format("{}:\n  expected: {}\n  printed:  {}{}", where, want, got, detail));
}

std::vector<ltt::facility_fragment> load_fragments(const std::string& list) {
    std::vector<fs::path> files;
    std::istringstream in(list);
    for (std::string item; std::getline(in, item, ',');) {
        if (item.empty())
            continue;
        if (!fs::is_directory(item)) {
            files.emplace_back(item);
            continue;
        }
        std::vector<fs::path> in_dir;
        for (const auto& e : fs::directory_iterator(item))
            if (e.path().extension() == ".tsdl")
                in_dir.push_back(e.path());
        std::sort(in_dir.begin(), in_dir.end());
        files.insert(files.end(), in_dir.begin(), in_dir.end());
    }
    std::vector<ltt::facility_fragment> out;
    for (const auto& f : files)
        out.push_back(ltt::load_fragment(f));
    if (out.empty())
        throw std::runtime_error(fmt::format("no .tsdl fragments in `{}`", list));
    return out;
}

ltt::uuid uuid_for(std::string_view salt) {
    // Deterministic uuids keep the trace byte-identical from run to run.
    ltt::uuid u{};
    std::uint64_t h = 1469598103934665603ull;
    for (std::size_t i = 0; i < u.size(); ++i) {
        for (char c : salt)
            h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
        h = (h ^ i) * 1099511628211ull;
        u[i] = static_cast<std::uint8_t>(h >> 56);
    }
    u[6] = static_cast<std::uint8_t>((u[6] & 0x0f) | 0x40);
    u[8] = static_cast<std::uint8_t>((u[8] & 0x3f) | 0x80);
    return u;
}

trace_result write_trace(const fs::path& root, const std::string& subdir,
                         const std::vector<ltt::facility_fragment>& fragments,
                         std::uint64_t tsc_start) {
    trace_result r;
    const ltt::layer layer = fragments.front().layer;
    r.domain = layer;
    const ltt::channel_layout layout = ltt::layout_channel(fragments);

    ltt::metadata_params params;
    params.trace_uuid = uuid_for(subdir);
    params.clock_uuid = uuid_for("session clock");
    params.domain = r.domain;
    params.xen_domid = r.domain == ltt::layer::xen ? 0x7FF2 : 0;
    params.hostname = hostname;
    params.tsc_hz = tsc_hz;
    params.origin = {1'763'900'000'000'000'000, 1'000'000'000};
    params.creation_datetime = "2025-11-23T12:00:00+00:00";
    ltt::expected_checksums checksums;
    for (const auto& f : fragments)
        checksums.emplace(f.name, f.checksum);
    const std::string metadata = ltt::write_metadata(params, fragments, checksums);

    // Every event of the channel, `rounds` times with different values; CPUs
    // alternate; a jump of 2^27+ cycles a third of the way and of 2^32+ two
    // thirds of the way force extended headers (compact and large).
    std::vector<expected_event> per_cpu[cpus];
    std::uint64_t tsc = tsc_start;
    std::size_t n = 0;
    std::size_t total = 0;
    for (unsigned round = 0; round < rounds; ++round)
        for (const auto& f : fragments)
            total += f.events.size();
    for (unsigned round = 0; round < rounds; ++round) {
        for (std::size_t fi = 0; fi < fragments.size(); ++fi) {
            for (const auto& decl : parse_events(fragments[fi])) {
                if (n == total / 3)
                    tsc += (std::uint64_t{1} << 27) + 12345;
                else if (n == 2 * total / 3)
                    tsc += (std::uint64_t{1} << 32) + 54321;
                else
                    tsc += 1000 + n;
                const auto cpu = static_cast<std::uint32_t>(n % cpus);
                const std::uint32_t id = layout.facilities[fi].base + decl.local_id;
                event_instance inst = make_instance(decl, round);
                const std::string line =
                    fmt::format("[{:020}] {} {}: {{ cpu_id = {} }}, {}", tsc, hostname, decl.name,
                                cpu, render_payload(inst.fields));
                per_cpu[cpu].push_back(
                    {tsc, cpu, id, line, std::move(inst.fields), std::move(inst.payload)});
                ++n;
            }
        }
    }

    ltt::trace_writer writer(
        {root, subdir, r.domain == ltt::layer::xen ? "xen_" : "cpu_", metadata});
    for (std::uint32_t cpu = 0; cpu < cpus; ++cpu) {
        const auto& evs = per_cpu[cpu];
        const std::size_t half = evs.size() / 2;
        for (std::uint64_t seq = 0; seq < 2; ++seq) {
            const std::size_t from = seq == 0 ? 0 : half, to = seq == 0 ? half : evs.size();
            ltt::packet_header h;
            h.uuid = params.trace_uuid;
            h.stream_instance_id = cpu;
            h.cpu_id = cpu;
            h.packet_seq_num = seq;
            h.timestamp_begin = evs[from].tsc;
            ltt::packet_builder b(layout.header, h);
            for (std::size_t i = from; i < to; ++i)
                r.extended += b.add_event(evs[i].id, evs[i].tsc, evs[i].payload) ? 1 : 0;
            writer.write_packet(cpu, b.finish(evs[to - 1].tsc), to - from);
        }
        r.events.insert(r.events.end(), evs.begin(), evs.end());
    }
    writer.close();

    // What a native reader learns from the metadata is the channel written.
    const ltt::metadata_info info = ltt::read_metadata_info(root / subdir);
    if (info.header != layout.header || info.facilities.size() != layout.facilities.size() ||
        info.tsc_hz != tsc_hz || info.trace_uuid != params.trace_uuid)
        fail(fmt::format("{}: metadata_info does not match what was written", subdir));
    for (std::size_t i = 0; i < std::min(info.facilities.size(), layout.facilities.size()); ++i)
        if (info.facilities[i].name != layout.facilities[i].name ||
            info.facilities[i].base != layout.facilities[i].base ||
            info.facilities[i].checksum != layout.facilities[i].checksum)
            fail(fmt::format("{}: metadata_info facility {} differs", subdir, i));

    std::sort(r.events.begin(), r.events.end(),
              [](const auto& a, const auto& b) { return a.tsc < b.tsc; });

    r.channel.name = ltt::to_string(layer) == "xen" ? "xen" : "kernel";
    r.channel.path = subdir;
    r.channel.mode = "discard";
    r.channel.header = layout.header;
    r.channel.facilities = layout.facilities;
    r.channel.cpus = writer.stats();
    fmt::print("{}: {} facilities, {} event ids, {} header, {} records ({} extended)\n", subdir,
               fragments.size(), layout.event_count, ltt::to_string(layout.header), r.events.size(),
               r.extended);
    return r;
}

// babeltrace2 on one trace: every line as expected, nothing on stderr.
void check_with_babeltrace2(const std::string& bt2, const fs::path& root, const std::string& subdir,
                            const trace_result& r) {
    const auto res = run_process({bt2, "--clock-cycles", "--no-delta", (root / subdir).string()},
                                 scratch_of(root));
    if (res.exit_status != 0)
        fail(fmt::format("babeltrace2 {} exited with {}: {}", subdir, res.exit_status, res.err));
    if (!res.err.empty())
        fail(fmt::format("babeltrace2 {} printed on stderr:\n{}", subdir, res.err));
    const auto got = lines_of(res.out);
    if (got.size() != r.events.size())
        fail(fmt::format("{}: babeltrace2 printed {} events, the trace has {}", subdir, got.size(),
                         r.events.size()));
    for (std::size_t i = 0; i < std::min(got.size(), r.events.size()); ++i)
        compare_line(
            fmt::format("{} event {} (id {}, cpu {})", subdir, i, r.events[i].id, r.events[i].cpu),
            r.events[i].line, got[i]);
}

// libltt's own reader on the same files: ids, times and payload bytes.
void check_with_packet_reader(const fs::path& root, const std::string& subdir,
                              const std::vector<ltt::facility_fragment>& fragments,
                              const trace_result& r) {
    const ltt::channel_layout layout = ltt::layout_channel(fragments);
    ltt::payload_sizes sizes;
    for (std::size_t fi = 0; fi < fragments.size(); ++fi)
        for (const auto& decl : parse_events(fragments[fi])) {
            ltt::payload_layout pl;
            for (const auto& f : decl.fields) {
                if (f.type == field_decl::kind::string)
                    pl.string();
                else
                    pl.fixed(f.size / 8 * (f.length ? f.length : 1));
            }
            sizes.set(layout.facilities[fi].base + decl.local_id, pl);
        }
    std::map<std::uint64_t, const expected_event*> by_tsc;
    for (const auto& e : r.events)
        by_tsc.emplace(e.tsc, &e);
    std::size_t seen = 0;
    for (const auto& stat : r.channel.cpus) {
        const fs::path path = root / subdir / stat.file;
        const ltt::mapped_file file(path);
        ltt::reader_options options;
        options.header = layout.header;
        options.payload_size = sizes;
        ltt::packet_reader reader(file.bytes(), path.string(), options);
        while (reader.next_packet()) {
            while (const auto ev = reader.next_event()) {
                ++seen;
                const auto it = by_tsc.find(ev->tsc);
                if (it == by_tsc.end()) {
                    fail(fmt::format("{}: packet reader found an event at TSC {} that was not "
                                     "written",
                                     path.string(), ev->tsc));
                    continue;
                }
                const expected_event& want = *it->second;
                if (want.id != ev->id || want.cpu != stat.cpu ||
                    !std::equal(want.payload.begin(), want.payload.end(), ev->payload.begin(),
                                ev->payload.end()))
                    fail(fmt::format("{}: packet reader at TSC {}: id {} (expected {}), {} "
                                     "payload bytes (expected {})",
                                     path.string(), ev->tsc, ev->id, want.id, ev->payload.size(),
                                     want.payload.size()));
            }
        }
    }
    if (seen != r.events.size())
        fail(fmt::format("{}: packet reader found {} events, expected {}", subdir, seen,
                         r.events.size()));
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"Checks genevent's CTF declarations against babeltrace2"};
    std::string bt2;
    std::string out;
    std::vector<std::string> traces;
    app.add_option("--babeltrace2", bt2, "babeltrace2 executable")->required();
    app.add_option("--out", out, "output directory (recreated)")->required();
    app.add_option("--trace", traces, "SUBDIR=FRAGMENT[,FRAGMENT...]")->required();
    CLI11_PARSE(app, argc, argv);

    try {
        const fs::path root = out;
        fs::remove_all(root);
        fs::create_directories(root);
        ltt::session_index index;
        index.name = "genevent-ctf";
        index.mode = "discard";
        index.hostname = hostname;
        index.tsc_hz = tsc_hz;
        index.clock_uuid = uuid_for("session clock");
        std::size_t total = 0;
        std::set<ltt::event_header_kind> kinds;
        std::uint64_t tsc_start = 5'000'000'000'000;
        for (const auto& spec : traces) {
            const auto eq = spec.find('=');
            if (eq == std::string::npos)
                throw std::runtime_error(
                    fmt::format("--trace {}: expected SUBDIR=FRAGMENTS", spec));
            const std::string subdir = spec.substr(0, eq);
            const auto fragments = load_fragments(spec.substr(eq + 1));
            // traces overlap in time, as real ones do, so the muxer interleaves them
            const trace_result r = write_trace(root, subdir, fragments, tsc_start);
            tsc_start += 777;
            check_with_babeltrace2(bt2, root, subdir, r);
            check_with_packet_reader(root, subdir, fragments, r);
            if (r.extended == 0)
                fail(fmt::format("{}: no extended event header was written", subdir));
            kinds.insert(r.channel.header);
            total += r.events.size();
            index.domains.push_back(
                {subdir.substr(0, subdir.find('/')), r.domain, 0, {r.channel}, {}});
        }
        ltt::write_index(root, index);
        if (kinds.size() != 2)
            fail("the traces did not exercise both the compact and the large event header");

        // The whole session at once: babeltrace2 merges every trace (shared
        // clock uuid) and ignores index.json.
        const auto res =
            run_process({bt2, "--clock-cycles", "--no-delta", root.string()}, scratch_of(root));
        if (res.exit_status != 0 || !res.err.empty())
            fail(fmt::format("babeltrace2 on the session root: exit {}, stderr:\n{}",
                             res.exit_status, res.err));
        const auto lines = lines_of(res.out);
        if (lines.size() != total)
            fail(fmt::format("babeltrace2 on the session root printed {} events, expected {}",
                             lines.size(), total));
        if (!std::is_sorted(lines.begin(), lines.end()))
            fail("babeltrace2 on the session root: events not in time order");
    } catch (const std::exception& e) {
        fmt::print(stderr, "FAIL: {}\n", e.what());
        return 1;
    }
    if (failures) {
        fmt::print(stderr, "{} check(s) failed\n", failures);
        return 1;
    }
    fmt::print("genevent-ctf: all fields decoded as declared\n");
    return 0;
}
