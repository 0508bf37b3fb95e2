#include "mapped_residency.hpp"

#include <algorithm>

#include <sys/mman.h>
#include <unistd.h>

namespace ltt::viewer {

namespace {
// Drop in steps of at least this much (one system call per step).
constexpr std::uint64_t release_step = 8ull << 20;
} // namespace

mapped_residency::mapped_residency(std::span<const std::byte> bytes, bool mapped,
                                   std::size_t readers)
    : bytes_(bytes), mapped_(mapped), positions_(readers, 0) {}

void mapped_residency::passed(std::size_t reader, std::uint64_t offset) {
    if (!mapped_ || reader >= positions_.size())
        return;
    positions_[reader] = std::max(positions_[reader], offset);
    // The slowest reader decides; looking at every one each time a reader
    // moves to a new window would cost more than the drop saves.
    if (++moves_ % 64 != 0 && offset < released_ + release_step)
        return;
    release_before(*std::min_element(positions_.begin(), positions_.end()));
}

void mapped_residency::release_before(std::uint64_t offset) {
    const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t end = std::min<std::uint64_t>(offset, bytes_.size()) / page * page;
    if (end < released_ + release_step)
        return;
    // A failed drop only leaves the pages resident.
    (void)::madvise(const_cast<std::byte*>(bytes_.data()) + released_, end - released_,
                    MADV_DONTNEED);
    released_ = end;
}

} // namespace ltt::viewer
