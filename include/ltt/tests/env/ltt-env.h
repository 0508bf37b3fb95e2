/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * <ltt-env.h> for the ring buffer's unit tests: the user-space primitives
 * with a clock the test sets, so timestamp escapes can be driven exactly.
 */
#ifndef LTT_ENV_TEST_H
#define LTT_ENV_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ltt_buf;

extern unsigned char ltt_event_enabled[256];
extern struct ltt_buf *ltt_test_current_buf;
extern uint64_t ltt_test_tsc;	   /* what the next TSC read returns */
extern uint64_t ltt_test_tsc_step; /* added after each read */

#define LTT_ENV_EVENT_ENABLED(id) (ltt_event_enabled[(id)])

static inline struct ltt_buf *ltt_env_current_buf(void)
{
	return ltt_test_current_buf;
}

static inline uint64_t ltt_env_read_tsc(void)
{
	uint64_t t = ltt_test_tsc;

	ltt_test_tsc += ltt_test_tsc_step;
	return t;
}

static inline uint64_t ltt_env_cmpxchg(uint64_t *p, uint64_t old, uint64_t nv)
{
	__atomic_compare_exchange_n(p, &old, nv, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return old;
}

/* Tests may interpose on the local CAS to run a "nested writer" exactly
 * between an outer writer's read of the position and its CAS. */
extern void (*ltt_test_before_cas)(void);

static inline uint64_t ltt_env_cmpxchg_local(uint64_t *p, uint64_t old,
					     uint64_t nv)
{
	if (ltt_test_before_cas) {
		void (*hook)(void) = ltt_test_before_cas;

		ltt_test_before_cas = 0;
		hook();
	}
	return ltt_env_cmpxchg(p, old, nv);
}

/* ...and on the ordered TSC read that starts a sub-buffer switch, to run
 * one between the outer writer's read of the position and its checks of
 * the sub-buffer it is about to open. */
extern void (*ltt_test_at_switch)(void);

static inline uint64_t ltt_test_read_tsc_ordered(void)
{
	if (ltt_test_at_switch) {
		void (*hook)(void) = ltt_test_at_switch;

		ltt_test_at_switch = 0;
		hook();
	}
	return ltt_env_read_tsc();
}
#define ltt_env_read_tsc_ordered() ltt_test_read_tsc_ordered()

static inline void ltt_env_add_local(uint64_t *p, uint64_t v)
{
	__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

static inline void ltt_env_add_release(uint64_t *p, uint64_t v)
{
	__atomic_fetch_add(p, v, __ATOMIC_RELEASE);
}

static inline uint64_t ltt_env_load_acquire(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void ltt_env_store_release(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline uint64_t ltt_env_read_once(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void ltt_env_write_once(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

#define ltt_env_smp_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define ltt_env_smp_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define ltt_env_smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define ltt_env_barrier() __atomic_signal_fence(__ATOMIC_SEQ_CST)

#ifdef __cplusplus
}
#endif

#endif /* LTT_ENV_TEST_H */
