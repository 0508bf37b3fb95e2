#include "bus_guard.hpp"

#include <array>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <mutex>

namespace lttd {

namespace {

struct range {
    std::atomic<std::uintptr_t> begin{0};
    std::atomic<std::uintptr_t> end{0};
};

// Read by the signal handler: fixed size, lock-free.
std::array<range, 8192> g_ranges;
thread_local sigjmp_buf* t_env = nullptr;
constexpr std::uintptr_t claimed = 1; // a slot being filled in

bool registered(std::uintptr_t addr) noexcept {
    for (const auto& r : g_ranges) {
        const std::uintptr_t b = r.begin.load(std::memory_order_acquire);
        if (b > claimed && addr >= b && addr < r.end.load(std::memory_order_acquire))
            return true;
    }
    return false;
}

void on_sigbus(int sig, siginfo_t* info, void*) {
    if (t_env && registered(reinterpret_cast<std::uintptr_t>(info->si_addr)))
        siglongjmp(*t_env, 1);
    // Not a mapped buffer shrinking under a guard: a real fault.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

} // namespace

void bus_guard::install() {
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction sa {};
        sa.sa_sigaction = on_sigbus;
        sa.sa_flags = SA_SIGINFO | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGBUS, &sa, nullptr);
    });
}

void bus_guard::add_range(const void* begin, std::size_t size) noexcept {
    const auto b = reinterpret_cast<std::uintptr_t>(begin);
    for (auto& r : g_ranges) {
        std::uintptr_t expected = 0;
        if (r.begin.compare_exchange_strong(expected, claimed)) {
            r.end.store(b + size, std::memory_order_release);
            r.begin.store(b, std::memory_order_release);
            return;
        }
    }
    // Table full: that mapping is simply not protected.
}

void bus_guard::remove_range(const void* begin) noexcept {
    const auto b = reinterpret_cast<std::uintptr_t>(begin);
    for (auto& r : g_ranges) {
        std::uintptr_t expected = b;
        if (r.begin.compare_exchange_strong(expected, 0))
            return;
    }
}

void bus_guard::enter(sigjmp_buf* env) noexcept {
    t_env = env;
    std::atomic_signal_fence(std::memory_order_seq_cst);
}

void bus_guard::leave() noexcept {
    std::atomic_signal_fence(std::memory_order_seq_cst);
    t_env = nullptr;
}

} // namespace lttd
