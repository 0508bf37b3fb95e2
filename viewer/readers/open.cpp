#include "open.hpp"

#include "bt2/ctf_reader.hpp"
#include "ftrace/ftrace_trace.hpp"
#include "ltt/ltt_reader.hpp"
#include "xentrace/xentrace_trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace ltt::viewer {

namespace {

// Directories holding a `metadata` file under `root` (root included), in
// path order, not descending into a trace (its index/ is not a trace).
std::vector<fs::path> ctf_traces_under(const fs::path& root) {
    std::vector<fs::path> found;
    if (fs::is_regular_file(root / "metadata")) {
        found.push_back(root);
        return found;
    }
    std::vector<fs::path> children;
    for (const fs::directory_entry& e : fs::directory_iterator(root)) {
        if (e.is_directory() && !e.is_symlink())
            children.push_back(e.path());
    }
    std::sort(children.begin(), children.end());
    for (const fs::path& c : children) {
        std::vector<fs::path> sub = ctf_traces_under(c);
        found.insert(found.end(), sub.begin(), sub.end());
    }
    return found;
}

std::unique_ptr<trace_reader> open_ctf_dir(const fs::path& dir, class_registry& classes,
                                           const read_options& options,
                                           std::vector<std::string>& notices) {
    if (is_ltt_trace(dir)) {
        try {
            return open_ltt_trace(dir, classes);
        } catch (const unknown_facility_error& e) {
            // Never a wrong decode: the generic reader follows the metadata.
            notices.push_back(fmt::format("{}; reading it with libbabeltrace2 instead", e.what()));
        }
    }
    return open_ctf_trace(dir, classes, options);
}

void open_path(const std::string& path, class_registry& classes, const read_options& options,
               opened_inputs& out) {
    const fs::path p(path);
    std::error_code ec;
    const fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st))
        throw input_error(fmt::format("{}: no such file or directory", path));
    if (fs::is_directory(st)) {
        const std::vector<fs::path> traces = ctf_traces_under(p);
        if (traces.empty())
            throw input_error(fmt::format(
                "{}: no trace in this directory (no CTF `metadata` file under it)", path));
        for (const fs::path& t : traces)
            out.readers.push_back(open_ctf_dir(t, classes, options, out.notices));
        return;
    }
    if (p.filename() == "metadata") {
        out.readers.push_back(open_ctf_dir(p.parent_path(), classes, options, out.notices));
        return;
    }
    if (is_xentrace_file(p)) {
        out.readers.push_back(open_xentrace_file(p, classes, options));
    } else if (is_trace_cmd_file(p)) {
        out.readers.push_back(open_trace_cmd(p, classes, options));
    } else if (is_ftrace_text(p)) {
        out.readers.push_back(open_ftrace_text(p, classes, options));
    } else {
        throw input_error(fmt::format(
            "{}: not a trace ltt-view reads (a CTF trace directory, an ltt-xen session, a "
            "xentrace file, ftrace text or a trace-cmd .dat file)",
            path));
    }
}

std::string hz_text(std::uint64_t hz) {
    return fmt::format("{:.6g} GHz", static_cast<double>(hz) / 1e9);
}

} // namespace

opened_inputs open_inputs(const std::vector<std::string>& paths, class_registry& classes,
                          const read_options& options) {
    opened_inputs out;
    for (const std::string& path : paths)
        open_path(path, classes, options, out);

    // One time base: every source on the TSC, or every one in nanoseconds.
    const source_info& first = out.readers.front()->source();
    out.unit = first.clock.unit;
    for (const auto& r : out.readers) {
        const source_info& s = r->source();
        if (s.clock.unit != out.unit)
            throw input_error(fmt::format(
                "{} ({} clock `{}`) and {} ({} clock `{}`) have no common time base: read them "
                "separately",
                first.path, to_string(first.clock.unit), first.clock.name, s.path,
                to_string(s.clock.unit), s.clock.name));
    }

    // Guest kernel traces that do not name their domain take --guest-domid.
    if (options.guest_domid) {
        for (auto& r : out.readers) {
            source_info& s = r->mutable_source();
            if (s.layer == ltt::layer::kernel && !s.domid) {
                s.domid = options.guest_domid;
                out.notices.push_back(fmt::format("{}: read as domain {}'s kernel (--guest-domid)",
                                                  s.path, *options.guest_domid));
            }
        }
    } else {
        // Without a domain a guest kernel's events cannot be matched with
        // Xen's vCPUs: say how to give it rather than let the analyses
        // that need it come back empty.
        const bool hypervisor = std::any_of(out.readers.begin(), out.readers.end(), [](auto& r) {
            return r->source().layer == ltt::layer::xen;
        });
        for (const auto& r : out.readers) {
            const source_info& s = r->source();
            if (hypervisor && s.layer == ltt::layer::kernel && !s.domid)
                out.notices.push_back(fmt::format(
                    "{}: a guest kernel trace that does not name its Xen domain: its events are "
                    "not matched with the hypervisor's vCPUs (give --guest-domid, 0 for dom0's)",
                    s.path));
        }
    }

    // The TSC frequency: --cpu-hz wins; else a source that recorded it
    // lends it to those that did not (same host, same TSC).
    if (out.unit == time_unit::tsc) {
        std::uint64_t known = options.cpu_hz.value_or(0);
        std::string from = "--cpu-hz";
        if (known == 0) {
            for (const auto& r : out.readers) {
                if (r->source().clock.freq_hz != 0) {
                    known = r->source().clock.freq_hz;
                    from = r->source().path;
                    break;
                }
            }
        }
        for (const auto& r : out.readers) {
            source_info& s = r->mutable_source();
            if (options.cpu_hz && s.clock.freq_hz != 0 && s.clock.freq_hz != *options.cpu_hz)
                s.notices.push_back(
                    fmt::format("recorded TSC frequency {} overridden by --cpu-hz {}",
                                hz_text(s.clock.freq_hz), hz_text(known)));
            if (s.clock.freq_hz == 0 || options.cpu_hz) {
                if (known != 0 && s.clock.freq_hz == 0)
                    s.notices.push_back(
                        fmt::format("TSC frequency {} taken from {}", hz_text(known), from));
                s.clock.freq_hz = known;
            }
        }
        if (known == 0)
            out.notices.push_back("TSC frequency unknown (give --cpu-hz): times are in cycles");
        out.freq_hz = known;
    } else {
        out.freq_hz = 1'000'000'000;
    }

    std::uint32_t index = 0;
    for (const auto& r : out.readers) {
        for (const std::string& n : r->source().notices)
            out.notices.push_back(fmt::format("{}: {}", r->source().path, n));
        for (event_stream* s : r->streams()) {
            s->set_index(index++);
            out.streams.push_back(s);
        }
    }
    return out;
}

} // namespace ltt::viewer
