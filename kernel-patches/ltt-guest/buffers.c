// SPDX-License-Identifier: GPL-2.0-only
/*
 * buffers.c - ltt-guest's per-CPU ring buffers: include/ltt/ring.h over one
 * vmalloc_user() area per CPU, laid out as the directory source's files are
 * (include/ltt/directory_layout.h), whatever backend exposes them.
 *
 * A buffer is made for every CPU online at setup and for every CPU coming
 * online later; it stays (with its records) while its CPU is offline. The
 * writers find it through the per-CPU pointer ltt_guest_cpu_buf, which is
 * cleared, then waited for with synchronize_rcu() (writers run with
 * preemption off), before a buffer is freed.
 */
#define pr_fmt(fmt) "ltt-guest: " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>

#include "ltt-guest.h"

DEFINE_PER_CPU(struct ltt_buf *, ltt_guest_cpu_buf);

struct ltt_guest_geometry ltt_guest_geom;
struct ltt_guest_cpu **ltt_guest_cpus;
/* Buffers and files; taken inside cpus_read_lock() (hotplug callbacks run
 * with the hotplug lock held). */
static DEFINE_MUTEX(ltt_buffers_lock);
static int ltt_hp_state = -1;

/* Larger than this per CPU is refused: a typo must not eat dom0's memory. */
#define LTT_GUEST_MAX_CPU_BYTES (256ull << 20)

static void ltt_wake(struct irq_work *work)
{
	struct ltt_guest_cpu *c =
		container_of(work, struct ltt_guest_cpu, wake_work);

	wake_up_interruptible(&c->wait);
	if (ltt_backend->subbuf_closed)
		ltt_backend->subbuf_closed(c);
}

void ltt_guest_subbuf_closed(struct ltt_buf *b)
{
	struct ltt_guest_cpu *c = container_of(b, struct ltt_guest_cpu, buf);

	/* Any context, NMI included: count, and let an irq_work wake the
	 * consumer (a wake-up here could take the scheduler's locks that a
	 * sched_switch probe already holds). */
	atomic64_inc(&c->closed);
	irq_work_queue(&c->wake_work);
}

static struct ltt_guest_cpu *ltt_cpu_alloc(unsigned int cpu)
{
	struct ltt_buf_config cfg = {
		.cpu = cpu,
		.mode = ltt_guest_geom.mode,
		.header_type = LTT_HEADER_TYPE,
		.subbuf_order = ltt_guest_geom.subbuf_order,
		.nr_subbufs_order = ltt_guest_geom.nr_subbufs_order,
	};
	struct ltt_guest_cpu *c;
	u8 *mem;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	c->cpu = cpu;
	c->layout = ltt_dir_layout_for(cfg.subbuf_order, cfg.nr_subbufs_order);
	c->mem = vmalloc_user(c->layout.file_size);
	if (!c->mem) {
		kfree(c);
		return NULL;
	}
	mem = c->mem;
	memcpy(cfg.uuid, ltt_guest_uuid, LTT_UUID_LEN);
	if (ltt_buf_init(&c->buf, mem, mem + c->layout.cons_offset,
			 mem + c->layout.data_offset, &cfg) ||
	    ltt_reader_init(&c->reader, mem, c->layout.cons_offset,
			    mem + c->layout.cons_offset,
			    mem + c->layout.data_offset,
			    c->layout.data_size) != LTT_READER_OK) {
		vfree(c->mem);
		kfree(c);
		return NULL;
	}
	mutex_init(&c->reader_lock);
	atomic64_set(&c->closed, 0);
	init_irq_work(&c->wake_work, ltt_wake);
	init_waitqueue_head(&c->wait);
	atomic_set(&c->users, 0);
	return c;
}

/* Makes CPU cpu's buffer and file, then lets its writers in. */
static int ltt_cpu_add(unsigned int cpu)
{
	struct ltt_guest_cpu *c;
	int ret;

	if (ltt_guest_cpus[cpu])
		return 0;
	c = ltt_cpu_alloc(cpu);
	if (!c)
		return -ENOMEM;
	ret = ltt_backend->add_cpu(c);
	if (ret) {
		vfree(c->mem);
		kfree(c);
		return ret;
	}
	ltt_guest_cpus[cpu] = c;
	smp_wmb(); /* the buffer is initialised before writers see it */
	WRITE_ONCE(per_cpu(ltt_guest_cpu_buf, cpu), &c->buf);
	return 0;
}

/* Removes every buffer: writers out first, then files, then memory. */
static void ltt_cpus_free_all(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		WRITE_ONCE(per_cpu(ltt_guest_cpu_buf, cpu), NULL);
	/* every writer runs with preemption disabled */
	synchronize_rcu();
	for_each_possible_cpu(cpu)
	{
		struct ltt_guest_cpu *c = ltt_guest_cpus[cpu];

		if (!c)
			continue;
		ltt_backend->remove_cpu(c);
		irq_work_sync(&c->wake_work);
		ltt_guest_cpus[cpu] = NULL;
		vfree(c->mem);
		kfree(c);
	}
}

static int ltt_cpu_online(unsigned int cpu)
{
	int ret;

	mutex_lock(&ltt_buffers_lock);
	ret = ltt_cpu_add(cpu);
	mutex_unlock(&ltt_buffers_lock);
	if (ret)
		pr_warn("cpu %u: no buffer (%d); its events are not recorded\n",
			cpu, ret);
	/* never refuse a CPU: tracing it is not worth failing the hotplug */
	return 0;
}

static bool ltt_busy(void)
{
	unsigned int cpu;

	for_each_possible_cpu(
		cpu) if (ltt_guest_cpus[cpu] &&
			 atomic_read(&ltt_guest_cpus[cpu]->users)) return true;
	return false;
}

/* Caller: no event enabled. Takes the hotplug lock. */
int ltt_buffers_setup(const struct ltt_guest_geometry *g)
{
	struct ltt_dir_layout l;
	unsigned int cpu;
	int ret = 0;

	if (g->mode > LTT_MODE_OVERWRITE ||
	    g->subbuf_order < LTT_SUBBUF_ORDER_MIN ||
	    g->subbuf_order > LTT_SUBBUF_ORDER_MAX ||
	    g->nr_subbufs_order < LTT_NR_SUBBUFS_ORDER_MIN ||
	    g->nr_subbufs_order > LTT_NR_SUBBUFS_ORDER_MAX ||
	    g->subbuf_order < PAGE_SHIFT)
		return -EINVAL;
	l = ltt_dir_layout_for(g->subbuf_order, g->nr_subbufs_order);
	if (l.file_size > LTT_GUEST_MAX_CPU_BYTES)
		return -E2BIG;

	cpus_read_lock();
	mutex_lock(&ltt_buffers_lock);
	if (ltt_busy()) {
		ret = -EBUSY;
		goto out;
	}
	ltt_cpus_free_all();
	ltt_guest_geom = *g;
	/* channel.json first: a consumer checks each file against it */
	ret = ltt_backend->channel_changed();
	if (ret)
		goto out;
	for_each_online_cpu(cpu)
	{
		ret = ltt_cpu_add(cpu);
		if (ret) {
			ltt_cpus_free_all();
			goto out;
		}
	}
out:
	mutex_unlock(&ltt_buffers_lock);
	cpus_read_unlock();
	return ret;
}

int ltt_buffers_init(void)
{
	int ret;

	ltt_guest_cpus =
		kcalloc(nr_cpu_ids, sizeof(*ltt_guest_cpus), GFP_KERNEL);
	if (!ltt_guest_cpus)
		return -ENOMEM;
	ret = ltt_backend->channel_changed();
	if (ret)
		goto fail;
	/* calls ltt_cpu_online() on every CPU online now */
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "ltt/guest:online",
				ltt_cpu_online, NULL);
	if (ret < 0)
		goto fail;
	ltt_hp_state = ret;
	return 0;
fail:
	kfree(ltt_guest_cpus);
	ltt_guest_cpus = NULL;
	return ret;
}

void ltt_buffers_exit(void)
{
	if (ltt_hp_state >= 0)
		cpuhp_remove_state(ltt_hp_state);
	ltt_hp_state = -1;
	mutex_lock(&ltt_buffers_lock);
	ltt_cpus_free_all();
	mutex_unlock(&ltt_buffers_lock);
	kfree(ltt_guest_cpus);
	ltt_guest_cpus = NULL;
}

/* Takes the buffer for a file being opened; NULL when there is none. */
struct ltt_guest_cpu *ltt_buffers_get(unsigned int cpu)
{
	struct ltt_guest_cpu *c = NULL;

	mutex_lock(&ltt_buffers_lock);
	if (cpu < nr_cpu_ids && ltt_guest_cpus[cpu]) {
		c = ltt_guest_cpus[cpu];
		atomic_inc(&c->users);
	}
	mutex_unlock(&ltt_buffers_lock);
	return c;
}

void ltt_buffers_put(struct ltt_guest_cpu *c)
{
	atomic_dec(&c->users);
}

struct ltt_switch_call {
	struct ltt_guest_cpu *c;
	int flags;
	int result;
};

static void ltt_switch_here(void *arg)
{
	struct ltt_switch_call *call = arg;

	call->result = ltt_switch(&call->c->buf, call->flags);
}

/*
 * ltt_switch() must run on the buffer's CPU: the writers' compare-and-swap
 * is CPU-local (no LOCK prefix), so a switch from elsewhere could lose a
 * race with them. An offline CPU has no writers: switch it from here.
 */
int ltt_buffers_switch(struct ltt_guest_cpu *c, int flags)
{
	struct ltt_switch_call call = {.c = c, .flags = flags};

	cpus_read_lock();
	if (cpu_online(c->cpu))
		smp_call_function_single(c->cpu, ltt_switch_here, &call, 1);
	else
		ltt_switch_here(&call);
	cpus_read_unlock();
	return call.result;
}

int ltt_buffers_get_subbuf(struct ltt_guest_cpu *c, u64 *offset, u64 *size,
			   u64 *seq, u64 *skipped)
{
	struct ltt_subbuf sb = {.skipped = 0};
	int rc, ret = 0;

	if (c->buf.mode != LTT_MODE_OVERWRITE)
		return -EOPNOTSUPP;
	mutex_lock(&c->reader_lock);
	if (c->reader.holding) {
		ret = -EBUSY;
		goto out;
	}
	rc = ltt_reader_get(&c->reader, &sb);
	*skipped = sb.skipped;
	*offset = *size = *seq = 0;
	if (!c->reader.holding) {
		ret = rc == LTT_READER_EMPTY ? -ENODATA : -EIO;
		goto out;
	}
	*offset = c->reader.held << c->buf.subbuf_order;
	if (rc != LTT_READER_OK) {
		ret = -EIO;
		goto out;
	}
	*size = sb.size;
	*seq = sb.seq;
out:
	mutex_unlock(&c->reader_lock);
	return ret;
}

int ltt_buffers_put_subbuf(struct ltt_guest_cpu *c)
{
	int ret = 0;

	if (c->buf.mode != LTT_MODE_OVERWRITE)
		return -EOPNOTSUPP;
	mutex_lock(&c->reader_lock);
	if (c->reader.holding)
		ltt_reader_put(&c->reader);
	else
		ret = -EINVAL;
	mutex_unlock(&c->reader_lock);
	return ret;
}
