/* ltt-e2e-workload: the dom0 workload of the QEMU end-to-end runs.
 *
 * A fixed amount of work (not a fixed time), so that running it with and
 * without a tracer measures the tracer's overhead. Four phases, each
 * exercising a different path through Xen and the dom0 kernel:
 *   cpu   arithmetic in one process per vCPU (timer ticks, few hypercalls)
 *   fork  fork + exit + wait loops (page-table updates: PV MMU hypercalls)
 *   pipe  ping-pong between two processes (wake-ups, cross-vCPU IPIs)
 *   io    write, fsync, read back and unlink files in a directory
 * Prints one JSON object: the wall time (CLOCK_MONOTONIC) of each phase and
 * of the whole run, and the work done.
 *
 *   ltt-e2e-workload [--scale F] [--io-dir DIR] [--phases cpu,fork,pipe,io]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char* what) {
    fprintf(stderr, "ltt-e2e-workload: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Keeps the compiler from removing the loop. */
static volatile uint64_t sink;

static void spin(uint64_t iterations) {
    uint64_t x = 88172645463325252ull;
    for (uint64_t i = 0; i < iterations; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    sink = x;
}

static void wait_all(int n) {
    for (int i = 0; i < n; i++) {
        int status;
        if (wait(&status) < 0)
            die("wait");
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "ltt-e2e-workload: a child failed\n");
            exit(1);
        }
    }
}

static void phase_cpu(long ncpu, uint64_t iterations) {
    for (long c = 0; c < ncpu; c++) {
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0) {
            spin(iterations);
            _exit(0);
        }
    }
    wait_all((int)ncpu);
}

static void phase_fork(long forks) {
    for (long i = 0; i < forks; i++) {
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0)
            _exit(0);
        wait_all(1);
    }
}

static void phase_pipe(long round_trips) {
    int ping[2], pong[2];
    if (pipe(ping) < 0 || pipe(pong) < 0)
        die("pipe");
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    char byte = 0;
    if (pid == 0) {
        for (long i = 0; i < round_trips; i++) {
            if (read(ping[0], &byte, 1) != 1 || write(pong[1], &byte, 1) != 1)
                _exit(1);
        }
        _exit(0);
    }
    for (long i = 0; i < round_trips; i++) {
        if (write(ping[1], &byte, 1) != 1 || read(pong[0], &byte, 1) != 1)
            die("pipe round trip");
    }
    wait_all(1);
    close(ping[0]);
    close(ping[1]);
    close(pong[0]);
    close(pong[1]);
}

static void phase_io(const char* dir, long files, long kib_per_file) {
    static char block[64 * 1024];
    memset(block, 0x5a, sizeof block);
    char path[4096];
    for (long f = 0; f < files; f++) {
        snprintf(path, sizeof path, "%s/ltt-e2e-io.%ld.%ld", dir, (long)getpid(), f);
        int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
        if (fd < 0)
            die(path);
        for (long k = 0; k < kib_per_file; k += 64) {
            if (write(fd, block, sizeof block) != (ssize_t)sizeof block)
                die("write");
        }
        if (fsync(fd) < 0 && errno != EINVAL)
            die("fsync");
        if (lseek(fd, 0, SEEK_SET) < 0)
            die("lseek");
        while (read(fd, block, sizeof block) > 0) {
        }
        close(fd);
        if (unlink(path) < 0)
            die("unlink");
    }
}

static int wants(const char* phases, const char* name) {
    size_t n = strlen(name);
    for (const char* p = phases; (p = strstr(p, name)) != NULL; p += n) {
        if ((p == phases || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return 1;
    }
    return 0;
}

int main(int argc, char** argv) {
    double scale = 1.0;
    const char* io_dir = "/tmp";
    const char* phases = "cpu,fork,pipe,io";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc)
            scale = atof(argv[++i]);
        else if (strcmp(argv[i], "--io-dir") == 0 && i + 1 < argc)
            io_dir = argv[++i];
        else if (strcmp(argv[i], "--phases") == 0 && i + 1 < argc)
            phases = argv[++i];
        else {
            fprintf(stderr, "usage: ltt-e2e-workload [--scale F] [--io-dir DIR] "
                            "[--phases cpu,fork,pipe,io]\n");
            return 2;
        }
    }
    if (scale <= 0)
        scale = 1.0;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (ncpu < 1)
        ncpu = 1;

    /* Sized for about 1 s per phase in a 2-vCPU dom0 under QEMU TCG. */
    const uint64_t spin_iterations = (uint64_t)(500e6 * scale);
    const long forks = (long)(300 * scale);
    const long round_trips = (long)(3000 * scale);
    const long io_files = (long)(32 * scale);
    const long io_kib = 1024;

    struct {
        const char* name;
        double seconds;
        int ran;
    } result[4] = {{"cpu", 0, 0}, {"fork", 0, 0}, {"pipe", 0, 0}, {"io", 0, 0}};

    double t0 = now();
    for (int p = 0; p < 4; p++) {
        if (!wants(phases, result[p].name))
            continue;
        double start = now();
        switch (p) {
        case 0:
            phase_cpu(ncpu, spin_iterations);
            break;
        case 1:
            phase_fork(forks);
            break;
        case 2:
            phase_pipe(round_trips);
            break;
        case 3:
            phase_io(io_dir, io_files, io_kib);
            break;
        }
        result[p].seconds = now() - start;
        result[p].ran = 1;
    }
    double total = now() - t0;

    printf("{\"total_s\": %.6f, \"scale\": %g, \"ncpu\": %ld, \"phases\": {", total, scale, ncpu);
    const char* sep = "";
    for (int p = 0; p < 4; p++) {
        if (!result[p].ran)
            continue;
        printf("%s\"%s\": %.6f", sep, result[p].name, result[p].seconds);
        sep = ", ";
    }
    printf("}, \"work\": {\"spin_iterations_per_cpu\": %llu, \"forks\": %ld, "
           "\"pipe_round_trips\": %ld, \"io_files\": %ld, \"io_kib_per_file\": %ld}}\n",
           (unsigned long long)spin_iterations, forks, round_trips, io_files, io_kib);
    return 0;
}
