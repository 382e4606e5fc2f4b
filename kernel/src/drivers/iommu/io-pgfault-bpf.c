// SPDX-License-Identifier: GPL-2.0
/*
 * iopf-bpf: BPF struct_ops policies for recoverable I/O page faults
 *
 * iommu_report_device_fault() asks the attached policies (struct iopf_ops)
 * how to group, route or answer each page request.  The kernel validates
 * every answer: a policy that returns something it may not is ignored for
 * that request and ejected, and a request without a fault handler is
 * answered INVALID whatever the policies said.
 *
 * This file: the fault path, attach and detach, ejection, debugfs.  The
 * struct_ops type as the verifier sees it is in io-pgfault-bpf-ops.c.
 *
 * Locking: iopf_bpf_lock serializes attach, detach and ejection and guards
 * the policy lists for writers; the fault path walks them under RCU and
 * never sleeps or takes iopf_bpf_lock.  Ejection from the fault path only
 * marks the policy dead; iopf_bpf_reap_work detaches it.
 */

#define pr_fmt(fmt) "iopf-bpf: " fmt

#include <linux/bpf.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/iopf_bpf.h>
#include <linux/pci.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>
#include <trace/events/iopf.h>

#include "io-pgfault-bpf.h"
#include "iommu-priv.h"

DEFINE_STATIC_KEY_FALSE(iopf_bpf_attached);

#define IOPF_NR_CB		(IOPF_CB_RESPOND + 1)
#define IOPF_NR_EJECTIONS	16

/* One attached policy: kernel-private, so nothing here is user-visible */
struct iopf_bpf_policy {
	struct list_head node;
	struct iopf_ops *ops;
	struct bpf_link *link;
	struct device *dev;		/* scope, referenced; NULL: all devices */
	u64 order;			/* attach order, for the combining rule */
	unsigned long dead;		/* bit 0: never call again */
	bool reaping;			/* the reap work took it, under the lock */
	struct iopf_exit_info exit_info;	/* why it died, once dead */
	atomic64_t calls[IOPF_NR_CB];
	atomic64_t obeyed[IOPF_NR_CB];
	atomic64_t overridden[IOPF_NR_CB];
};

/* What the policies decided so far for one request */
struct iopf_bpf_decision {
	bool decided[IOPF_NR_CB];
	bool drop_partial;
	struct iommu_attach_handle *route;
	int code;
};

struct iopf_bpf_ejection {
	u64 time_ns;			/* CLOCK_REALTIME */
	char name[IOPF_OPS_NAME_LEN];
	struct iopf_exit_info info;
};

static DEFINE_MUTEX(iopf_bpf_lock);
static LIST_HEAD(iopf_bpf_scoped);	/* consulted first, in attach order */
static LIST_HEAD(iopf_bpf_global);	/* then these, in attach order */
static unsigned int iopf_bpf_nr_policies;
static u64 iopf_bpf_next_order;

static DEFINE_SPINLOCK(iopf_bpf_ejections_lock);
static struct iopf_bpf_ejection iopf_bpf_ejections[IOPF_NR_EJECTIONS];
static unsigned int iopf_bpf_nr_ejections;	/* ever recorded */

static struct {
	atomic64_t requests;		/* page requests the policies saw */
	atomic64_t dropped_partials;
	atomic64_t routed;
	atomic64_t responded[IOMMU_PAGE_RESP_FAILURE + 1];	/* by code */
	atomic64_t freed_partials;	/* gathered into auto-answered groups */
	atomic64_t bad_setup;		/* decisions void: no fault handler */
	atomic64_t ejected;
} iopf_bpf_stats;

static const char * const iopf_cb_names[IOPF_NR_CB] = {
	[IOPF_CB_NONE] = "none",
	[IOPF_CB_GROUP] = "group",
	[IOPF_CB_ROUTE] = "route",
	[IOPF_CB_RESPOND] = "respond",
};

static const char * const iopf_exit_names[] = {
	[IOPF_EXIT_DETACHED] = "detached",
	[IOPF_EXIT_BAD_VERDICT] = "bad-verdict",
	[IOPF_EXIT_WRONG_KIND] = "wrong-kind-of-request",
	[IOPF_EXIT_BAD_ROUTE] = "bad-route",
	[IOPF_EXIT_FORBIDDEN_CODE] = "forbidden-code",
	[IOPF_EXIT_DEV_REMOVED] = "device-removed",
};

static void iopf_bpf_reap(struct work_struct *work);
static DECLARE_WORK(iopf_bpf_reap_work, iopf_bpf_reap);

/* The device's RID attach handle, if it can take faults */
struct iommu_attach_handle *iopf_bpf_rid_handle(struct device *dev)
{
	struct iommu_attach_handle *handle;

	handle = iommu_attach_handle_get(dev->iommu_group, IOMMU_NO_PASID, 0);
	if (IS_ERR(handle) || !handle->domain->iopf_handler)
		return NULL;
	return handle;
}

/*
 * Mark @p dead and record why.  Safe from the fault path: it neither sleeps
 * nor waits for anything; iopf_bpf_reap() finishes the detach.
 */
static void iopf_bpf_eject(struct iopf_bpf_policy *p, const char *dev_name,
			   u32 pasid, u32 kind, u32 callback, int verdict)
{
	struct iopf_exit_info *info = &p->exit_info;
	struct iopf_bpf_ejection *rec;

	if (test_and_set_bit(0, &p->dead))
		return;

	info->kind = kind;
	info->callback = callback;
	info->verdict = verdict;
	info->pasid = pasid;
	strscpy(info->dev_name, dev_name, sizeof(info->dev_name));

	spin_lock(&iopf_bpf_ejections_lock);
	rec = &iopf_bpf_ejections[iopf_bpf_nr_ejections++ % IOPF_NR_EJECTIONS];
	rec->time_ns = ktime_get_real_ns();
	strscpy(rec->name, p->ops->name, sizeof(rec->name));
	rec->info = *info;
	spin_unlock(&iopf_bpf_ejections_lock);

	atomic64_inc(&iopf_bpf_stats.ejected);
	pr_info("policy %s ejected: %s (%s returned %d, device %s, pasid %#x)\n",
		p->ops->name, iopf_exit_names[kind], iopf_cb_names[callback],
		verdict, info->dev_name, pasid);
	schedule_work(&iopf_bpf_reap_work);
}

/* Not an exit kind: iopf_bpf_check() accepted the answer */
#define IOPF_ANSWER_VALID	IOPF_EXIT_DETACHED

/* Check one callback's answer: IOPF_ANSWER_VALID, or why it is refused */
static u32 iopf_bpf_check(const struct iopf_bpf_fault *f, u32 cb, int verdict,
			  struct iopf_bpf_decision *d)
{
	const struct iopf_ctx *ctx = &f->ctx;
	struct iommu_attach_handle *handle;

	switch (cb) {
	case IOPF_CB_GROUP:
		if (verdict != IOPF_GROUP_DROP)
			return IOPF_EXIT_BAD_VERDICT;
		if (ctx->last_page)
			return IOPF_EXIT_WRONG_KIND;
		d->drop_partial = true;
		return IOPF_ANSWER_VALID;
	case IOPF_CB_ROUTE:
		if (verdict != IOPF_ROUTE_RID)
			return IOPF_EXIT_BAD_VERDICT;
		if (!ctx->pasid_valid)
			return IOPF_EXIT_WRONG_KIND;
		/* Never away from a PASID's own handle, never elsewhere */
		handle = iommu_attach_handle_get(f->dev->iommu_group,
						 ctx->pasid, 0);
		if (!IS_ERR(handle))
			return IOPF_EXIT_BAD_ROUTE;
		handle = iopf_bpf_rid_handle(f->dev);
		if (!handle)
			return IOPF_EXIT_BAD_ROUTE;
		d->route = handle;
		return IOPF_ANSWER_VALID;
	case IOPF_CB_RESPOND:
		switch (verdict) {
		case IOPF_RESPOND_INVALID:
			d->code = IOMMU_PAGE_RESP_INVALID;
			break;
		case IOPF_RESPOND_SUCCESS:
			d->code = IOMMU_PAGE_RESP_SUCCESS;
			break;
		case IOPF_RESPOND_FAILURE:
			/* FAILURE disables PRI on the function: not a VF's call */
			if (dev_is_pci(f->dev) && to_pci_dev(f->dev)->is_virtfn)
				return IOPF_EXIT_FORBIDDEN_CODE;
			d->code = IOMMU_PAGE_RESP_FAILURE;
			break;
		default:
			return IOPF_EXIT_BAD_VERDICT;
		}
		return IOPF_ANSWER_VALID;
	}
	return IOPF_EXIT_BAD_VERDICT;
}

static void iopf_bpf_trace(const struct iopf_bpf_policy *p,
			   const struct iopf_bpf_fault *f, u32 cb, int verdict,
			   u32 outcome)
{
	trace_iopf_decision(p->ops->name, f->ctx.dev_name, f->ctx.pasid, cb,
			    verdict, outcome);
}

/*
 * Call one callback of @p and fold its answer into @d.  An answer that is
 * valid but comes after another policy's is counted as overridden.
 */
static void iopf_bpf_call(struct iopf_bpf_policy *p, struct iopf_bpf_fault *f,
			  u32 cb, int (*fn)(const struct iopf_ctx *ctx),
			  struct iopf_bpf_decision *d)
{
	struct iopf_bpf_decision mine = *d;
	bool first = !d->decided[cb];
	int verdict;
	u32 kind;

	if (!fn || test_bit(0, &p->dead))
		return;

	atomic64_inc(&p->calls[cb]);
	verdict = fn(&f->ctx);
	if (verdict == IOPF_DEFAULT) {
		iopf_bpf_trace(p, f, cb, verdict, IOPF_DECISION_DEFAULT);
		return;
	}

	kind = iopf_bpf_check(f, cb, verdict, &mine);
	if (kind != IOPF_ANSWER_VALID) {
		iopf_bpf_trace(p, f, cb, verdict, IOPF_DECISION_EJECTED);
		iopf_bpf_eject(p, f->ctx.dev_name, f->ctx.pasid, kind, cb,
			       verdict);
		return;
	}
	if (!first) {
		iopf_bpf_trace(p, f, cb, verdict, IOPF_DECISION_OVERRIDDEN);
		atomic64_inc(&p->overridden[cb]);
		return;
	}
	iopf_bpf_trace(p, f, cb, verdict, IOPF_DECISION_OBEYED);
	*d = mine;
	d->decided[cb] = true;
	atomic64_inc(&p->obeyed[cb]);
}

static void iopf_bpf_consult(struct iopf_bpf_policy *p,
			     struct iopf_bpf_fault *f,
			     struct iopf_bpf_decision *d)
{
	iopf_bpf_call(p, f, IOPF_CB_GROUP, p->ops->group, d);
	iopf_bpf_call(p, f, IOPF_CB_ROUTE, p->ops->route, d);
	if (f->ctx.last_page)
		iopf_bpf_call(p, f, IOPF_CB_RESPOND, p->ops->respond, d);
}

/*
 * Partial requests parked for @dev now.  Walking the list keeps the count
 * exact: stock code frees partials in several places without telling us.
 */
static void iopf_bpf_count_partials(struct device *dev, struct iopf_ctx *ctx)
{
	struct iommu_fault_param *fault_param;
	struct iopf_fault *iopf;
	bool none;

	/* The common case, nothing parked, needs neither reference nor lock */
	rcu_read_lock();
	fault_param = rcu_dereference(dev->iommu->fault_param);
	none = !fault_param || list_empty_careful(&fault_param->partial);
	rcu_read_unlock();
	if (none)
		return;

	fault_param = iopf_get_dev_fault_param(dev);
	if (!fault_param)
		return;

	mutex_lock(&fault_param->lock);
	list_for_each_entry(iopf, &fault_param->partial, list) {
		ctx->nr_partial++;
		if (iopf->fault.prm.grpid == ctx->grpid)
			ctx->nr_partial_grpid++;
	}
	mutex_unlock(&fault_param->lock);
	iopf_put_dev_fault_param(fault_param);
}

/* Whether any live list entry applies to @dev: faults of other devices cost little */
static bool iopf_bpf_applies(struct device *dev)
{
	struct iopf_bpf_policy *p;
	bool found;

	rcu_read_lock();
	found = !list_empty(&iopf_bpf_global);
	if (!found)
		list_for_each_entry_rcu(p, &iopf_bpf_scoped, node)
			if (p->dev == dev) {
				found = true;
				break;
			}
	rcu_read_unlock();
	return found;
}

static void iopf_bpf_fill_ctx(struct iopf_bpf_fault *f, struct device *dev,
			      const struct iopf_fault *evt, bool has_handle)
{
	const struct iommu_fault_page_request *prm = &evt->fault.prm;
	struct iopf_ctx *ctx = &f->ctx;

	f->dev = dev;
	strscpy(ctx->dev_name, dev_name(dev), sizeof(ctx->dev_name));
	ctx->addr = prm->addr;
	ctx->pasid = prm->pasid;
	ctx->grpid = prm->grpid;
	ctx->perm = prm->perm;
	ctx->flags = prm->flags;
	ctx->pasid_valid = prm->flags & IOMMU_FAULT_PAGE_REQUEST_PASID_VALID;
	ctx->last_page = prm->flags & IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE;
	ctx->has_default_handle = has_handle;
	iopf_bpf_count_partials(dev, ctx);
}

/**
 * iopf_bpf_decide() - Ask the attached policies about one fault
 * @dev: the device that reported @evt
 * @evt: the fault, as given to iommu_report_device_fault()
 * @handle: the attach handle the kernel found on its own, or NULL
 * @verdict: filled with what the caller must do (zeroed by the caller)
 *
 * Context: process context, may sleep; called without iopf_param->lock.
 * Return: the attach handle to deliver to (@handle, or the RID handle a
 * policy routed to), or NULL if none has a fault handler: the caller then
 * takes the bad-setup path and @verdict is left empty.
 */
struct iommu_attach_handle *
iopf_bpf_decide(struct device *dev, struct iopf_fault *evt,
		struct iommu_attach_handle *handle,
		struct iopf_bpf_verdict *verdict)
{
	struct iopf_bpf_decision d = {};
	struct iopf_bpf_fault f = {};
	struct iopf_bpf_policy *p;

	if (evt->fault.type != IOMMU_FAULT_PAGE_REQ || !iopf_bpf_applies(dev))
		return handle;

	iopf_bpf_fill_ctx(&f, dev, evt, handle);
	atomic64_inc(&iopf_bpf_stats.requests);

	rcu_read_lock();
	list_for_each_entry_rcu(p, &iopf_bpf_scoped, node)
		if (p->dev == dev)
			iopf_bpf_consult(p, &f, &d);
	list_for_each_entry_rcu(p, &iopf_bpf_global, node)
		iopf_bpf_consult(p, &f, &d);
	rcu_read_unlock();

	if (d.route) {
		handle = d.route;
		atomic64_inc(&iopf_bpf_stats.routed);
	}
	if (!handle) {
		if (d.drop_partial || d.decided[IOPF_CB_RESPOND])
			atomic64_inc(&iopf_bpf_stats.bad_setup);
		return NULL;
	}

	verdict->drop_partial = d.drop_partial;
	verdict->respond = d.decided[IOPF_CB_RESPOND];
	verdict->code = d.code;
	if (d.drop_partial)
		atomic64_inc(&iopf_bpf_stats.dropped_partials);
	return handle;
}

/**
 * iopf_bpf_respond() - Answer a group now if a policy said so
 * @group: a group just formed by iommu_report_device_fault()
 * @verdict: what iopf_bpf_decide() returned for its last request
 *
 * Return: true if @group was answered and freed, false if it goes on to
 * its handler.
 */
bool iopf_bpf_respond(struct iopf_group *group,
		      const struct iopf_bpf_verdict *verdict)
{
	if (!verdict->respond)
		return false;

	group->response_source = IOPF_RESPONSE_POLICY;
	iopf_group_response(group, verdict->code);
	atomic64_inc(&iopf_bpf_stats.responded[verdict->code]);
	atomic64_add(group->fault_count - 1, &iopf_bpf_stats.freed_partials);
	iopf_free_group(group);
	return true;
}

/**
 * iopf_bpf_device_release() - Eject the policies scoped to a departing device
 * @dev: a device the IOMMU core has just released (dev->iommu_group is NULL)
 *
 * A new device may reuse the name: it must not inherit the policy.
 * iopf_bpf_reg() checks dev->iommu_group under the same lock, so a policy
 * is either refused or seen here.
 */
void iopf_bpf_device_release(struct device *dev)
{
	struct iopf_bpf_policy *p;

	/* Raised before any policy is listed: no scoped policy is missed */
	if (!iopf_bpf_active())
		return;

	mutex_lock(&iopf_bpf_lock);
	list_for_each_entry(p, &iopf_bpf_scoped, node)
		if (p->dev == dev)
			iopf_bpf_eject(p, dev_name(dev), 0,
				       IOPF_EXIT_DEV_REMOVED, IOPF_CB_NONE, 0);
	mutex_unlock(&iopf_bpf_lock);
}

static struct iopf_bpf_policy *iopf_bpf_find(const struct iopf_ops *ops,
					     const char *name)
{
	struct list_head *lists[] = { &iopf_bpf_scoped, &iopf_bpf_global };
	struct iopf_bpf_policy *p;
	int i;

	lockdep_assert_held(&iopf_bpf_lock);
	for (i = 0; i < ARRAY_SIZE(lists); i++)
		list_for_each_entry(p, lists[i], node)
			if (p->ops == ops || (name && !strcmp(p->ops->name, name)))
				return p;
	return NULL;
}

/* Take the link of one dead policy that nobody is detaching yet */
static struct bpf_link *iopf_bpf_take_dead_link(void)
{
	struct list_head *lists[] = { &iopf_bpf_scoped, &iopf_bpf_global };
	struct bpf_link *link;
	struct iopf_bpf_policy *p;
	int i;

	guard(mutex)(&iopf_bpf_lock);
	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		list_for_each_entry(p, lists[i], node) {
			if (!test_bit(0, &p->dead) || p->reaping)
				continue;
			p->reaping = true;
			/* A link at refcount zero is being released: unreg comes */
			link = bpf_link_inc_not_zero(p->link);
			if (!IS_ERR(link))
				return link;
		}
	}
	return NULL;
}

/*
 * Detach ejected policies.  detach() takes the struct_ops update mutex and
 * ends in iopf_bpf_unreg(), so it runs here, never on the fault path and
 * never under iopf_bpf_lock.
 */
static void iopf_bpf_reap(struct work_struct *work)
{
	struct bpf_link *link;

	while ((link = iopf_bpf_take_dead_link())) {
		link->ops->detach(link);
		bpf_link_put(link);
	}
}

int iopf_bpf_reg(void *kdata, struct bpf_link *link)
{
	struct iopf_ops *ops = kdata;
	struct iopf_bpf_policy *p;
	struct device *dev = NULL;
	int ret = 0;

	/* Without a link the kernel could not eject the policy */
	if (!link)
		return -EOPNOTSUPP;
	/* A policy can deny a device DMA service */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	if (ops->dev_name[0]) {
		dev = iommu_get_device_by_name(ops->dev_name);
		if (!dev)
			return -ENODEV;
	}

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		ret = -ENOMEM;
		goto out_put;
	}
	p->ops = ops;
	p->link = link;
	p->dev = dev;

	/* Before listing: iopf_bpf_device_release() looks only when it is on */
	static_branch_inc(&iopf_bpf_attached);
	mutex_lock(&iopf_bpf_lock);
	if (dev && !device_iommu_mapped(dev))
		ret = -ENODEV;	/* gone, or going: its release has run */
	else if (iopf_bpf_find(ops, ops->name))
		ret = -EEXIST;
	else if (iopf_bpf_nr_policies == IOPF_MAX_POLICIES)
		ret = -ENOSPC;
	if (!ret) {
		p->order = ++iopf_bpf_next_order;
		list_add_tail_rcu(&p->node,
				  dev ? &iopf_bpf_scoped : &iopf_bpf_global);
		iopf_bpf_nr_policies++;
	}
	mutex_unlock(&iopf_bpf_lock);
	if (!ret)
		return 0;

	static_branch_dec(&iopf_bpf_attached);
	kfree(p);
out_put:
	put_device(dev);
	return ret;
}

void iopf_bpf_unreg(void *kdata, struct bpf_link *link)
{
	struct iopf_bpf_policy *p;

	mutex_lock(&iopf_bpf_lock);
	p = iopf_bpf_find(kdata, NULL);
	if (p && p->link == link) {
		list_del_rcu(&p->node);
		iopf_bpf_nr_policies--;
	} else {
		p = NULL;
	}
	mutex_unlock(&iopf_bpf_lock);
	if (!p)
		return;

	/* No fault path call of this policy is in flight after this */
	synchronize_rcu();
	if (p->ops->exit)
		p->ops->exit(&p->exit_info);
	static_branch_dec(&iopf_bpf_attached);
	put_device(p->dev);
	kfree(p);
}

/* debugfs: what is attached, what happened, why policies were ejected */

/*
 * One line per policy, key=value; each callback as
 * <callback>=<implemented y/n>:<calls>:<obeyed>:<overridden>.
 */
static void iopf_bpf_show_list(struct seq_file *s, struct list_head *list)
{
	struct iopf_bpf_policy *p;
	int cb;

	list_for_each_entry(p, list, node) {
		const void *fns[IOPF_NR_CB] = {
			[IOPF_CB_GROUP] = p->ops->group,
			[IOPF_CB_ROUTE] = p->ops->route,
			[IOPF_CB_RESPOND] = p->ops->respond,
		};

		seq_printf(s, "name=%s scope=%s order=%llu link_id=%u state=%s",
			   p->ops->name, p->dev ? dev_name(p->dev) : "*",
			   p->order, p->link->id,
			   test_bit(0, &p->dead) ? "ejected" : "live");
		for (cb = IOPF_CB_GROUP; cb < IOPF_NR_CB; cb++)
			seq_printf(s, " %s=%c:%lld:%lld:%lld", iopf_cb_names[cb],
				   fns[cb] ? 'y' : 'n',
				   atomic64_read(&p->calls[cb]),
				   atomic64_read(&p->obeyed[cb]),
				   atomic64_read(&p->overridden[cb]));
		seq_putc(s, '\n');
	}
}

static int iopf_bpf_policies_show(struct seq_file *s, void *unused)
{
	guard(mutex)(&iopf_bpf_lock);
	iopf_bpf_show_list(s, &iopf_bpf_scoped);
	iopf_bpf_show_list(s, &iopf_bpf_global);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(iopf_bpf_policies);

static int iopf_bpf_ejections_show(struct seq_file *s, void *unused)
{
	struct iopf_bpf_ejection rec;
	unsigned int i, first, last;

	spin_lock(&iopf_bpf_ejections_lock);
	last = iopf_bpf_nr_ejections;
	spin_unlock(&iopf_bpf_ejections_lock);
	first = last > IOPF_NR_EJECTIONS ? last - IOPF_NR_EJECTIONS : 0;

	for (i = first; i < last; i++) {
		spin_lock(&iopf_bpf_ejections_lock);
		rec = iopf_bpf_ejections[i % IOPF_NR_EJECTIONS];
		spin_unlock(&iopf_bpf_ejections_lock);
		seq_printf(s, "seq=%u time_ns=%llu name=%s reason=%s callback=%s verdict=%d device=%s pasid=%#x\n",
			   i + 1, rec.time_ns, rec.name,
			   iopf_exit_names[rec.info.kind],
			   iopf_cb_names[rec.info.callback], rec.info.verdict,
			   rec.info.dev_name[0] ? rec.info.dev_name : "-",
			   rec.info.pasid);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(iopf_bpf_ejections);

static int iopf_bpf_stats_show(struct seq_file *s, void *unused)
{
#define SHOW(name, counter) \
	seq_printf(s, "%s %lld\n", name, atomic64_read(&iopf_bpf_stats.counter))
	SHOW("requests", requests);
	SHOW("dropped_partials", dropped_partials);
	SHOW("routed", routed);
	SHOW("responded_invalid", responded[IOMMU_PAGE_RESP_INVALID]);
	SHOW("responded_success", responded[IOMMU_PAGE_RESP_SUCCESS]);
	SHOW("responded_failure", responded[IOMMU_PAGE_RESP_FAILURE]);
	SHOW("freed_partials", freed_partials);
	SHOW("bad_setup", bad_setup);
	SHOW("ejected", ejected);
#undef SHOW
	seq_printf(s, "attached %u\n", READ_ONCE(iopf_bpf_nr_policies));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(iopf_bpf_stats);

static int __init iopf_bpf_init(void)
{
	struct dentry *dir;
	int ret;

	ret = iopf_bpf_register_ops();
	if (ret)
		return ret;

	dir = debugfs_create_dir("iopf", NULL);
	debugfs_create_file("policies", 0400, dir, NULL, &iopf_bpf_policies_fops);
	debugfs_create_file("ejections", 0400, dir, NULL, &iopf_bpf_ejections_fops);
	debugfs_create_file("stats", 0400, dir, NULL, &iopf_bpf_stats_fops);
	return 0;
}
late_initcall(iopf_bpf_init);
