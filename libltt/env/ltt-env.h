/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * <ltt-env.h> for user space (libltt, lttd, ltt-stress, tests, benchmarks).
 *
 * The "current CPU" of user space is the buffer the calling thread writes
 * to (ltt_user_current_buf): every writer thread owns one buffer, and its
 * signal handlers nest on it. Atomics are the compiler's SMP-safe
 * builtins, so ltt_switch() may also be called from another thread (the
 * consumer's periodic flush) and ThreadSanitizer understands every access.
 */
#ifndef LTT_ENV_USER_H
#define LTT_ENV_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ltt_buf;

/* One byte per event id: the disabled-tracepoint test is one load. */
#define LTT_USER_MAX_EVENTS 65536
extern unsigned char ltt_event_enabled[LTT_USER_MAX_EVENTS];
extern __thread struct ltt_buf* ltt_user_current_buf;

#define LTT_ENV_EVENT_ENABLED(id) (ltt_event_enabled[(id)])

static inline struct ltt_buf* ltt_env_current_buf(void) {
    return ltt_user_current_buf;
}

/* The asm's memory clobber keeps the compiler from moving the read across
 * the ring's position loads and CAS: the ring reasons about which records a
 * TSC read can precede. */
static inline uint64_t ltt_env_read_tsc(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* A TSC read that happens after every earlier load and store is globally
 * visible (RDTSC alone may run early, even past MFENCE): for ltt_switch()
 * called on another CPU than the buffer's writers. */
static inline uint64_t ltt_env_read_tsc_ordered(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("mfence; lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}
#define ltt_env_read_tsc_ordered ltt_env_read_tsc_ordered

static inline uint64_t ltt_env_cmpxchg(uint64_t* p, uint64_t old, uint64_t nv) {
    __atomic_compare_exchange_n(p, &old, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return old;
}

static inline uint64_t ltt_env_cmpxchg_local(uint64_t* p, uint64_t old, uint64_t nv) {
    return ltt_env_cmpxchg(p, old, nv);
}

static inline void ltt_env_add_local(uint64_t* p, uint64_t v) {
    __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

/* ltt_env_inc_owner: one x86 add without LOCK is indivisible for the
 * owning thread and its signal handlers (the only writers of the counters it
 * is used for) and 4 to 5 ns cheaper than a locked one. Under
 * ThreadSanitizer the atomic builtin keeps the access visible to it. */
#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
static inline void ltt_env_inc_owner(uint64_t* p) {
    __asm__ __volatile__("incq %0" : "+m"(*p) : : "memory");
}
#define ltt_env_inc_owner ltt_env_inc_owner
#endif

static inline void ltt_env_add_release(uint64_t* p, uint64_t v) {
    __atomic_fetch_add(p, v, __ATOMIC_RELEASE);
}

static inline uint64_t ltt_env_load_acquire(const uint64_t* p) {
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void ltt_env_store_release(uint64_t* p, uint64_t v) {
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline uint64_t ltt_env_read_once(const uint64_t* p) {
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void ltt_env_write_once(uint64_t* p, uint64_t v) {
    __atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static inline uint32_t ltt_env_read_once32(const uint32_t* p) {
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}
#define ltt_env_read_once32 ltt_env_read_once32

#define ltt_env_smp_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define ltt_env_smp_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define ltt_env_smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define ltt_env_barrier() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#define ltt_env_memcpy(d, s, n) memcpy((d), (s), (n))
#define ltt_env_memset(d, c, n) memset((d), (c), (n))

#ifdef __cplusplus
}
#endif

#endif /* LTT_ENV_USER_H */
