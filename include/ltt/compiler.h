/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * ltt/compiler.h - defaults for primitives an environment may leave out of
 * <ltt-env.h>. The compiler builtins fall back to the environment's own
 * memcpy/memset, which Xen, Linux and libc all provide.
 */
#ifndef LTT_COMPILER_H
#define LTT_COMPILER_H

#include <ltt-env.h>

#ifndef ltt_env_memcpy
#define ltt_env_memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#endif
#ifndef ltt_env_memset
#define ltt_env_memset(d, c, n) __builtin_memset((d), (c), (n))
#endif

/* 32-bit loads from memory another party may change (or forge). */
#ifndef ltt_env_read_once32
#define ltt_env_read_once32(p) (*(const volatile uint32_t *)(p))
#endif

/* A TSC read ordered after all earlier memory accesses; environments
 * whose ltt_switch() runs on the buffer's own CPU need nothing stronger. */
#ifndef ltt_env_read_tsc_ordered
#define ltt_env_read_tsc_ordered() (ltt_env_smp_mb(), ltt_env_read_tsc())
#endif

/* Increment of a counter that only the buffer's own writers update (never a
 * remote ltt_switch()): atomic against nesting on this CPU, visible to other
 * CPUs, no SMP atomicity needed. */
#ifndef ltt_env_inc_owner
#define ltt_env_inc_owner(p) ltt_env_add_local((p), 1)
#endif

/* Called by ring.h right after it closed a sub-buffer (from any context a
 * tracepoint can run in): the environment's cue to notify its consumer. */
#ifndef ltt_env_subbuf_closed
#define ltt_env_subbuf_closed(b) ((void)(b))
#endif

#endif /* LTT_COMPILER_H */
