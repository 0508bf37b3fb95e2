// libFuzzer target of the trace-cmd .dat reader: any bytes must give events
// or an exception, never a crash or a hang. libtracecmd runs in the
// reader's worker process (its crashes become errors); the decoding of what
// it sends runs here, under the fuzzer's sanitizers.
#include "fuzz_file.hpp"

#include "core/event_class.hpp"
#include "readers/ftrace/ftrace_trace.hpp"
#include "readers/ftrace/trace_cmd_open.hpp"

#include <chrono>
#include <exception>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ltt::viewer;
    const fuzz::memory_file file(data, size);
    if (!is_trace_cmd_file(file.path()))
        return 0;
    try {
        class_registry classes;
        const auto reader = open_trace_cmd(file.path(), classes, std::chrono::seconds(3));
        for (event_stream* s : reader->streams()) {
            event e;
            while (s->next(e)) {
                if (e.cls == nullptr || e.stream == nullptr)
                    __builtin_trap();
            }
        }
    } catch (const std::exception&) {
        // Refused input: what the reader must do with it.
    }
    return 0;
}
