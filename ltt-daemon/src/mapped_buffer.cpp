#include "mapped_buffer.hpp"

#include "buffer_check.hpp"
#include "bus_guard.hpp"

#include <lttd/directory_layout.hpp>
#include <lttd/unique_fd.hpp>

#include <ltt-guest.h> // kernel-patches/ltt-guest/uapi

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <vector>

namespace lttd {

mapped_buffer::mapped_buffer(const std::filesystem::path& dir, std::uint32_t cpu,
                             const channel_info& channel, producer_kind kind)
    : path_(dir / buffer_file_name(cpu)), kind_(kind) {
    bus_guard::install();
    const auto fail = [&](const std::string& problem) {
        throw source_error(fmt::format("{}: {}", path_.string(), problem));
    };
    // O_NONBLOCK: a FIFO planted under a buffer file's name must not block us.
    unique_fd fd(::open(path_.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (!fd)
        fail(errno == ELOOP ? "is a symbolic link (refused)" : std::strerror(errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        fail(std::strerror(errno));
    if (!S_ISREG(st.st_mode))
        fail("not a regular file");
    const buffer_file_layout layout = layout_for(channel.subbuf_order, channel.nr_subbufs_order);
    size_ = static_cast<std::uint64_t>(st.st_size);
    if (size_ < sizeof(ltt_buf_ctl))
        fail(fmt::format("{} bytes, too small for a buffer header", size_));
    // Map what the file really has (never more: pages past its end fault),
    // then check everything before anything else reads it - on a copy of
    // the control part, taken under the SIGBUS guard (the file may shrink).
    const bool kernel = kind_ == producer_kind::kernel_module;
    base_ = ::mmap(nullptr, size_, kernel ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED,
                   fd.get(), 0);
    if (base_ == MAP_FAILED) {
        base_ = nullptr;
        fail(fmt::format("mmap: {}", std::strerror(errno)));
    }
    bus_guard::add_range(base_, size_);
    std::vector<std::byte> head(std::min(size_, layout.data_offset));
    const bool read = bus_guard::run([&] { std::memcpy(head.data(), base_, head.size()); });
    auto problem = read ? check_buffer_file(head.data(), size_, cpu, channel)
                        : std::optional<std::string>("the file shrank while being read");
    if (problem) {
        release();
        fail(*problem);
    }
    cons_offset_ = layout.cons_offset;
    data_offset_ = layout.data_offset;
    if (kernel) {
        cons_map_ = ::mmap(nullptr, layout_page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(),
                           static_cast<off_t>(cons_offset_));
        if (cons_map_ == MAP_FAILED) {
            cons_map_ = nullptr;
            release();
            fail(fmt::format("mmap of the consumer page: {}", std::strerror(errno)));
        }
        fd_ = std::move(fd);
    }
    ltt_buf_config cfg{};
    cfg.cpu = cpu;
    cfg.mode = ltt::to_ltt_mode(channel.mode);
    cfg.header_type =
        channel.header == ltt::event_header_kind::compact ? LTT_HDR_COMPACT : LTT_HDR_LARGE;
    cfg.subbuf_order = channel.subbuf_order;
    cfg.nr_subbufs_order = channel.nr_subbufs_order;
    std::memcpy(cfg.uuid, channel.uuid.data(), LTT_UUID_LEN);
    auto* base = static_cast<std::uint8_t*>(base_);
    if (ltt_buf_attach(&flusher_, base, base + cons_offset_, base + data_offset_, &cfg) != 0) {
        release();
        fail("geometry out of range");
    }
}

mapped_buffer::~mapped_buffer() {
    release();
}

void mapped_buffer::release() noexcept {
    if (cons_map_)
        ::munmap(cons_map_, layout_page_size);
    cons_map_ = nullptr;
    if (!base_)
        return;
    bus_guard::remove_range(base_);
    ::munmap(base_, size_);
    base_ = nullptr;
}

buffer_view mapped_buffer::view() const noexcept {
    auto* base = static_cast<std::uint8_t*>(base_);
    buffer_view v;
    v.cpu = flusher_.cpu;
    v.ctl = base;
    v.ctl_len = cons_offset_;
    v.cons = cons_map_ ? cons_map_ : base + cons_offset_;
    v.data = base + data_offset_;
    v.data_len = size_ - data_offset_;
    return v;
}

void mapped_buffer::acknowledge() const noexcept {
    std::uint64_t closed = 0;
    if (fd_)
        (void)!::read(fd_.get(), &closed, sizeof closed);
}

int mapped_buffer::flush(int switch_flags) {
    if (kind_ == producer_kind::kernel_module) {
        // The module switches on the buffer's own CPU (its writers' atomics
        // are CPU-local).
        const int r =
            ::ioctl(fd_.get(), LTT_GUEST_SWITCH, static_cast<unsigned long>(switch_flags));
        if (r >= 0)
            return r;
        return errno == ENOSPC ? -1 : flush_failed;
    }
    int result = flush_failed;
    const bool done = bus_guard::run([&] {
        // ring.h trusts the slot entries of overwrite mode: check them first.
        if (flusher_.mode == LTT_MODE_OVERWRITE &&
            !slot_entries_sane(flusher_.ctl, flusher_.nr_subbufs))
            return;
        result = ltt_switch(&flusher_, switch_flags);
    });
    return done ? result : flush_failed;
}

} // namespace lttd
