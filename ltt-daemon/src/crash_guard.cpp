#include "crash_guard.hpp"

#include <lttd/unique_fd.hpp>

#include <ltt/packet_header.hpp>

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace lttd {

namespace {

enum : std::uint32_t { slot_free = 0, slot_claimed = 1, slot_active = 2 };

} // namespace

// Shared between lttd and its guardian (an anonymous shared mapping made
// before the fork). Lock-free atomics work across processes.
struct crash_guard::table {
    struct entry {
        std::atomic<std::uint32_t> state;
        std::atomic<std::uint64_t> committed;
        char path[PATH_MAX];
    };
    static constexpr std::size_t size = 512;
    entry entries[size];
};

static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

std::uint64_t repair_stream_file(const std::filesystem::path& file, std::uint64_t committed) {
    unique_fd fd(::open(file.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC));
    struct stat st {};
    if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size <= committed)
        return size;
    // Keep every whole packet past the recorded size: a write may have
    // completed without the table hearing of it.
    std::uint64_t pos = committed;
    while (size - pos >= ltt::packet_header_size) {
        std::array<std::byte, ltt::packet_header_size> raw{};
        if (::pread(fd.get(), raw.data(), raw.size(), static_cast<off_t>(pos)) !=
            static_cast<ssize_t>(raw.size()))
            break;
        const ltt::packet_header h = ltt::decode_packet_header(raw);
        const std::uint64_t bytes = h.packet_size / 8;
        if (h.magic != ltt::ctf_magic || h.packet_size % 8 || bytes < ltt::packet_header_size ||
            bytes > size - pos)
            break;
        pos += bytes;
    }
    if (pos != size) {
        if (::ftruncate(fd.get(), static_cast<off_t>(pos)) != 0)
            return size;
        ::fsync(fd.get());
    }
    return pos;
}

std::unique_ptr<crash_guard> crash_guard::start() {
    void* mem =
        ::mmap(nullptr, sizeof(table), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        fmt::print(stderr, "lttd: warning: no crash guard (mmap: {})\n", std::strerror(errno));
        return nullptr;
    }
    auto* t = new (mem) table; // zero pages: every entry free
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        fmt::print(stderr, "lttd: warning: no crash guard (pipe: {})\n", std::strerror(errno));
        ::munmap(mem, sizeof(table));
        return nullptr;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        fmt::print(stderr, "lttd: warning: no crash guard (fork: {})\n", std::strerror(errno));
        ::close(fds[0]);
        ::close(fds[1]);
        ::munmap(mem, sizeof(table));
        return nullptr;
    }
    if (pid == 0) {
        // The guardian: only lttd's end of the pipe closing ends it, so a
        // terminal's Ctrl-C or a SIGTERM to the group does not.
        ::close(fds[1]);
        std::signal(SIGINT, SIG_IGN);
        std::signal(SIGTERM, SIG_IGN);
        std::signal(SIGHUP, SIG_IGN);
        ::prctl(PR_SET_NAME, "lttd-guardian");
        const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null >= 0) {
            ::dup2(null, STDIN_FILENO);
            ::dup2(null, STDOUT_FILENO);
            ::close(null);
        }
        char c;
        while (::read(fds[0], &c, 1) != 0 && errno == EINTR) {
        }
        for (auto& e : t->entries)
            if (e.state.load() == slot_active)
                repair_stream_file(e.path, e.committed.load());
        ::_exit(0);
    }
    ::close(fds[0]);
    return std::unique_ptr<crash_guard>(new crash_guard(t, pid, fds[1]));
}

crash_guard::~crash_guard() {
    ::close(pipe_fd_);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    ::munmap(table_, sizeof(table));
}

int crash_guard::track(const std::filesystem::path& file) noexcept {
    const std::string& p = file.native();
    if (p.size() >= PATH_MAX)
        return -1;
    for (std::size_t i = 0; i < table::size; i++) {
        auto& e = table_->entries[i];
        std::uint32_t expected = slot_free;
        if (!e.state.compare_exchange_strong(expected, slot_claimed))
            continue;
        std::memcpy(e.path, p.c_str(), p.size() + 1);
        e.committed.store(0);
        e.state.store(slot_active);
        return static_cast<int>(i);
    }
    return -1;
}

void crash_guard::committed(int slot, std::uint64_t size) noexcept {
    if (slot >= 0)
        table_->entries[slot].committed.store(size, std::memory_order_release);
}

void crash_guard::untrack(int slot) noexcept {
    if (slot >= 0)
        table_->entries[slot].state.store(slot_free);
}

} // namespace lttd
