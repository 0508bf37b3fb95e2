// libFuzzer target: any bytes as the one stream file of a CTF trace whose
// metadata is fixed and valid (the hand-built sample trace's, with every
// kind of field: tests/ctf_sample_trace.hpp), read whole by the generic
// CTF reader. It must decode or throw bt2_error / ltt::format_error naming
// the file - never crash, hang, read out of bounds or throw anything else.
// libbabeltrace2 itself is not instrumented: the fuzzer steers by the
// reader's own code and finds what the library does with what it is given.
// Run bounded by `make check` (viewer.bt2_ctf_reader_fuzz); longer by hand:
//   build/viewer/readers/bt2/fuzz/ctf_reader_fuzz -max_total_time=600 -max_len=4096 CORPUS_DIR
#include "../../../core/event_class.hpp"
#include "../../../tests/ctf_sample_trace.hpp"
#include "../bt2_error.hpp"
#include "../ctf_reader.hpp"

#include <ltt/errors.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using namespace ltt::viewer;

namespace {

const fs::path& trace_dir() {
    static const fs::path dir = [] {
        std::string pattern = (fs::temp_directory_path() / "ltt-view-bt2-fuzz-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr)
            std::abort();
        std::ofstream(fs::path(pattern) / "metadata", std::ios::binary) << test::sample_metadata();
        std::atexit([] {
            std::error_code ec;
            fs::remove_all(trace_dir(), ec);
        });
        return fs::path(pattern);
    }();
    return dir;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fs::path& dir = trace_dir();
    {
        std::ofstream out(dir / "stream_0", std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        class_registry classes;
        const auto reader = open_ctf_trace(dir, classes, {});
        for (event_stream* s : reader->streams()) {
            event e;
            while (s->next(e)) {
                // Touch every payload byte so ASan checks the span.
                unsigned sum = 0;
                for (const std::byte b : e.payload)
                    sum += std::to_integer<unsigned>(b);
                if (e.cls == nullptr || e.stream != &s->info())
                    std::abort();
                (void)sum;
            }
        }
    } catch (const bt2::bt2_error&) {
    } catch (const ltt::format_error&) {
    }
    return 0;
}
