// SPDX-License-Identifier: MIT
/*
 * libltt-lttng-clock-tsc.so - an LTTng-UST clock plugin that puts lttng-ust
 * traces on ltt-xen's time base (DESIGN.md section 4): timestamps are the
 * raw TSC, the clock is named "tsc", its frequency is the hypervisor's and
 * its uuid the ltt-xen session's, so `babeltrace2 <session output>` merges
 * the ust/ trace with the hypervisor's and the kernel's (once lttd has
 * marked the clock absolute, at the session's destroy: lttng writes no
 * `absolute`, and this API cannot ask for it).
 *
 * Set for lttng-sessiond (and its consumerd) and for every traced program:
 *   LTTNG_UST_CLOCK_PLUGIN=/path/libltt-lttng-clock-tsc.so
 *   LTT_CLOCK_TSC_HZ=2095995000      Xen's TSC frequency (ltt-ctl status
 *                                    --json: "clock"."tsc_hz")
 *   LTT_CLOCK_UUID=8-4-4-4-12        the ltt-xen session's clock uuid
 *                                    ("clock"."uuid"); optional
 * Without LTT_CLOCK_TSC_HZ the plugin says why on stderr and leaves
 * LTTng's own clock in place (a trace on another time base is better than
 * one with a wrong frequency).
 */
#include <lttng/ust-clock.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>

static uint64_t ltt_tsc_hz;
static char ltt_uuid[LTTNG_UST_UUID_STR_LEN];
static int ltt_have_uuid;

static uint64_t ltt_read64(void) {
    return __rdtsc();
}

static uint64_t ltt_freq(void) {
    return ltt_tsc_hz;
}

static int ltt_get_uuid(char* uuid) {
    if (!ltt_have_uuid)
        return -1;
    memcpy(uuid, ltt_uuid, LTTNG_UST_UUID_STR_LEN);
    return 0;
}

static const char* ltt_name(void) {
    return "tsc";
}

static const char* ltt_description(void) {
    return "Raw TSC, ltt-xen's time base (the hypervisor's frequency)";
}

/* 8-4-4-4-12 lower-case hex digits. */
static int ltt_uuid_ok(const char* s) {
    size_t i;

    if (strlen(s) != LTTNG_UST_UUID_STR_LEN - 1)
        return 0;
    for (i = 0; i < LTTNG_UST_UUID_STR_LEN - 1; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;

        if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    }
    return 1;
}

void lttng_ust_clock_plugin_init(void);
void lttng_ust_clock_plugin_init(void) {
    const char* hz = getenv("LTT_CLOCK_TSC_HZ");
    const char* uuid = getenv("LTT_CLOCK_UUID");
    char* end = NULL;
    int ret;

    if (!hz || !*hz) {
        fprintf(stderr, "ltt-lttng-clock-tsc: LTT_CLOCK_TSC_HZ is not set (the hypervisor's "
                        "TSC frequency): keeping LTTng's clock\n");
        return;
    }
    errno = 0;
    ltt_tsc_hz = strtoull(hz, &end, 10);
    if (errno || *end || ltt_tsc_hz < 1000000) {
        fprintf(stderr,
                "ltt-lttng-clock-tsc: LTT_CLOCK_TSC_HZ=%s is not a frequency in Hz: "
                "keeping LTTng's clock\n",
                hz);
        return;
    }
    if (uuid && *uuid) {
        if (!ltt_uuid_ok(uuid)) {
            fprintf(stderr,
                    "ltt-lttng-clock-tsc: LTT_CLOCK_UUID=%s is not a uuid "
                    "(8-4-4-4-12 lower-case hex): keeping LTTng's clock\n",
                    uuid);
            return;
        }
        memcpy(ltt_uuid, uuid, LTTNG_UST_UUID_STR_LEN);
        ltt_have_uuid = 1;
    }
    ret = lttng_ust_trace_clock_set_read64_cb(ltt_read64);
    if (!ret)
        ret = lttng_ust_trace_clock_set_freq_cb(ltt_freq);
    if (!ret && ltt_have_uuid)
        ret = lttng_ust_trace_clock_set_uuid_cb(ltt_get_uuid);
    if (!ret)
        ret = lttng_ust_trace_clock_set_name_cb(ltt_name);
    if (!ret)
        ret = lttng_ust_trace_clock_set_description_cb(ltt_description);
    if (!ret)
        ret = lttng_ust_enable_trace_clock_override();
    if (ret)
        fprintf(stderr, "ltt-lttng-clock-tsc: lttng-ust refused the clock: %s\n", strerror(-ret));
}
