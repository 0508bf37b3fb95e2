#include "cpu_buffer.hpp"

#include <lttd/directory_layout.hpp>
#include <lttd/unique_fd.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/mman.h>
#include <system_error>
#include <unistd.h>

namespace ltt_stress {

namespace {

[[noreturn]] void fail(const std::filesystem::path& p, std::string_view what) {
    throw std::system_error(errno, std::generic_category(),
                            fmt::format("{}: {}", p.string(), what));
}

} // namespace

cpu_buffer::cpu_buffer(const std::filesystem::path& dir, const ltt_buf_config& config) {
    const auto layout = lttd::layout_for(config.subbuf_order, config.nr_subbufs_order);
    const auto final_path = dir / lttd::buffer_file_name(config.cpu);
    const auto tmp_path = dir / fmt::format(".{}.tmp", lttd::buffer_file_name(config.cpu));
    lttd::unique_fd fd(::open(tmp_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!fd)
        fail(tmp_path, "create");
    if (::ftruncate(fd.get(), static_cast<off_t>(layout.file_size)) != 0)
        fail(tmp_path, "set size");
    base_ = ::mmap(nullptr, layout.file_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
    if (base_ == MAP_FAILED) {
        base_ = nullptr;
        fail(tmp_path, "mmap");
    }
    size_ = layout.file_size;
    auto* base = static_cast<std::uint8_t*>(base_);
    if (ltt_buf_init(&writer_, base + layout.ctl_offset, base + layout.cons_offset,
                     base + layout.data_offset, &config) != 0) {
        errno = EINVAL;
        fail(tmp_path, "buffer geometry out of range");
    }
    if (std::rename(tmp_path.c_str(), final_path.c_str()) != 0)
        fail(final_path, "rename into place");
}

cpu_buffer::~cpu_buffer() {
    if (base_)
        ::munmap(base_, size_);
}

std::uint64_t cpu_buffer::committed() const noexcept {
    std::uint64_t sum = 0;
    for (std::uint32_t s = 0; s < writer_.nr_subbufs; s++)
        sum += __atomic_load_n(&writer_.slots[s].records, __ATOMIC_ACQUIRE);
    return sum;
}

std::array<std::uint64_t, LTT_LOST_NR> cpu_buffer::lost() const noexcept {
    std::array<std::uint64_t, LTT_LOST_NR> out{};
    for (unsigned k = 0; k < LTT_LOST_NR; k++)
        out[k] = __atomic_load_n(&writer_.ctl->lost[k], __ATOMIC_ACQUIRE);
    return out;
}

std::uint64_t cpu_buffer::write_position() const noexcept {
    return __atomic_load_n(&writer_.ctl->offset, __ATOMIC_ACQUIRE);
}

} // namespace ltt_stress
