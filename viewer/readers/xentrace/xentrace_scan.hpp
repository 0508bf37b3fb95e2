// readers/xentrace/xentrace_scan.hpp - one pass over a whole xentrace file
// when it is opened: it checks every window and record (a bad file is
// refused before anything is shown, with the offset of the problem), and
// learns what the per-CPU streams and the notices need: each CPU's first
// TSC (the time of records before it that have none), the counts the reader
// reports, the event ids nothing names, and whether exit reasons are VMX's
// or SVM's. Memory does not grow with the file (ids are counted up to a
// bound).
#pragma once

#include "xentrace_formats.hpp"
#include "xentrace_reader.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ltt::viewer {

struct xentrace_scan {
    ltt::xentrace::reader_stats stats;
    std::vector<std::optional<std::uint64_t>> first_tsc; // by CPU
    std::optional<std::uint64_t> first_tsc_any;
    // Records whose id neither the mapping nor the formats file names, by id
    // (at most max_unnamed_ids ids; the rest only in unnamed_records).
    std::map<std::uint32_t, std::uint64_t> unnamed_ids;
    std::uint64_t unnamed_records = 0;
    std::uint64_t vm_exits = 0;
    // Exits whose reason only SVM has (76..1024: VMX's basic reasons end at
    // 75, SVM's common codes are 0x60 and up, NPF is 0x400).
    std::uint64_t svm_exits = 0;

    static constexpr std::size_t max_unnamed_ids = 4096;

    bool svm() const noexcept { return svm_exits != 0; }
};

// ltt::format_error naming `name` and the offset for a malformed file.
// `names` may be null (no formats file). `passed`, when given, is told after
// each window that nothing before the offset it gets is read again.
xentrace_scan scan_xentrace(std::span<const std::byte> data, const std::string& name,
                            const ltt::xentrace::formats* names,
                            const std::function<void(std::uint64_t)>& passed = {});

} // namespace ltt::viewer
