/*
 * ltt-e2e-vector-check: does the machine keep a process's vector registers?
 *
 * Fills ymm0-ymm15 (xmm0-xmm15 without AVX) with values unique to the round and the register, then,
 * without touching them, sleeps briefly and spins (so that interrupts,
 * context switches and Xen's vCPU switches happen underneath), and reads them
 * back (about 5 ms per round). Any difference is a corruption of user-space register state by the
 * layers below (the emulated CPU's XSAVE/XRSTOR, Xen's or Linux's FPU
 * switching), which would otherwise surface as random failures of whatever
 * runs there (glibc's memcpy keeps the first 32 bytes of a copy in ymm0
 * across its `rep movsb`).
 *
 *   ltt-e2e-vector-check SECONDS
 *
 * SIGTERM or SIGINT end it early (after the current round).
 * Prints one line per bad round (register, half, expected, found) and a
 * summary line "vector-check: REGISTERS, ROUNDS rounds, BAD bad register
 * halves"; exits 1 if any register was wrong.
 */
#include <cpuid.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { nregs = 16, words = 4 };

static volatile sig_atomic_t stop_requested;

static void request_stop(int sig) {
    (void)sig;
    stop_requested = 1;
}

static double now(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int has_avx(void) {
    unsigned int a, b, c, d;

    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    /* AVX and OSXSAVE */
    return (c & (1u << 28)) && (c & (1u << 27));
}

/* Loads the 16 registers from `in`, makes `calls` nanosleep() calls of
 * 200 us with a short spin after each, stores the registers to `out`.
 * Nothing in between touches a vector register. */
static void hold(const uint64_t (*in)[words], uint64_t (*out)[words], uint64_t calls) {
    /* Sleeping is what makes the kernel switch the process out (and,
     * with nothing else to run, Xen the vCPU): the state must come back
     * from memory. It also keeps the canary's own CPU use small. */
    static const struct timespec nap = {0, 200000};

    __asm__ volatile("vmovdqu 0x000(%[in]), %%ymm0\n\t"
                     "vmovdqu 0x020(%[in]), %%ymm1\n\t"
                     "vmovdqu 0x040(%[in]), %%ymm2\n\t"
                     "vmovdqu 0x060(%[in]), %%ymm3\n\t"
                     "vmovdqu 0x080(%[in]), %%ymm4\n\t"
                     "vmovdqu 0x0a0(%[in]), %%ymm5\n\t"
                     "vmovdqu 0x0c0(%[in]), %%ymm6\n\t"
                     "vmovdqu 0x0e0(%[in]), %%ymm7\n\t"
                     "vmovdqu 0x100(%[in]), %%ymm8\n\t"
                     "vmovdqu 0x120(%[in]), %%ymm9\n\t"
                     "vmovdqu 0x140(%[in]), %%ymm10\n\t"
                     "vmovdqu 0x160(%[in]), %%ymm11\n\t"
                     "vmovdqu 0x180(%[in]), %%ymm12\n\t"
                     "vmovdqu 0x1a0(%[in]), %%ymm13\n\t"
                     "vmovdqu 0x1c0(%[in]), %%ymm14\n\t"
                     "vmovdqu 0x1e0(%[in]), %%ymm15\n\t"
                     "1:\n\t"
                     "movl $35, %%eax\n\t" /* nanosleep(ts, NULL) */
                     "syscall\n\t"
                     "movl $2000, %%eax\n\t"
                     "2: decl %%eax\n\t"
                     "jnz 2b\n\t"
                     "decq %[calls]\n\t"
                     "jnz 1b\n\t"
                     "vmovdqu %%ymm0, 0x000(%[out])\n\t"
                     "vmovdqu %%ymm1, 0x020(%[out])\n\t"
                     "vmovdqu %%ymm2, 0x040(%[out])\n\t"
                     "vmovdqu %%ymm3, 0x060(%[out])\n\t"
                     "vmovdqu %%ymm4, 0x080(%[out])\n\t"
                     "vmovdqu %%ymm5, 0x0a0(%[out])\n\t"
                     "vmovdqu %%ymm6, 0x0c0(%[out])\n\t"
                     "vmovdqu %%ymm7, 0x0e0(%[out])\n\t"
                     "vmovdqu %%ymm8, 0x100(%[out])\n\t"
                     "vmovdqu %%ymm9, 0x120(%[out])\n\t"
                     "vmovdqu %%ymm10, 0x140(%[out])\n\t"
                     "vmovdqu %%ymm11, 0x160(%[out])\n\t"
                     "vmovdqu %%ymm12, 0x180(%[out])\n\t"
                     "vmovdqu %%ymm13, 0x1a0(%[out])\n\t"
                     "vmovdqu %%ymm14, 0x1c0(%[out])\n\t"
                     "vmovdqu %%ymm15, 0x1e0(%[out])\n\t"
                     "vzeroupper\n\t"
                     : [calls] "+r"(calls)
                     : [in] "r"(in), [out] "r"(out), "D"(&nap), "S"(0)
                     : "rax", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
                       "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
                       "xmm14", "xmm15");
}

/* The same with xmm0-xmm15 only (a CPU without AVX): the low halves of `in`, makes `calls`
 * nanosleep() calls of 200 us with a short spin after each, stores the registers to `out`. Nothing
 * in between touches a vector register. */
static void hold_sse(const uint64_t (*in)[words], uint64_t (*out)[words], uint64_t calls) {
    /* Sleeping is what makes the kernel switch the process out (and,
     * with nothing else to run, Xen the vCPU): the state must come back
     * from memory. It also keeps the canary's own CPU use small. */
    static const struct timespec nap = {0, 200000};

    __asm__ volatile("movdqu 0x000(%[in]), %%xmm0\n\t"
                     "movdqu 0x020(%[in]), %%xmm1\n\t"
                     "movdqu 0x040(%[in]), %%xmm2\n\t"
                     "movdqu 0x060(%[in]), %%xmm3\n\t"
                     "movdqu 0x080(%[in]), %%xmm4\n\t"
                     "movdqu 0x0a0(%[in]), %%xmm5\n\t"
                     "movdqu 0x0c0(%[in]), %%xmm6\n\t"
                     "movdqu 0x0e0(%[in]), %%xmm7\n\t"
                     "movdqu 0x100(%[in]), %%xmm8\n\t"
                     "movdqu 0x120(%[in]), %%xmm9\n\t"
                     "movdqu 0x140(%[in]), %%xmm10\n\t"
                     "movdqu 0x160(%[in]), %%xmm11\n\t"
                     "movdqu 0x180(%[in]), %%xmm12\n\t"
                     "movdqu 0x1a0(%[in]), %%xmm13\n\t"
                     "movdqu 0x1c0(%[in]), %%xmm14\n\t"
                     "movdqu 0x1e0(%[in]), %%xmm15\n\t"
                     "1:\n\t"
                     "movl $35, %%eax\n\t" /* nanosleep(ts, NULL) */
                     "syscall\n\t"
                     "movl $2000, %%eax\n\t"
                     "2: decl %%eax\n\t"
                     "jnz 2b\n\t"
                     "decq %[calls]\n\t"
                     "jnz 1b\n\t"
                     "movdqu %%xmm0, 0x000(%[out])\n\t"
                     "movdqu %%xmm1, 0x020(%[out])\n\t"
                     "movdqu %%xmm2, 0x040(%[out])\n\t"
                     "movdqu %%xmm3, 0x060(%[out])\n\t"
                     "movdqu %%xmm4, 0x080(%[out])\n\t"
                     "movdqu %%xmm5, 0x0a0(%[out])\n\t"
                     "movdqu %%xmm6, 0x0c0(%[out])\n\t"
                     "movdqu %%xmm7, 0x0e0(%[out])\n\t"
                     "movdqu %%xmm8, 0x100(%[out])\n\t"
                     "movdqu %%xmm9, 0x120(%[out])\n\t"
                     "movdqu %%xmm10, 0x140(%[out])\n\t"
                     "movdqu %%xmm11, 0x160(%[out])\n\t"
                     "movdqu %%xmm12, 0x180(%[out])\n\t"
                     "movdqu %%xmm13, 0x1a0(%[out])\n\t"
                     "movdqu %%xmm14, 0x1c0(%[out])\n\t"
                     "movdqu %%xmm15, 0x1e0(%[out])\n\t"
                     : [calls] "+r"(calls)
                     : [in] "r"(in), [out] "r"(out), "D"(&nap), "S"(0)
                     : "rax", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
                       "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
                       "xmm14", "xmm15");
}

int main(int argc, char** argv) {
    static uint64_t in[nregs][words], out[nregs][words];
    uint64_t rounds = 0, bad = 0;
    double seconds, end;
    int avx;

    if (argc != 2 || (seconds = atof(argv[1])) <= 0) {
        fprintf(stderr, "usage: ltt-e2e-vector-check SECONDS\n");
        return 2;
    }
    /* LTT_VECTOR_CHECK_SSE=1: the xmm check on an AVX machine too. */
    avx = has_avx() && !getenv("LTT_VECTOR_CHECK_SSE");
    signal(SIGTERM, request_stop);
    signal(SIGINT, request_stop);
    end = now() + seconds;
    while (!stop_requested && now() < end) {
        rounds++;
        for (int r = 0; r < nregs; r++)
            for (int w = 0; w < words; w++)
                in[r][w] = 0x5ec0000000000000ull | (rounds << 12) | (uint64_t)(r << 4 | w);
        if (avx)
            hold(in, out, 20);
        else
            hold_sse(in, out, 20);
        for (int r = 0; r < nregs; r++) {
            for (int half = 0; half < 1 + avx; half++) {
                const uint64_t* e = &in[r][half * 2];
                const uint64_t* f = &out[r][half * 2];

                if (e[0] == f[0] && e[1] == f[1])
                    continue;
                bad++;
                printf("vector-check: round %" PRIu64 ": ymm%d %s half: expected %016" PRIx64
                       " %016" PRIx64 ", found %016" PRIx64 " %016" PRIx64 "\n",
                       rounds, r, half ? "upper" : "lower", e[0], e[1], f[0], f[1]);
            }
        }
        fflush(stdout);
    }
    printf("vector-check: %s, %" PRIu64 " rounds, %" PRIu64 " bad register halves\n",
           avx ? "ymm0-15" : "xmm0-15 (no AVX)", rounds, bad);
    return bad ? 1 : 0;
}
