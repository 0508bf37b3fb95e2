#include "producer_directory.hpp"

#include <lttd/directory_layout.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace ltt_stress {

namespace {

[[noreturn]] void fail(const std::filesystem::path& p, std::string_view what) {
    throw std::system_error(errno, std::generic_category(),
                            fmt::format("{}: {}", p.string(), what));
}

} // namespace

producer_directory::producer_directory(std::filesystem::path dir, lttd::channel_file channel)
    : dir_(std::move(dir)), channel_(std::move(channel)) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec)
        throw std::system_error(ec, fmt::format("{}: create directory", dir_.string()));
    if (!std::filesystem::is_empty(dir_, ec))
        throw std::invalid_argument(
            fmt::format("{}: not empty; ltt-stress produces into a new directory", dir_.string()));

    // channel.json first: lttd reads it before anything else.
    lttd::write_channel_file(dir_ / lttd::channel_file_name, channel_);

    const auto enable_path = dir_ / lttd::enable_map_name;
    enable_fd_.reset(::open(enable_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!enable_fd_)
        fail(enable_path, "create");
    if (::ftruncate(enable_fd_.get(), static_cast<off_t>(lttd::enable_map_size)) != 0)
        fail(enable_path, "set size");
    void* m = ::mmap(nullptr, lttd::enable_map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
                     enable_fd_.get(), 0);
    if (m == MAP_FAILED)
        fail(enable_path, "mmap");
    map_ = static_cast<volatile unsigned char*>(m);

    const auto fifo_path = dir_ / lttd::notify_fifo_name;
    if (::mkfifo(fifo_path.c_str(), 0600) != 0)
        fail(fifo_path, "mkfifo");
    // Read-write, so opening never waits for (or fails without) a reader.
    notify_fd_.reset(::open(fifo_path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (!notify_fd_)
        fail(fifo_path, "open");
}

producer_directory::~producer_directory() {
    buffers_.clear();
    if (map_)
        ::munmap(const_cast<unsigned char*>(map_), lttd::enable_map_size);
}

cpu_buffer& producer_directory::add_cpu(std::uint32_t cpu) {
    ltt_buf_config cfg{};
    cfg.cpu = cpu;
    cfg.mode = ltt::to_ltt_mode(channel_.mode);
    cfg.header_type =
        channel_.header == ltt::event_header_kind::compact ? LTT_HDR_COMPACT : LTT_HDR_LARGE;
    cfg.subbuf_order = channel_.subbuf_order;
    cfg.nr_subbufs_order = channel_.nr_subbufs_order();
    std::memcpy(cfg.uuid, channel_.uuid.data(), LTT_UUID_LEN);
    buffers_.push_back(std::make_unique<cpu_buffer>(dir_, cfg));
    return *buffers_.back();
}

void producer_directory::enable_all() {
    for (std::uint64_t id = 0; id < channel_.event_count(); id++)
        map_[id] = 1;
}

bool producer_directory::any_enabled() const noexcept {
    for (std::uint64_t id = 0; id < channel_.event_count(); id++)
        if (map_[id])
            return true;
    return false;
}

bool producer_directory::wait_for_start(std::chrono::milliseconds timeout) const {
    // lttd writes the map with pwrite(), which inotify reports: no polling.
    lttd::unique_fd in(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (!in || ::inotify_add_watch(in.get(), (dir_ / lttd::enable_map_name).c_str(),
                                   IN_MODIFY | IN_CLOSE_WRITE) < 0)
        fail(dir_ / lttd::enable_map_name, "inotify");
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (any_enabled())
            return true;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return false;
        pollfd p{in.get(), POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) > 0) {
            char buf[4096];
            while (::read(in.get(), buf, sizeof buf) > 0) {
            }
        }
    }
}

void producer_directory::notify() const noexcept {
    const char byte = 1;
    [[maybe_unused]] const auto n = ::write(notify_fd_.get(), &byte, 1);
}

} // namespace ltt_stress
