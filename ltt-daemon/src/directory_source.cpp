#include "directory_source.hpp"

#include <lttd/channel_file.hpp>
#include <lttd/directory_layout.hpp>
#include <lttd/size_parse.hpp>

#include <fmt/format.h>

#include <ltt-guest.h> // kernel-patches/ltt-guest/uapi

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lttd {

namespace {

constexpr std::uint32_t watch_mask = IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM |
                                     IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
// Reads of the inotify queue per wake-up: a directory flooded with events
// must not keep the session from its other work.
constexpr int max_inotify_reads = 16;

// The CPUs whose buffer files a directory holds now.
std::vector<std::uint32_t> list_buffer_files(const std::filesystem::path& dir) {
    std::vector<std::uint32_t> cpus;
    DIR* d = ::opendir(dir.c_str());
    if (!d)
        return cpus;
    while (const dirent* e = ::readdir(d))
        if (const auto cpu = cpu_of_buffer_file(e->d_name))
            cpus.push_back(*cpu);
    ::closedir(d);
    return cpus;
}

} // namespace

channel_info channel_info_of(const channel_file& c) {
    channel_info ch;
    ch.name = c.name;
    ch.domain = c.domain;
    ch.xen_domid = c.xen_domid;
    if (c.domain == ltt::layer::ust) {
        ch.domain_name = "ust";
        ch.trace_subdir = fmt::format("ust/{}-{}", c.name, c.pid);
    } else {
        ch.domain_name = c.xen_domid == 0 ? "dom0" : fmt::format("domU-{}", c.xen_domid);
        ch.trace_subdir = fmt::format("{}/kernel", ch.domain_name);
    }
    ch.stream_prefix = "cpu_";
    ch.producer_pid = c.pid;
    ch.uuid = c.uuid;
    ch.tsc_hz = c.tsc_hz;
    ch.header = c.header;
    ch.subbuf_order = c.subbuf_order;
    ch.nr_subbufs_order = c.nr_subbufs_order();
    ch.mode = c.mode;
    ch.facilities = c.facilities;
    return ch;
}

directory_source::directory_source(std::filesystem::path dir, producer_kind kind)
    : dir_(std::filesystem::absolute(dir).lexically_normal()), kind_(kind) {
    if (!dir_.has_filename() && dir_.has_parent_path() && dir_ != dir_.root_path())
        dir_ = dir_.parent_path(); // "/a/b/" -> "/a/b"
}

directory_source::~directory_source() {
    teardown();
}

std::string directory_source::description() const {
    return (kind_ == producer_kind::kernel_module ? "kernel:" : "dir:") + dir_.string();
}

void directory_source::open_enable_map() {
    const auto enable_path = dir_ / enable_map_name;
    enable_fd_.reset(::open(enable_path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (!enable_fd_)
        throw source_error(fmt::format("{}: {}", enable_path.string(), std::strerror(errno)));
    struct stat st {};
    if (::fstat(enable_fd_.get(), &st) != 0)
        throw source_error(fmt::format("{}: {}", enable_path.string(), std::strerror(errno)));
    if (!S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) != enable_map_size)
        throw source_error(fmt::format("{}: must be a regular file of {} bytes (one per event id)",
                                       enable_path.string(), enable_map_size));
    if (::flock(enable_fd_.get(), LOCK_EX | LOCK_NB) != 0)
        throw source_error(fmt::format(
            "{}: {}", dir_.string(),
            errno == EWOULDBLOCK
                ? std::string("already consumed by another session (enable.map is locked)")
                : fmt::format("flock enable.map: {}", std::strerror(errno))));
}

// ltt-guest.ko allocates its buffers with the geometry lttd asks for (the
// defaults of its module parameters otherwise); the buffers must be free
// (no event enabled, no file open), which the lock on enable.map and
// zeroing it just before make so unless another program holds them.
void directory_source::setup_kernel_geometry(const requested_geometry& geometry) {
    if (!geometry.mode && !geometry.subbuf_size && !geometry.subbufs)
        return;
    channel_file current;
    try {
        current = read_channel_file(dir_ / channel_file_name);
    } catch (const channel_error& e) {
        throw source_error(e.what());
    }
    ltt_guest_setup s{};
    s.mode = ltt::to_ltt_mode(geometry.mode.value_or(current.mode));
    const std::uint64_t size = geometry.subbuf_size.value_or(current.subbuf_size());
    const std::uint32_t count = geometry.subbufs.value_or(current.subbuf_count);
    s.subbuf_order = static_cast<std::uint32_t>(std::countr_zero(size));
    s.nr_subbufs_order = static_cast<std::uint32_t>(std::countr_zero(count));
    if (s.mode == ltt::to_ltt_mode(current.mode) && size == current.subbuf_size() &&
        count == current.subbuf_count)
        return;
    if (::ioctl(enable_fd_.get(), LTT_GUEST_SETUP, &s) != 0) {
        const int err = errno;
        throw source_error(fmt::format(
            "{}: ltt-guest.ko cannot set up {} x {} sub-buffers in {} mode: {}", dir_.string(),
            count, format_size(size), to_string(geometry.mode.value_or(current.mode)),
            err == EBUSY ? "its buffers are in use (another program has a buffer file open)"
            : err == EINVAL || err == E2BIG ? "out of the module's range"
                                            : std::strerror(err)));
    }
}

void directory_source::setup(const requested_geometry& geometry) {
    const auto fail = [&](const std::filesystem::path& p, const std::string& problem) {
        throw source_error(fmt::format("{}: {}", p.string(), problem));
    };
    struct stat st {};
    if (::stat(dir_.c_str(), &st) != 0)
        fail(dir_, std::strerror(errno));
    if (!S_ISDIR(st.st_mode))
        fail(dir_, "not a directory");
    const bool kernel = kind_ == producer_kind::kernel_module;
    if (kernel) {
        // Lock, disable everything (a killed lttd may have left events on),
        // then the geometry: the module refuses it while tracing.
        open_enable_map();
        write_enable_map(true);
        setup_kernel_geometry(geometry);
    }
    try {
        channel_ = channel_info_of(read_channel_file(dir_ / channel_file_name));
    } catch (const channel_error& e) {
        throw source_error(e.what());
    }
    // The producer owns a directory source's geometry: what create asked
    // for must agree with it.
    const auto channel_path = dir_ / channel_file_name;
    if (geometry.mode && *geometry.mode != channel_.mode)
        fail(channel_path,
             fmt::format("the producer's buffers are in {} mode, not {} (a directory source's "
                         "producer chooses the mode)",
                         to_string(channel_.mode), to_string(*geometry.mode)));
    if (geometry.subbuf_size && *geometry.subbuf_size != channel_.subbuf_size())
        fail(channel_path,
             fmt::format("the producer's sub-buffers are {}, not {}",
                         format_size(channel_.subbuf_size()), format_size(*geometry.subbuf_size)));
    if (geometry.subbufs && *geometry.subbufs != channel_.subbuf_count())
        fail(channel_path, fmt::format("the producer has {} sub-buffers per CPU, not {}",
                                       channel_.subbuf_count(), *geometry.subbufs));

    if (!kernel)
        open_enable_map();
    enabled_.assign(channel_.event_count(), false);
    write_enable_map(true);

    if (!kernel) {
        const auto notify_path = dir_ / notify_fifo_name;
        // Read-write: with a writer always present (us), poll() never
        // reports hang-up between two producers.
        notify_fd_.reset(::open(notify_path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW));
        if (!notify_fd_)
            fail(notify_path, std::strerror(errno));
        if (::fstat(notify_fd_.get(), &st) != 0 || !S_ISFIFO(st.st_mode))
            fail(notify_path, "not a FIFO");
    }

    // Watch before listing, so a file appearing in between is not missed
    // (try_add() ignores a CPU mapped already).
    inotify_fd_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!inotify_fd_)
        fail(dir_, fmt::format("inotify: {}", std::strerror(errno)));
    dir_watch_ = ::inotify_add_watch(inotify_fd_.get(), dir_.c_str(), watch_mask);
    if (dir_watch_ < 0)
        fail(dir_, fmt::format("inotify watch: {}", std::strerror(errno)));
    parent_watch_ = ::inotify_add_watch(inotify_fd_.get(), dir_.parent_path().c_str(),
                                        IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR);
    for (const std::uint32_t cpu : list_buffer_files(dir_))
        buffers_.emplace(cpu, std::make_unique<mapped_buffer>(dir_, cpu, channel_, kind_));
}

void directory_source::teardown() noexcept {
    if (enable_fd_) {
        try {
            write_enable_map(true);
        } catch (...) {
            // The directory may be gone: nothing is left to disable.
        }
    }
    started_ = false;
    buffers_.clear();
    removing_.clear();
    inotify_fd_.reset();
    notify_fd_.reset();
    enable_fd_.reset(); // releases the flock
}

std::vector<buffer_view> directory_source::buffers() const {
    std::vector<buffer_view> out;
    for (const auto& [cpu, b] : buffers_)
        out.push_back(b->view());
    return out;
}

std::optional<buffer_view> directory_source::buffer(std::uint32_t cpu) const {
    const auto it = buffers_.find(cpu);
    if (it == buffers_.end())
        return std::nullopt;
    return it->second->view();
}

std::vector<int> directory_source::poll_fds() const {
    std::vector<int> fds;
    if (notify_fd_)
        fds.push_back(notify_fd_.get());
    if (inotify_fd_ && !vanished_)
        fds.push_back(inotify_fd_.get());
    for (const auto& [cpu, b] : buffers_)
        if (b->fd() >= 0 && !removing_.contains(cpu))
            fds.push_back(b->fd());
    return fds;
}

std::vector<source_event> directory_source::handle_readable(int fd) {
    if (fd == inotify_fd_.get())
        return read_inotify();
    std::vector<source_event> events;
    if (fd == notify_fd_.get()) {
        char buf[4096];
        while (::read(notify_fd_.get(), buf, sizeof buf) > 0) {
        }
        events.push_back({source_event::kind::data, 0, {}});
        return events;
    }
    for (const auto& [cpu, b] : buffers_)
        if (b->fd() == fd) {
            b->acknowledge();
            events.push_back({source_event::kind::data, cpu, {}});
        }
    return events;
}

void directory_source::vanish(std::string why, std::vector<source_event>& events) {
    if (vanished_)
        return;
    vanished_ = true;
    for (const auto& [cpu, b] : buffers_)
        if (removing_.insert(cpu).second)
            events.push_back({source_event::kind::buffer_removed, cpu, {}});
    events.push_back({source_event::kind::vanished, 0,
                      fmt::format("{}: the source directory was {}", dir_.string(), why)});
}

void directory_source::try_add(std::uint32_t cpu, std::vector<source_event>& events) {
    if (buffers_.contains(cpu) || vanished_)
        return;
    try {
        buffers_.emplace(cpu, std::make_unique<mapped_buffer>(dir_, cpu, channel_, kind_));
        refused_.erase(cpu);
        events.push_back({source_event::kind::buffer_added, cpu, {}});
    } catch (const source_error& e) {
        // Gone again already: nothing to say. Otherwise report a refusal
        // once, not at every event of the same file.
        std::error_code ec;
        if (!std::filesystem::exists(dir_ / buffer_file_name(cpu), ec))
            return;
        auto& last = refused_[cpu];
        if (last != e.what()) {
            last = e.what();
            events.push_back({source_event::kind::problem, cpu, e.what()});
        }
    }
}

std::vector<source_event> directory_source::read_inotify() {
    std::vector<source_event> events;
    alignas(inotify_event) char buf[16384];
    for (int reads = 0; reads < max_inotify_reads; reads++) {
        const ssize_t n = ::read(inotify_fd_.get(), buf, sizeof buf);
        if (n <= 0)
            break;
        for (ssize_t off = 0; off < n;) {
            const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
            off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
            if (ev->mask & IN_Q_OVERFLOW) {
                // Events were dropped: look at the directory itself.
                const auto present = list_buffer_files(dir_);
                for (const auto& [cpu, b] : buffers_)
                    if (std::find(present.begin(), present.end(), cpu) == present.end() &&
                        removing_.insert(cpu).second)
                        events.push_back({source_event::kind::buffer_removed, cpu, {}});
                for (const std::uint32_t cpu : present)
                    try_add(cpu, events);
                continue;
            }
            if (ev->wd == parent_watch_) {
                if (ev->len && (ev->mask & (IN_DELETE | IN_MOVED_FROM)) &&
                    dir_.filename() == ev->name)
                    vanish(ev->mask & IN_DELETE ? "removed" : "moved away", events);
                continue;
            }
            if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
                vanish(ev->mask & IN_MOVE_SELF ? "moved away" : "removed", events);
                continue;
            }
            if (ev->len == 0)
                continue;
            const auto cpu = cpu_of_buffer_file(ev->name);
            if (!cpu)
                continue;
            if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
                refused_.erase(*cpu);
                if (buffers_.contains(*cpu) && removing_.insert(*cpu).second)
                    events.push_back({source_event::kind::buffer_removed, *cpu, {}});
            } else if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
                try_add(*cpu, events);
            }
        }
    }
    return events;
}

std::vector<int> directory_source::flush(const std::vector<std::uint32_t>& cpus, flush_kind kind) {
    std::vector<int> results;
    for (const auto cpu : cpus) {
        const auto it = buffers_.find(cpu);
        results.push_back(it == buffers_.end()
                              ? 0
                              : it->second->flush(kind == flush_kind::empty ? LTT_SWITCH_EMPTY
                                                                            : LTT_SWITCH_ACTIVE));
    }
    return results;
}

void directory_source::write_enable_map(bool all_off) {
    std::vector<unsigned char> map(enable_map_size, 0);
    if (!all_off)
        for (std::size_t id = 0; id < enabled_.size() && id < map.size(); id++)
            map[id] = enabled_[id] ? 1 : 0;
    std::size_t done = 0;
    while (done < map.size()) {
        const ssize_t n = ::pwrite(enable_fd_.get(), map.data() + done, map.size() - done,
                                   static_cast<off_t>(done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw source_error(fmt::format("{}: write: {}", (dir_ / enable_map_name).string(),
                                           n < 0 ? std::strerror(errno) : "no progress"));
        done += static_cast<std::size_t>(n);
    }
}

void directory_source::set_events(const std::vector<bool>& enabled) {
    enabled_ = enabled;
    enabled_.resize(channel_.event_count(), false);
    if (started_)
        write_enable_map(false);
}

void directory_source::start() {
    write_enable_map(false);
    started_ = true;
}

void directory_source::stop() {
    started_ = false;
    write_enable_map(true);
}

void directory_source::release(std::uint32_t cpu) {
    buffers_.erase(cpu);
    removing_.erase(cpu);
}

void directory_source::refresh_state() {
    if (kind_ != producer_kind::kernel_module || !enable_fd_)
        return;
    if (::ioctl(enable_fd_.get(), LTT_GUEST_STATEDUMP) != 0)
        throw source_error(fmt::format("{}: statedump: {}", dir_.string(), std::strerror(errno)));
}

subbuf_lender* directory_source::lender() noexcept {
    // A user-space producer's slot table is lttd's to swap in place.
    return kind_ == producer_kind::kernel_module && channel_.mode == ltt::ring_mode::overwrite
               ? this
               : nullptr;
}

std::optional<lent_subbuf> directory_source::get(std::uint32_t cpu) {
    const auto it = buffers_.find(cpu);
    if (it == buffers_.end())
        throw source_error(fmt::format("{}: cpu {} has no buffer", dir_.string(), cpu));
    ltt_guest_subbuf sb{};
    if (::ioctl(it->second->fd(), LTT_GUEST_GET_SUBBUF, &sb) == 0)
        return lent_subbuf{sb.offset, sb.size, sb.seq, false};
    const int err = errno;
    if (err == ENODATA)
        return std::nullopt;
    if (err == EIO) // held, but the packet is not sane: put() skips it
        return lent_subbuf{sb.offset, 0, sb.seq, true};
    throw source_error(fmt::format("{}: cpu {}: GET_SUBBUF: {}", it->second->path().string(), cpu,
                                   std::strerror(err)));
}

void directory_source::put(std::uint32_t cpu) {
    const auto it = buffers_.find(cpu);
    if (it == buffers_.end())
        throw source_error(fmt::format("{}: cpu {} has no buffer", dir_.string(), cpu));
    if (::ioctl(it->second->fd(), LTT_GUEST_PUT_SUBBUF) != 0)
        throw source_error(fmt::format("{}: cpu {}: PUT_SUBBUF: {} (the module's reader holds "
                                       "nothing); the CPU is no longer read",
                                       it->second->path().string(), cpu, std::strerror(errno)));
}

} // namespace lttd
