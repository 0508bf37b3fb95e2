// libFuzzer target: any bytes read as a xentrace file (through the summary's
// Xen analyses and the events text) must either read or give one
// ltt::format_error naming the input and an offset inside it - never crash,
// hang, read out of bounds or throw anything else. Inputs starting like a
// formats file ("0x" or "#") are read as Xen's formats file instead (a
// parse error with a line, or names). Run bounded by `make check`
// (viewer.xentrace_fuzz); longer by hand:
//   build/viewer/fuzz/xentrace_fuzz -max_total_time=600 CORPUS_DIR
#include "analyses/event_counts.hpp"
#include "analyses/guest_interrupts.hpp"
#include "analyses/hvm_exits.hpp"
#include "analyses/hypercall_counts.hpp"
#include "analyses/runstate_times.hpp"
#include "core/event_class.hpp"
#include "merge/merger.hpp"
#include "readers/xentrace/xentrace_formats.hpp"
#include "readers/xentrace/xentrace_trace.hpp"
#include "report/event_text.hpp"
#include "state/cpu_tracker.hpp"

#include <ltt/errors.hpp>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace ltt::viewer;

void read_xentrace(std::span<const std::byte> bytes) {
    // Read once: the registry keeps the classes the reader registers (the
    // same ones again for each input).
    static class_registry classes;
    static const auto names = ltt::xentrace::formats::load(LTT_XENTRACE_FORMATS);
    read_options options;
    options.cpu_hz = 2'000'000'000;
    std::unique_ptr<trace_reader> reader;
    try {
        reader = open_xentrace_bytes(bytes, "fuzz-input", classes, options, &names);
    } catch (const ltt::format_error& e) {
        if (e.file() != "fuzz-input" || e.offset() > bytes.size())
            std::abort();
        return;
    }
    // The whole file was checked at open: reading it must not fail.
    std::vector<event_stream*> streams(reader->streams().begin(), reader->streams().end());
    for (std::size_t i = 0; i < streams.size(); ++i)
        streams[i]->set_index(static_cast<std::uint32_t>(i));
    cpu_tracker cpus(classes);
    analysis_context context{&classes, time_unit::tsc, 2'000'000'000, &cpus};
    std::vector<std::unique_ptr<analysis>> analyses;
    analyses.push_back(std::make_unique<event_counts>(context));
    for (const bool compat : {false, true}) {
        analyses.push_back(std::make_unique<runstate_times>(context, compat));
        analyses.push_back(std::make_unique<hvm_exits>(context, compat));
    }
    analyses.push_back(std::make_unique<hypercall_counts>(context));
    analyses.push_back(std::make_unique<guest_interrupts>(context));
    merger merge(streams);
    event_text_style style;
    style.freq_hz = 2'000'000'000;
    fmt::memory_buffer text;
    event e;
    while (merge.next(e)) {
        cpus.update(e);
        for (auto& a : analyses)
            a->on_event(e);
        append_event_line(text, e, style);
        text.clear();
    }
    for (auto& a : analyses)
        (void)a->finish();
}

void read_formats(std::string_view text) {
    try {
        const auto f = ltt::xentrace::formats::parse(text, "fuzz-input");
        for (std::uint32_t id = 0; id < 64; ++id)
            (void)ltt::xentrace::word_name(f.find(id), id % 8);
    } catch (const ltt::parse_error& e) {
        if (e.file() != "fuzz-input" || e.line() == 0)
            std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (text.starts_with("0x") || text.starts_with("#"))
        read_formats(text);
    else
        read_xentrace({reinterpret_cast<const std::byte*>(data), size});
    return 0;
}
