/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * ltt/tracepoint.h - what genevent's generated tracepoints (xen and kernel
 * targets) call. Freestanding C: everything environment-specific comes from
 * <ltt-env.h>, which each user of include/ltt/ supplies (Xen overlay, guest
 * kernel module, user-space libltt).
 *
 * <ltt-env.h> must provide, before anything here is used:
 *   - uint8_t..uint64_t, int8_t..int64_t, size_t, bool (the environment's own)
 *   - LTT_ENV_EVENT_ENABLED(id): an lvalue-free expression, non-zero when event
 *     id is enabled; must cost one load (e.g. a byte array indexed by id)
 *   - ltt_env_current_buf(): the struct ltt_buf of the current CPU, or NULL
 *   - uint64_t ltt_env_read_tsc(void)
 *   - on uint64_t words: ltt_env_cmpxchg_local(p, old, new) (atomic against
 *     interrupts on this CPU; returns the previous value), ltt_env_cmpxchg
 *     (SMP-safe), ltt_env_add_local(p, v), ltt_env_add_release(p, v),
 *     ltt_env_load_acquire(p), ltt_env_store_release(p, v),
 *     ltt_env_read_once(p), ltt_env_write_once(p, v)
 *   - ltt_env_smp_wmb(), ltt_env_smp_rmb(), ltt_env_smp_mb(),
 *     ltt_env_barrier(): usable inside expressions (functions, or macros
 *     that are expressions)
 *   - optional (ltt/compiler.h has defaults): ltt_env_memcpy, ltt_env_memset,
 *     ltt_env_read_once32, ltt_env_read_tsc_ordered (a TSC read ordered
 *     after all earlier memory accesses: needed where ltt_switch() runs on
 *     another CPU than the writers)
 *   - kernel target only: ltt_env_write_begin()/ltt_env_write_end() around
 *     each record (Linux: preemption off, so the task cannot migrate between
 *     reserve and commit; Xen is not preemptible and needs none)
 *
 * A generated tracepoint looks like:
 *
 *   static inline void ltt_trace_sched_switch(uint16_t prev, ...)
 *   {
 *           if (ltt_event_enabled(LTT_EV_SCHED_SWITCH))
 *                   __ltt_emit_sched_switch(prev, ...);
 *   }
 *
 * so a disabled event costs one load and one predictable branch, and the
 * record is written out of line (cold path) when enabled.
 */
#ifndef LTT_TRACEPOINT_H
#define LTT_TRACEPOINT_H

#include <ltt-env.h>
#include <ltt/ring.h>

#define ltt_event_enabled(id) __builtin_expect(!!LTT_ENV_EVENT_ENABLED(id), 0)

/* The record write of an enabled tracepoint: kept out of line. */
#define LTT_EMIT_FN \
	static __attribute__((__noinline__, __cold__, __unused__)) void

/* Reserve room for one record of event `id` with `payload_len` bytes of
 * payload on the current CPU's buffer. Returns 0 when the caller must write
 * exactly payload_len bytes with ltt_tp_write() and then ltt_tp_commit();
 * non-zero when the record was dropped (no buffer, full, nesting too deep) -
 * the drop is already counted. */
static inline int ltt_tp_reserve(struct ltt_reserve_ctx *ctx, uint32_t id,
				 uint32_t payload_len)
{
	struct ltt_buf *buf = ltt_env_current_buf();

	if (!buf)
		return -1;
	return ltt_reserve(buf, ctx, id, payload_len);
}

static inline void ltt_tp_write(struct ltt_reserve_ctx *ctx, const void *src,
				uint32_t len)
{
	ltt_write(ctx, src, len);
}

static inline void ltt_tp_commit(struct ltt_reserve_ctx *ctx)
{
	ltt_commit(ctx);
}

/* NUL-terminated strings (kernel and ust layers): bounded length so a
 * corrupt pointer target cannot make a record larger than a sub-buffer. */
#define LTT_STRING_MAX 256

static inline uint32_t ltt_strsize(const char *s)
{
	uint32_t n = 0;

	if (!s)
		return 1;
	while (n < LTT_STRING_MAX - 1 && s[n])
		n++;
	return n + 1;
}

/* Writes a string of ltt_strsize(s) bytes (always NUL-terminated). */
static inline void ltt_tp_write_string(struct ltt_reserve_ctx *ctx,
				       const char *s, uint32_t size)
{
	static const char nul = 0;

	if (s && size > 1)
		ltt_write(ctx, s, size - 1);
	ltt_write(ctx, &nul, 1);
}

#endif /* LTT_TRACEPOINT_H */
