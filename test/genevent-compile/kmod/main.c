// SPDX-License-Identifier: GPL-2.0-only
/*
 * ltt_genevent_check.ko: what a real ltt-guest module must define for the
 * generated kernel tracepoints (the enable bytes, the per-CPU buffer
 * pointer and the sub-buffer hook of kernel-patches/ltt-guest/ltt-env.h),
 * and a caller of every tracepoint (calls.c, written by ltt-tp-callgen).
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/percpu.h>

#include "ltt-facilities.h"
#include <ltt/tracepoint.h>

unsigned char ltt_event_enabled[LTT_NR_EVENTS];
DEFINE_PER_CPU(struct ltt_buf *, ltt_guest_cpu_buf);

void ltt_guest_subbuf_closed(struct ltt_buf *b)
{
}

void ltt_compile_test_call_all(void);

static int __init ltt_genevent_check_init(void)
{
	/* Every event is disabled: the calls only test their branch. */
	ltt_compile_test_call_all();
	return 0;
}

static void __exit ltt_genevent_check_exit(void)
{
}

module_init(ltt_genevent_check_init);
module_exit(ltt_genevent_check_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Build check of genevent's kernel tracepoints");
