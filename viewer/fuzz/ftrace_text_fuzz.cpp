// libFuzzer target of the ftrace text reader: any bytes, plain or gzip'd,
// must give events or an exception (ltt::parse_error, format_error,
// std::system_error), never a crash, a hang or memory growing without bound.
#include "fuzz_file.hpp"

#include "core/event_class.hpp"
#include "readers/ftrace/ftrace_trace.hpp"

#include <exception>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ltt::viewer;
    const fuzz::memory_file file(data, size);
    try {
        (void)is_ftrace_text(file.path());
        class_registry classes;
        const auto reader = open_ftrace_text(file.path(), classes, {});
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
