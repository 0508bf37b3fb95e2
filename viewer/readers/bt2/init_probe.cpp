#include "init_probe.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ltt::viewer::bt2 {

namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LTT_BT2_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define LTT_BT2_SANITIZED 1
#endif
#endif

void limit(int resource, rlim_t value) {
    rlimit l{};
    if (getrlimit(resource, &l) != 0)
        return;
    if (l.rlim_max != RLIM_INFINITY && l.rlim_max < value)
        value = l.rlim_max;
    l.rlim_cur = value;
    setrlimit(resource, &l);
}

// The heap a child may use while babeltrace2 indexes a trace: far more than
// indexing needs (a few hundred bytes a packet), far less than the host has.
constexpr std::size_t child_heap_bytes = std::size_t{1} << 30;

// A child that went over child_heap_bytes exits with this status.
constexpr int heap_exceeded_status = 3;

#ifdef LTT_BT2_SANITIZED
} // namespace
// sanitizer_common's allocator interface (sanitizer/allocator_interface.h,
// which GCC does not install), in the ASan and TSan runtimes alike.
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*,
                                                                             std::size_t),
                                                         void (*free_hook)(const volatile void*));
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
namespace {

// Under a sanitizer RLIMIT_DATA cannot bound the heap (the shadow memory,
// mapped already, counts as data), so the child checks its heap itself,
// once per MiB allocated.
std::size_t allocated_since_check = 0;

void heap_limit_hook(const volatile void*, std::size_t size) {
    allocated_since_check += size;
    if (allocated_since_check < (std::size_t{1} << 20))
        return;
    allocated_since_check = 0;
    if (__sanitizer_get_current_allocated_bytes() <= child_heap_bytes)
        return;
    static constexpr char message[] = "babeltrace2 used more than its heap limit\n";
    [[maybe_unused]] const ssize_t n = write(STDERR_FILENO, message, sizeof message - 1);
    _exit(heap_exceeded_status);
}

void ignore_free(const volatile void*) {} // the runtime wants both hooks

void limit_heap() {
    __sanitizer_install_malloc_and_free_hooks(heap_limit_hook, ignore_free);
}
#else
void limit_heap() {
    limit(RLIMIT_DATA, child_heap_bytes);
}
#endif

} // namespace

unsigned cpu_budget_factor() {
#ifdef LTT_BT2_SANITIZED
    // A sanitizer's Debug build on a busy host: a CI run's ASan test spent
    // more than 2 s of CPU indexing the 16-stream many-threads trace (a
    // damaged copy, but not one babeltrace2 loops on).
    return 5;
#else
    return 1;
#endif
}

unsigned opening_cpu_budget(std::uint64_t stream_bytes) {
    // Indexing reads a packet's header and context, a few hundred bytes of
    // a packet of kilobytes, and the metadata: 2 s, and 1 s per 16 MiB of
    // stream, are a thousand times what a small trace needs on any machine.
    const unsigned budget =
        2u + static_cast<unsigned>(std::min<std::uint64_t>(stream_bytes >> 24, 3600));
    return budget * cpu_budget_factor();
}

probe_result probe_in_child(const bt_component_class_source* fs, const bt_value* params,
                            unsigned cpu_seconds) {
    probe_result r;
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) {
        r.opened = true;
        return r;
    }
    const pid_t pid = fork();
    if (pid < 0) {
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        r.opened = true;
        return r;
    }
    if (pid == 0) {
        // The child (only the forking thread: see init_probe.hpp): the
        // library, then _exit (no exit handlers, no destructors of the
        // parent's objects, no leak check of what it inherited).
        close(pipe_fds[0]);
        dup2(pipe_fds[1], STDERR_FILENO);
        // Die of the signal, as the parent expects, whatever handlers the
        // process had (a fuzzer's or a sanitizer's would exit instead).
        for (const int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGXCPU})
            std::signal(sig, SIG_DFL);
        limit(RLIMIT_CPU, cpu_seconds);
        limit_heap();
        bt_graph* graph = bt_graph_create(0);
        const bt_component_source* source = nullptr;
        const bool ok = graph != nullptr && bt_graph_add_source_component(
                                                graph, fs, "source", params, BT_LOGGING_LEVEL_NONE,
                                                &source) == BT_GRAPH_ADD_COMPONENT_STATUS_OK;
        _exit(ok ? 0 : 1);
    }
    close(pipe_fds[1]);
    char buffer[4096];
    for (;;) {
        const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        r.output.append(buffer, static_cast<std::size_t>(n));
        if (r.output.size() > 8192)
            r.output.erase(0, r.output.size() - 4096);
    }
    close(pipe_fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            r.opened = true;
            return r;
        }
    }
    // Exit statuses other than 0 and 1 are not the child's: a fuzzer's or
    // a sanitizer's handler ended it (libFuzzer's -malloc_limit_mb, for one).
    r.opened = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    r.crashed = WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) > 1);
    r.too_long = WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU;
    // Without a sanitizer, RLIMIT_DATA makes GLib abort ("failed to allocate").
    r.too_big = (WIFEXITED(status) && WEXITSTATUS(status) == heap_exceeded_status) ||
                (r.crashed && r.output.find("failed to allocate") != std::string::npos);
    return r;
}

unsigned child_heap_mib() {
    return static_cast<unsigned>(child_heap_bytes >> 20);
}

std::string crash_reason(const std::string& output) {
    std::istringstream lines(output);
    std::string line, reasons, last;
    while (std::getline(lines, line)) {
        const auto start = line.find_first_not_of(" \t");
        if (start == std::string::npos)
            continue;
        last = line.substr(start);
        if (line.find("Assertion") != std::string::npos ||
            line.find("ERROR: AddressSanitizer") != std::string::npos) {
            if (!reasons.empty())
                reasons += "; ";
            reasons += last;
        }
    }
    return reasons.empty() ? last : reasons;
}

} // namespace ltt::viewer::bt2
