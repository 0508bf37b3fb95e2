/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ltt-guest.h - the parts of ltt-guest.ko and what they offer each other.
 *
 *   main.c        load/unload, the TSC check, the enable bytes, start/stop
 *   buffers.c     per-CPU ring buffers (include/ltt/ring.h) and their
 *                 geometry, CPU hotplug, switch and overwrite-mode lending:
 *                 independent of how a consumer reaches them
 *   channel.c     the channel's description (channel.json's text)
 *   dir_backend.c dom0's way to expose them: files in a debugfs directory
 *                 with the directory source's layout
 *   grant_backend.c a domU's way: the same pages granted to dom0, described
 *                 in xenstore (include/ltt/guest_grant.h)
 *   probes.c      the kernel's tracepoints and the kprobes
 *   evtchn.c      the event-channel -> irq statedump and its helpers
 *   scribble.c    TEST ONLY: a hostile guest scribbling over what dom0 reads
 */
#ifndef LTT_GUEST_H
#define LTT_GUEST_H

#include <linux/atomic.h>
#include <linux/irq_work.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "ltt-facilities.h"
#include <ltt/ring.h>
#include <ltt/ring_reader.h>
#include <ltt/directory_layout.h>

#define LTT_GUEST_NAME "ltt-guest"

/* One CPU's buffer: [ctl][consumer page][data] in one vmalloc_user() area,
 * so the file backend can map it with remap_vmalloc_range(). */
struct ltt_guest_cpu {
	unsigned int cpu;
	void *mem;
	struct ltt_dir_layout layout;
	struct ltt_buf buf;
	/* overwrite mode: lttd may not write the slot table, the module
	 * swaps sub-buffers out for it (ioctls), as Xen does for dom0 */
	struct ltt_reader reader;
	struct mutex reader_lock;
	atomic64_t closed; /* sub-buffers closed, for poll() */
	struct irq_work wake_work;
	wait_queue_head_t wait;
	atomic_t users; /* open files of this buffer */
	void *backend;	/* the backend's handle (dir_backend: the dentry) */
};

struct ltt_guest_geometry {
	u32 mode;
	u32 subbuf_order;
	u32 nr_subbufs_order;
};

/* main.c */
extern u8 ltt_guest_uuid[LTT_UUID_LEN];
extern u64 ltt_guest_tsc_hz;
int ltt_guest_write_enable(const u8 *bytes, size_t offset, size_t len);
int ltt_guest_setup_geometry(u32 mode, u32 subbuf_order, u32 nr_subbufs_order);
extern unsigned char ltt_event_enabled[];
void ltt_guest_statedump(void);

/* buffers.c */
extern struct ltt_guest_geometry ltt_guest_geom;
extern struct ltt_guest_cpu **ltt_guest_cpus; /* [nr_cpu_ids] */
int ltt_buffers_init(void);
void ltt_buffers_exit(void);
int ltt_buffers_setup(const struct ltt_guest_geometry *g);
int ltt_buffers_switch(struct ltt_guest_cpu *c, int flags); /* no lock */
int ltt_buffers_get_subbuf(struct ltt_guest_cpu *c, u64 *offset, u64 *size,
			   u64 *seq, u64 *skipped);
int ltt_buffers_put_subbuf(struct ltt_guest_cpu *c);
struct ltt_guest_cpu *ltt_buffers_get(unsigned int cpu); /* for open */
void ltt_buffers_put(struct ltt_guest_cpu *c);

/* scribble.c (test only; both do nothing unless scribble_ms is set) */
struct ltt_gg_control;
void ltt_scribble_start(struct ltt_gg_control *ctl);
void ltt_scribble_stop(void);
void ltt_scribble_subbuf_closed(void);

/* channel.c */
extern u32 ltt_guest_domid; /* this domain's id: 0 in dom0 */
int ltt_channel_json(char *buf, size_t len);
char *ltt_channel_json_alloc(int *len);

/* The backend: how the buffers reach lttd. Nothing else depends on it. */
struct ltt_backend_ops {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
	int (*channel_changed)(void); /* the channel's description again */
	int (*add_cpu)(struct ltt_guest_cpu *c);
	void (*remove_cpu)(struct ltt_guest_cpu *c);
	int (*ready)(void);    /* every buffer made: publish */
	void (*quiesce)(void); /* unloading: let the consumer go */
	void (*subbuf_closed)(struct ltt_guest_cpu *c); /* irq_work */
};
extern const struct ltt_backend_ops ltt_dir_backend_ops;   /* dir_backend.c */
extern const struct ltt_backend_ops ltt_grant_backend_ops; /* grant_backend.c */
extern const struct ltt_backend_ops *ltt_backend;	   /* main.c */

/* probes.c */
int ltt_probes_register(void);
void ltt_probes_unregister(void);

/* evtchn.c */
void ltt_evtchn_statedump(void);
void ltt_evtchn_describe(unsigned int irq, u32 port, u8 *type, s32 *cpu,
			 u32 *source_nr);
bool ltt_evtchn_port_of(unsigned int irq, u32 *port);

#endif /* LTT_GUEST_H */
