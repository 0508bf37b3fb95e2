/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * example.c - the program the `example` user-space facility
 * (facilities/ust/example.xml) instruments: a short work loop that calls
 * every tracepoint of the genevent-generated lttng-ust provider.
 *
 *   genevent_ust_example [ITERATIONS]
 *
 * For each tracepoint it calls, it prints on stdout the event name and its
 * field values in babeltrace2's pretty notation, so a test can compare what
 * was traced with what babeltrace2 reads back (test/genevent-ust/run_test.sh).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "example-tp.h"

/* Matches the example_level enum of the facility. */
static const char* const level_names[] = {"debug", "info", "warning", "error"};

static void print_history(const uint16_t history[4]) {
    printf("[ [0] = %u, [1] = %u, [2] = %u, [3] = %u ]", history[0], history[1], history[2],
           history[3]);
}

int main(int argc, char** argv) {
    uint32_t iterations = 10;
    uint16_t history[4] = {0, 0, 0, 0};
    unsigned char buffer[64];
    int64_t previous = 0;
    uint32_t i;
    int32_t pid = (int32_t)getpid();
    uint64_t address = (uint64_t)(uintptr_t)buffer;

    if (argc > 1) {
        char* end;
        unsigned long n = strtoul(argv[1], &end, 10);

        if (*end || n > 1000000) {
            fprintf(stderr, "usage: %s [ITERATIONS (<= 1000000)]\n", argv[0]);
            return 2;
        }
        iterations = (uint32_t)n;
    }

    lttng_ust_tracepoint(example, example_start, argv[0], iterations, pid);
    printf("example:example_start: { program = \"%s\", iterations = %" PRIu32 ", pid = %" PRId32
           " }\n",
           argv[0], iterations, pid);

    for (i = 0; i < iterations; i++) {
        /* crosses zero, reaches beyond 32 bits */
        int64_t value = ((int64_t)i - 5) * INT64_C(3000000007);
        uint8_t small = (uint8_t)(i % 256);
        int16_t delta = (int16_t)((value - previous) / 1000000);

        buffer[i % sizeof(buffer)] = small;
        history[0] = history[1];
        history[1] = history[2];
        history[2] = history[3];
        history[3] = small;

        lttng_ust_tracepoint(example, example_sample, i, value, small, delta, history, address);
        printf("example:example_sample: { iteration = %" PRIu32 ", value = %" PRId64
               ", small = %u, delta = %d, history = ",
               i, value, small, delta);
        print_history(history);
        printf(", address = 0x%" PRIX64 " }\n", address);

        if (i % 3 == 0) {
            uint8_t level = (uint8_t)((i / 3) % 4);
            char text[64];

            snprintf(text, sizeof(text), "iteration %" PRIu32 " of %" PRIu32, i, iterations);
            lttng_ust_tracepoint(example, example_message, level, text);
            printf("example:example_message: { level = ( \"%s\" : container = %u ), "
                   "text = \"%s\" }\n",
                   level_names[level], level, text);
        }
        previous = value;
    }

    lttng_ust_tracepoint(example, example_stop, iterations, 0);
    printf("example:example_stop: { iterations = %" PRIu32 ", status = 0 }\n", iterations);
    return 0;
}
