// libFuzzer target of lttd.conf's parser: any bytes give sessions and
// errors, never a crash; every error names the file and a line that exists.
#include "boot_config.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto config = lttd::parse_boot_config(text, "f.conf");
    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    for (const auto& e : config.errors) {
        if (!e.starts_with("f.conf:"))
            std::abort();
        const auto line = std::strtoull(e.c_str() + 7, nullptr, 10);
        if (line < 1 || line > lines)
            std::abort();
    }
    for (const auto& s : config.sessions)
        if (s.line < 1 || s.line > lines || s.create.sources.empty() || s.events.empty())
            std::abort();
    return 0;
}
