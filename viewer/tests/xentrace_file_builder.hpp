// tests/xentrace_file_builder.hpp - hand-built xentrace files with known
// contents: windows (a CPU-change record and the bytes that follow) and
// records, little-endian u32 words as Xen writes them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

namespace ltt::viewer::testing {

class xentrace_file_builder {
public:
    xentrace_file_builder& word(std::uint32_t v) {
        for (int i = 0; i < 4; i++)
            bytes.push_back(static_cast<std::byte>(v >> (8 * i)));
        return *this;
    }
    // Opens a window of `cpu`; its size is patched by close_window().
    xentrace_file_builder& window(std::uint32_t cpu) {
        close_window();
        word(0x2001f003u).word(cpu).word(0);
        open_ = bytes.size();
        return *this;
    }
    xentrace_file_builder& close_window() {
        if (open_ != 0) {
            const auto size = static_cast<std::uint32_t>(bytes.size() - open_);
            for (int i = 0; i < 4; i++)
                bytes[open_ - 4 + static_cast<std::size_t>(i)] =
                    static_cast<std::byte>(size >> (8 * i));
            open_ = 0;
        }
        return *this;
    }
    // A record with a TSC.
    xentrace_file_builder& rec(std::uint32_t event, std::uint64_t tsc,
                               std::initializer_list<std::uint32_t> data) {
        word(event | static_cast<std::uint32_t>(data.size() << 28) | 0x80000000u);
        word(static_cast<std::uint32_t>(tsc)).word(static_cast<std::uint32_t>(tsc >> 32));
        for (const std::uint32_t d : data)
            word(d);
        return *this;
    }
    // A record without a TSC.
    xentrace_file_builder& rec(std::uint32_t event, std::initializer_list<std::uint32_t> data) {
        word(event | static_cast<std::uint32_t>(data.size() << 28));
        for (const std::uint32_t d : data)
            word(d);
        return *this;
    }
    std::filesystem::path write(const std::filesystem::path& file) {
        close_window();
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
        return file;
    }

    std::vector<std::byte> bytes;

private:
    std::size_t open_ = 0;
};

// dom:vcpu as runstate records pack it (vcpu in the low half).
inline std::uint32_t dom_vcpu(std::uint32_t dom, std::uint32_t vcpu) {
    return (dom << 16) | vcpu;
}
// TRC_SCHED_RUNSTATE_CHANGE with its old and new states.
inline std::uint32_t runstate_change(std::uint32_t old_state, std::uint32_t new_state) {
    return 0x21001u | (old_state << 8) | (new_state << 4);
}

} // namespace ltt::viewer::testing
