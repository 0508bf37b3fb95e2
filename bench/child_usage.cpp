// ltt-bench-child-usage OUT PROGRAM ARGS...: runs PROGRAM (stdin, stdout and
// stderr inherited) and writes to OUT its own CPU time and peak RSS:
//
//   user_s system_s peak_rss_kb exit_code
//
// Why not os.wait4 from the benchmark script: Linux keeps a process's peak
// RSS across exec (exec_mmap records the replaced address space's high-water
// mark), so a child forked from Python starts with Python's RSS as its peak
// and every small program shows the same figure. This launcher is small, so
// the floor it leaves is a few hundred KiB; view_bench.py measures it
// (`true` through this launcher) and reports it beside the figures.
//
// Plain POSIX and stdio, no iostreams: everything this process maps and
// touches is part of that floor.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s OUT PROGRAM [ARGS...]\n", argv[0]);
        return 2;
    }
    const pid_t pid = fork();
    if (pid < 0) {
        std::fprintf(stderr, "%s: fork: %s\n", argv[0], std::strerror(errno));
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        std::fprintf(stderr, "%s: %s: %s\n", argv[0], argv[2], std::strerror(errno));
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    while (wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            std::fprintf(stderr, "%s: wait4: %s\n", argv[0], std::strerror(errno));
            return 2;
        }
    }
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::FILE* out = std::fopen(argv[1], "w");
    if (out == nullptr) {
        std::fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1], std::strerror(errno));
        return 2;
    }
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    std::fprintf(out, "%.6f %.6f %ld %d\n", seconds(usage.ru_utime), seconds(usage.ru_stime),
                 usage.ru_maxrss, code);
    return std::fclose(out) == 0 ? 0 : 2;
}
