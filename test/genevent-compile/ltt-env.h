/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * <ltt-env.h> for the freestanding compile test of generated tracepoints:
 * no libc and no system header at all (the test compiles with -nostdinc),
 * only what the compiler itself provides. It proves that the generated
 * headers plus include/ltt/ need nothing beyond the <ltt-env.h> contract
 * (see ltt/tracepoint.h), as inside Xen.
 *
 * The primitives are the compiler's __atomic builtins, so the code is also
 * correct, not just compilable; nothing here is ever run.
 */
#ifndef LTT_ENV_COMPILE_TEST_H
#define LTT_ENV_COMPILE_TEST_H

typedef __INT8_TYPE__ int8_t;
typedef __INT16_TYPE__ int16_t;
typedef __INT32_TYPE__ int32_t;
typedef __INT64_TYPE__ int64_t;
typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
typedef __SIZE_TYPE__ size_t;
typedef _Bool bool;
#define true 1
#define false 0

/*
 * Xen and Linux define these plain words as macros (Xen's compiler.h,
 * Linux's compiler_attributes.h), so code that uses them as attribute
 * names, __attribute__((noinline)), does not compile there: define them
 * here too, so this test catches it as well.
 */
#define noinline __attribute__((__noinline__))
#define always_inline __inline__ __attribute__((__always_inline__))

struct ltt_buf;

/* One byte per event id: a disabled tracepoint costs this one load. */
extern unsigned char ltt_event_enabled[];
#define LTT_ENV_EVENT_ENABLED(id) \
	(*(const volatile unsigned char *)&ltt_event_enabled[(id)])

/* The buffer of the "current CPU"; defined by the test's calling code. */
extern struct ltt_buf *ltt_compile_test_buf;

static inline struct ltt_buf *ltt_env_current_buf(void)
{
	return ltt_compile_test_buf;
}

static inline uint64_t ltt_env_read_tsc(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#else
	return 0;
#endif
}

/* Writers of a buffer all run on its CPU here: nothing to pin. */
static inline void ltt_env_write_begin(void)
{
}

static inline void ltt_env_write_end(void)
{
}

static inline uint64_t ltt_env_cmpxchg(uint64_t *p, uint64_t old, uint64_t nv)
{
	__atomic_compare_exchange_n(p, &old, nv, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return old;
}

static inline uint64_t ltt_env_cmpxchg_local(uint64_t *p, uint64_t old,
					     uint64_t nv)
{
	return ltt_env_cmpxchg(p, old, nv);
}

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
#define ltt_env_memcpy(d, s, n) __builtin_memcpy((d), (s), (n))

#endif /* LTT_ENV_COMPILE_TEST_H */
