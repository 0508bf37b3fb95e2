// readers/xentrace/mapped_residency.hpp - keeps the part of a mapped trace
// file that every reader has passed out of the process's resident set, so
// ltt-view's memory does not grow with the file: the streams of a xentrace
// file (one per CPU) move forward through it, each only ever reading ahead
// of where it is; once all have passed a range, its pages are dropped from
// the mapping (madvise MADV_DONTNEED: they stay in the page cache, and
// would simply be faulted in again).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ltt::viewer {

class mapped_residency {
public:
    // `bytes` is a whole-file read-only mapping starting on a page (or
    // memory that is not a mapping at all: then `mapped` is false and
    // nothing is dropped). `readers`: how many positions to follow.
    mapped_residency(std::span<const std::byte> bytes, bool mapped, std::size_t readers);

    // Reader `reader` no longer needs anything before `offset`.
    void passed(std::size_t reader, std::uint64_t offset);

private:
    void release_before(std::uint64_t offset);

    std::span<const std::byte> bytes_;
    bool mapped_;
    std::vector<std::uint64_t> positions_;
    std::uint64_t released_ = 0; // pages before it are dropped
    std::uint64_t moves_ = 0;
};

} // namespace ltt::viewer
