// libFuzzer target: any bytes given as an lttng trace's metadata file must
// either decode (plain text, or CTF metadata packets) or give a
// std::runtime_error, and the clock fix-up must then mark or refuse the
// text - never crash, hang, or read out of bounds. Run bounded by `make
// check` (lttd.lttng_metadata_fuzz); longer by hand with
//   build/ltt-daemon/fuzz/lttng_metadata_fuzz -max_total_time=600 CORPUS_DIR
#include "lttng_clock_fixup.hpp"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const ltt::uuid clock_uuid = *ltt::parse_uuid("0b9c4a5e-1d2f-4a3b-8c7d-6e5f4a3b2c1d");
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::string text;
    try {
        text = lttd::metadata_text(bytes, "fuzz-input");
    } catch (const std::runtime_error&) {
        return 0;
    }
    lttd::lttng_clock_fix why{};
    if (const auto marked = lttd::with_absolute_clock(text, clock_uuid, why)) {
        // Marking is idempotent.
        lttd::lttng_clock_fix again{};
        if (lttd::with_absolute_clock(*marked, clock_uuid, again) ||
            again != lttd::lttng_clock_fix::already_absolute)
            __builtin_trap();
    }
    return 0;
}
