// libFuzzer target of the trace-cmd reader's own decoding: the input is
// what a libtracecmd worker sends (dat_protocol.hpp: header, event formats,
// records), as a damaged .dat file can make it send anything its formats
// and records hold. Fast, where the file-level target runs libtracecmd in a
// process per input. Seeds: the messages for make_trace_dat.py's files.
#include "fuzz_file.hpp"

#include "core/event_class.hpp"
#include "readers/ftrace/trace_cmd_open.hpp"

#include <exception>

#include <fcntl.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ltt::viewer;
    const fuzz::memory_file file(data, size);
    const int fd = ::open(file.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        __builtin_trap();
    try {
        class_registry classes;
        const auto reader = open_trace_cmd_messages("fuzz-input", fd, classes);
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
