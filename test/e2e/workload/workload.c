/* ltt-e2e-workload: the dom0 workload of the QEMU end-to-end runs.
 *
 * Runs for a fixed time, not a fixed amount of work, and reports its rate
 * (operations per second): the emulated CPUs are QEMU threads on the host's
 * cores, so other work on the host slows them down by up to 20x, and a
 * fixed amount of work would take 20x as long. A tracer's overhead is the
 * drop of the rate between untraced and traced runs. Four phases, each
 * exercising a different path through Xen and the dom0 kernel, each running
 * for its share of the time:
 *   cpu   arithmetic in one process per vCPU (timer ticks, few hypercalls);
 *         an operation is a million iterations of a xorshift step
 *   fork  fork + exit + wait (page-table updates: PV MMU hypercalls)
 *   pipe  a ping-pong round trip between two processes (wake-ups,
 *         cross-vCPU IPIs)
 *   io    write a 256 KiB file, fsync, read it back, unlink it
 * Prints one JSON object: per phase its wall time (CLOCK_MONOTONIC),
 * operations and operations per second, and the whole run's wall time.
 *
 *   ltt-e2e-workload [--seconds S] [--phases cpu,fork,pipe,io] [--io-dir DIR]
 *   ltt-e2e-workload --scale F ...   the same, for --seconds 4*F (the
 *                                    fixed-work workload's scale 1 took
 *                                    about 4 s on a quiet host)
 *   ltt-e2e-workload --calibrate     a fixed amount of work, timed: how
 *                                    much slower than on a quiet host the
 *                                    emulated CPUs run now (see below)
 *
 * SIGTERM or SIGINT ends the run early: the phase running stops, the
 * following ones do not run, and the JSON (with "stopped": true) covers
 * what ran - for a workload that must last until something else is done
 * (a flight-recorder snapshot) however slow the host.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SECONDS 4.0
#define SECONDS_PER_SCALE 4.0

/* --calibrate: a fixed amount of the work the scenarios' steps are made of,
 * timed: a spin on every vCPU at once (how much CPU the host gives the
 * emulated CPUs), then pipe round trips and forks (how quickly a halted
 * vCPU runs again when woken: the host's scheduling latency, which a busy
 * host makes up to 20x longer and more). The speed factor is the ratio of
 * the total time to a quiet host's, never below 1 (a faster host keeps the
 * quiet-host limits). The e2e time limits scale with it.
 *
 * The reference times are those of a 2-vCPU dom0 under QEMU TCG on a quiet
 * host of this project's kind (2 cores, Debian 12, QEMU 7.2), from the
 * fixed-work workload's quiet runs (3.3-3.8 s for 500M spin iterations per
 * vCPU, 300 forks, 3000 round trips and 32 MiB of files: about 1 s each),
 * taken 10-15 % lower so that the factor errs on the generous side: a
 * factor too high only makes a limit longer. */
#define CALIBRATION_SPIN_ITERATIONS 40000000ull
#define CALIBRATION_ROUND_TRIPS 200
#define CALIBRATION_FORKS 20
#define CALIBRATION_REFERENCE_CPU_S 0.07
#define CALIBRATION_REFERENCE_PIPE_S 0.06
#define CALIBRATION_REFERENCE_FORK_S 0.06

#define SPIN_CHUNK 1000000ull
#define IO_FILE_KIB 256

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char* what) {
    fprintf(stderr, "ltt-e2e-workload: %s: %s\n", what, strerror(errno));
    exit(1);
}

static volatile sig_atomic_t stop_requested;

static void request_stop(int sig) {
    (void)sig;
    stop_requested = 1;
}

/* A phase goes on until its deadline or a stop request. */
static int running(double deadline) {
    return !stop_requested && now() < deadline;
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
    sink ^= x;
}

static void wait_all(int n) {
    for (int i = 0; i < n; i++) {
        int status;
        while (wait(&status) < 0) {
            if (errno != EINTR)
                die("wait");
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "ltt-e2e-workload: a child failed\n");
            exit(1);
        }
    }
}

/* One process per vCPU spins in chunks of SPIN_CHUNK iterations until the
 * deadline, or `iterations` of them when that is not 0; returns the chunks
 * done by all of them. */
static uint64_t phase_cpu(long ncpu, double deadline, uint64_t iterations) {
    int counts[2];
    if (pipe(counts) < 0)
        die("pipe");
    pid_t* children = calloc((size_t)ncpu, sizeof *children);
    if (!children)
        die("calloc");
    for (long c = 0; c < ncpu; c++) {
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0) {
            uint64_t chunks = 0;
            if (iterations) {
                spin(iterations);
                chunks = iterations / SPIN_CHUNK;
            } else {
                while (running(deadline)) {
                    spin(SPIN_CHUNK);
                    chunks++;
                }
            }
            if (write(counts[1], &chunks, sizeof chunks) != (ssize_t)sizeof chunks)
                _exit(1);
            _exit(0);
        }
        children[c] = pid;
    }
    close(counts[1]);
    uint64_t total = 0, chunks;
    ssize_t n;
    int forwarded = 0;
    for (;;) {
        n = read(counts[0], &chunks, sizeof chunks);
        if (n == (ssize_t)sizeof chunks) {
            total += chunks;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            /* A stop request: the children spin until told to. */
            if (stop_requested && !forwarded) {
                for (long c = 0; c < ncpu; c++)
                    kill(children[c], SIGTERM);
                forwarded = 1;
            }
            continue;
        }
        break;
    }
    if (n < 0)
        die("read");
    close(counts[0]);
    wait_all((int)ncpu);
    free(children);
    return total;
}

/* fork + exit + wait until the deadline, or `count` times when that is
 * not 0. */
static uint64_t phase_fork(double deadline, uint64_t count) {
    uint64_t forks = 0;
    while (count ? forks < count : running(deadline)) {
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0)
            _exit(0);
        wait_all(1);
        forks++;
    }
    return forks;
}

/* Round trips until the deadline, or `count` of them when that is not 0. */
static uint64_t phase_pipe(double deadline, uint64_t count) {
    int ping[2], pong[2];
    if (pipe(ping) < 0 || pipe(pong) < 0)
        die("pipe");
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    char byte = 0;
    if (pid == 0) {
        /* Answers until the parent closes its end. */
        close(ping[1]);
        close(pong[0]);
        while (read(ping[0], &byte, 1) == 1) {
            if (write(pong[1], &byte, 1) != 1)
                _exit(1);
        }
        _exit(0);
    }
    close(ping[0]);
    close(pong[1]);
    uint64_t round_trips = 0;
    /* The clock is read every round trip: on a busy host one may take
     * 10 ms, and a phase must not overrun its share by much. */
    while (count ? round_trips < count : running(deadline)) {
        if (write(ping[1], &byte, 1) != 1 || read(pong[0], &byte, 1) != 1) {
            if (errno == EINTR && stop_requested)
                break;
            die("pipe round trip");
        }
        round_trips++;
    }
    close(ping[1]);
    wait_all(1);
    close(pong[0]);
    return round_trips;
}

static uint64_t phase_io(const char* dir, double deadline) {
    static char block[64 * 1024];
    memset(block, 0x5a, sizeof block);
    char path[4096];
    uint64_t files = 0;
    while (running(deadline)) {
        snprintf(path, sizeof path, "%s/ltt-e2e-io.%ld.%llu", dir, (long)getpid(),
                 (unsigned long long)files);
        int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
        if (fd < 0)
            die(path);
        for (long k = 0; k < IO_FILE_KIB; k += 64) {
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
        files++;
    }
    return files;
}

static int wants(const char* phases, const char* name) {
    size_t n = strlen(name);
    for (const char* p = phases; (p = strstr(p, name)) != NULL; p += n) {
        if ((p == phases || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return 1;
    }
    return 0;
}

static int calibrate(long ncpu) {
    double t0 = now();
    phase_cpu(ncpu, 0, CALIBRATION_SPIN_ITERATIONS);
    double t1 = now();
    phase_pipe(0, CALIBRATION_ROUND_TRIPS);
    double t2 = now();
    phase_fork(0, CALIBRATION_FORKS);
    double t3 = now();
    const double reference =
        CALIBRATION_REFERENCE_CPU_S + CALIBRATION_REFERENCE_PIPE_S + CALIBRATION_REFERENCE_FORK_S;
    double factor = (t3 - t0) / reference;
    if (factor < 1.0)
        factor = 1.0;
    printf("{\"calibration_s\": %.4f, \"reference_s\": %.4f, \"cpu_s\": %.4f, \"pipe_s\": %.4f, "
           "\"fork_s\": %.4f, \"spin_iterations_per_cpu\": %llu, \"round_trips\": %d, "
           "\"forks\": %d, \"ncpu\": %ld, \"factor\": %.2f}\n",
           t3 - t0, reference, t1 - t0, t2 - t1, t3 - t2, CALIBRATION_SPIN_ITERATIONS,
           CALIBRATION_ROUND_TRIPS, CALIBRATION_FORKS, ncpu, factor);
    return 0;
}

static int usage(void) {
    fprintf(stderr, "usage: ltt-e2e-workload [--seconds S | --scale F] [--io-dir DIR] "
                    "[--phases cpu,fork,pipe,io]\n"
                    "       ltt-e2e-workload --calibrate\n");
    return 2;
}

/* A positive number, or -1. */
static double positive(const char* s) {
    char* end;
    errno = 0;
    double v = strtod(s, &end);
    return errno == 0 && end != s && *end == '\0' && v > 0 ? v : -1;
}

int main(int argc, char** argv) {
    double seconds = DEFAULT_SECONDS;
    const char* io_dir = "/tmp";
    const char* phases = "cpu,fork,pipe,io";
    int do_calibrate = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            if ((seconds = positive(argv[++i])) < 0)
                return usage();
        } else if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc) {
            if ((seconds = positive(argv[++i])) < 0)
                return usage();
            seconds *= SECONDS_PER_SCALE;
        } else if (strcmp(argv[i], "--io-dir") == 0 && i + 1 < argc)
            io_dir = argv[++i];
        else if (strcmp(argv[i], "--phases") == 0 && i + 1 < argc)
            phases = argv[++i];
        else if (strcmp(argv[i], "--calibrate") == 0)
            do_calibrate = 1;
        else
            return usage();
    }
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (ncpu < 1)
        ncpu = 1;
    if (do_calibrate)
        return calibrate(ncpu);

    /* No SA_RESTART: a stop request interrupts a blocking read. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = request_stop;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
        die("sigaction");

    static const char* const names[4] = {"cpu", "fork", "pipe", "io"};
    static const char* const units[4] = {"million spin iterations (all vCPUs)", "fork+exit+wait",
                                         "pipe round trip",
                                         "256 KiB file written, fsynced, read, unlinked"};
    int nphases = 0;
    for (int p = 0; p < 4; p++)
        nphases += wants(phases, names[p]);
    if (nphases == 0) {
        fprintf(stderr, "ltt-e2e-workload: --phases %s names no phase (cpu,fork,pipe,io)\n",
                phases);
        return 2;
    }
    const double share = seconds / nphases;

    struct {
        double seconds;
        uint64_t ops;
        int ran;
    } result[4] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}};

    double t0 = now();
    for (int p = 0; p < 4; p++) {
        if (!wants(phases, names[p]) || stop_requested)
            continue;
        double start = now();
        double deadline = start + share;
        switch (p) {
        case 0:
            result[p].ops = phase_cpu(ncpu, deadline, 0);
            break;
        case 1:
            result[p].ops = phase_fork(deadline, 0);
            break;
        case 2:
            result[p].ops = phase_pipe(deadline, 0);
            break;
        case 3:
            result[p].ops = phase_io(io_dir, deadline);
            break;
        }
        result[p].seconds = now() - start;
        result[p].ran = 1;
    }
    double total = now() - t0;

    printf("{\"seconds\": %g, \"total_s\": %.6f, \"ncpu\": %ld, \"stopped\": %s, \"phases\": {",
           seconds, total, ncpu, stop_requested ? "true" : "false");
    const char* sep = "";
    for (int p = 0; p < 4; p++) {
        if (!result[p].ran)
            continue;
        printf("%s\"%s\": {\"seconds\": %.6f, \"ops\": %llu, \"ops_per_s\": %.3f, \"op\": \"%s\"}",
               sep, names[p], result[p].seconds, (unsigned long long)result[p].ops,
               result[p].seconds > 0 ? (double)result[p].ops / result[p].seconds : 0.0, units[p]);
        sep = ", ";
    }
    printf("}}\n");
    return 0;
}
