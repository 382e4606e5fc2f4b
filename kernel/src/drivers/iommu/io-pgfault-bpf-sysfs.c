// SPDX-License-Identifier: GPL-2.0
/*
 * iopf-bpf state in sysfs, one value per file (documented in
 * Documentation/ABI/testing/sysfs-kernel-iopf):
 *
 *   /sys/kernel/iopf/stats/<counter>         the framework's totals
 *   /sys/kernel/iopf/policies/<name>/<attr>  each listed policy
 *   /sys/kernel/iopf/ejections/<seq>/<attr>  the last IOPF_NR_EJECTIONS
 *
 * A policy's directory belongs to its attachment: created by
 * iopf_bpf_reg(), handed to the new policy (and renamed to its name) by
 * iopf_bpf_update(), removed when the policy is taken off the lists, all
 * under iopf_bpf_lock.  Its files read the policy under RCU and take no
 * lock of the framework, so removing a directory (which waits for reads in
 * progress) under iopf_bpf_lock cannot deadlock.
 *
 * Ejections are recorded from the fault path, where nothing may be
 * created in sysfs; iopf_bpf_sysfs_sync_ejections() makes the directories
 * of the records in the ring, in process context: from the reap work, and
 * before an ejected policy's directory goes, so that a reader who sees the
 * policy gone finds why.
 */

#define pr_fmt(fmt) "iopf-bpf: " fmt

#include <linux/bpf.h>
#include <linux/cleanup.h>
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/user_namespace.h>

#include "io-pgfault-bpf.h"

static struct kobject *iopf_kobj;
static struct kobject *iopf_policies_kobj;
static struct kobject *iopf_ejections_kobj;

/* A policy's directory; its files show whichever policy holds it now */
struct iopf_bpf_dir {
	struct kobject kobj;
	struct iopf_bpf_policy __rcu *policy;
};

/* One ejection's directory, with its own copy of the record */
struct iopf_bpf_ejection_dir {
	struct kobject kobj;
	struct list_head node;		/* iopf_bpf_ejection_dirs, by seq */
	unsigned int seq;
	struct iopf_bpf_ejection rec;
};

/* Serializes iopf_bpf_sysfs_sync_ejections() */
static DEFINE_MUTEX(iopf_bpf_ejection_dirs_lock);
static LIST_HEAD(iopf_bpf_ejection_dirs);

/* stats/: the per-CPU totals of io-pgfault-bpf.c, summed at each read */

#define IOPF_STAT_ATTR(_name, _field)					\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct iopf_bpf_stats sum;					\
									\
	iopf_bpf_sum(&sum, &iopf_bpf_stats, sizeof(sum));		\
	return sysfs_emit(buf, "%llu\n", sum._field);			\
}									\
static struct kobj_attribute iopf_stat_##_name = __ATTR_RO(_name)

IOPF_STAT_ATTR(requests, requests);
IOPF_STAT_ATTR(dropped_partials, dropped_partials);
IOPF_STAT_ATTR(routed, routed);
IOPF_STAT_ATTR(responded_success, responded[IOMMU_PAGE_RESP_SUCCESS]);
IOPF_STAT_ATTR(responded_invalid, responded[IOMMU_PAGE_RESP_INVALID]);
IOPF_STAT_ATTR(responded_failure, responded[IOMMU_PAGE_RESP_FAILURE]);
IOPF_STAT_ATTR(freed_partials, freed_partials);
IOPF_STAT_ATTR(bad_setup, bad_setup);
IOPF_STAT_ATTR(ejected, ejected);

static ssize_t attached_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%u\n", iopf_bpf_nr_attached());
}

static struct kobj_attribute iopf_stat_attached = __ATTR_RO(attached);

static struct attribute *iopf_stats_attrs[] = {
	&iopf_stat_requests.attr,
	&iopf_stat_dropped_partials.attr,
	&iopf_stat_routed.attr,
	&iopf_stat_responded_success.attr,
	&iopf_stat_responded_invalid.attr,
	&iopf_stat_responded_failure.attr,
	&iopf_stat_freed_partials.attr,
	&iopf_stat_bad_setup.attr,
	&iopf_stat_ejected.attr,
	&iopf_stat_attached.attr,
	NULL
};

static const struct attribute_group iopf_stats_group = {
	.name = "stats",
	.attrs = iopf_stats_attrs,
};

/* policies/<name>/ */

/*
 * Show one field of the policy behind @kobj.  The policy is freed only
 * after an RCU grace period that follows the removal or hand-over of its
 * directory, so RCU is all a read needs.
 */
#define IOPF_POLICY_ATTR(_name, _fmt, _expr)				\
static ssize_t policy_##_name##_show(struct kobject *kobj,		\
				     struct kobj_attribute *attr,	\
				     char *buf)				\
{									\
	struct iopf_bpf_dir *d = container_of(kobj, struct iopf_bpf_dir,\
					      kobj);			\
	struct iopf_bpf_policy *p;					\
									\
	guard(rcu)();							\
	p = rcu_dereference(d->policy);					\
	if (!p)								\
		return -ENODEV;						\
	return sysfs_emit(buf, _fmt "\n", _expr);			\
}									\
static struct kobj_attribute iopf_policy_##_name =			\
	__ATTR(_name, 0444, policy_##_name##_show, NULL)

/* A policy's counters, summed over the CPUs */
static struct iopf_bpf_counters iopf_bpf_policy_sum(struct iopf_bpf_policy *p)
{
	struct iopf_bpf_counters c;

	iopf_bpf_sum(&c, p->counters, sizeof(c));
	return c;
}

/* Its device's name, "fault:<ID>" for a fault queue, "*" for all devices */
static ssize_t policy_scope_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	struct iopf_bpf_dir *d = container_of(kobj, struct iopf_bpf_dir, kobj);
	char scope[IOPF_DEV_NAME_LEN];
	struct iopf_bpf_policy *p;
	const char *s;

	guard(rcu)();
	p = rcu_dereference(d->policy);
	if (!p)
		return -ENODEV;
	s = iopf_bpf_scope_name(p, scope);
	return sysfs_emit(buf, "%s\n", *s ? s : "*");
}

static struct kobj_attribute iopf_policy_scope =
	__ATTR(scope, 0444, policy_scope_show, NULL);
IOPF_POLICY_ATTR(order, "%llu", p->order);
IOPF_POLICY_ATTR(link_id, "%u", p->link->id);
IOPF_POLICY_ATTR(state, "%s", test_bit(0, &p->dead) ? "ejected" : "live");
IOPF_POLICY_ATTR(mode, "%s", p->ops->shadow ? "shadow" : "live");
IOPF_POLICY_ATTR(calls, "%llu", iopf_bpf_policy_sum(p).calls);
IOPF_POLICY_ATTR(obeyed, "%llu", iopf_bpf_policy_sum(p).obeyed);
IOPF_POLICY_ATTR(overridden, "%llu", iopf_bpf_policy_sum(p).overridden);
IOPF_POLICY_ATTR(shadowed, "%llu", iopf_bpf_policy_sum(p).shadowed);
IOPF_POLICY_ATTR(tenant, "%d", !!p->owner);
IOPF_POLICY_ATTR(uid, "%u", from_kuid_munged(&init_user_ns, p->uid));

static struct attribute *iopf_policy_attrs[] = {
	&iopf_policy_scope.attr,
	&iopf_policy_order.attr,
	&iopf_policy_link_id.attr,
	&iopf_policy_state.attr,
	&iopf_policy_mode.attr,
	&iopf_policy_calls.attr,
	&iopf_policy_obeyed.attr,
	&iopf_policy_overridden.attr,
	&iopf_policy_shadowed.attr,
	&iopf_policy_tenant.attr,
	&iopf_policy_uid.attr,
	NULL
};
ATTRIBUTE_GROUPS(iopf_policy);

static void iopf_bpf_dir_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct iopf_bpf_dir, kobj));
}

static const struct kobj_type iopf_bpf_dir_ktype = {
	.release = iopf_bpf_dir_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = iopf_policy_groups,
};

/**
 * iopf_bpf_sysfs_add() - Give a policy being listed its directory
 * @p: the policy; p->ops->name is unique among the listed policies
 *
 * Context: under iopf_bpf_lock; may sleep.
 * Return: 0, or the negative errno of kobject_init_and_add() (then @p has
 * no directory), -ENODEV if /sys/kernel/iopf/ could not be made at boot.
 */
int iopf_bpf_sysfs_add(struct iopf_bpf_policy *p)
{
	struct iopf_bpf_dir *d;
	int ret;

	if (!iopf_policies_kobj)
		return -ENODEV;
	d = kzalloc_obj(*d);
	if (!d)
		return -ENOMEM;
	RCU_INIT_POINTER(d->policy, p);
	ret = kobject_init_and_add(&d->kobj, &iopf_bpf_dir_ktype,
				   iopf_policies_kobj, "%s", p->ops->name);
	if (ret) {
		kobject_put(&d->kobj);
		return ret;
	}
	p->dir = d;
	return 0;
}

/**
 * iopf_bpf_sysfs_hand_over() - Give @old's directory to @p, which replaces it
 * @old: the listed policy being replaced
 * @p: its replacement, named uniquely
 *
 * The directory is renamed if the name changed, and never disappears:
 * a reader sees @old's files or @p's.  @old is freed only after an RCU
 * grace period (iopf_bpf_update()), which the readers need.
 *
 * Context: under iopf_bpf_lock; may sleep.
 * Return: 0, or the error of the rename (then nothing changed).
 */
int iopf_bpf_sysfs_hand_over(struct iopf_bpf_policy *old,
			     struct iopf_bpf_policy *p)
{
	struct iopf_bpf_dir *d = old->dir;
	int ret;

	if (strcmp(old->ops->name, p->ops->name)) {
		ret = kobject_rename(&d->kobj, p->ops->name);
		if (ret)
			return ret;
	}
	rcu_assign_pointer(d->policy, p);
	p->dir = d;
	old->dir = NULL;
	return 0;
}

/**
 * iopf_bpf_sysfs_del() - Remove the directory of a policy leaving the lists
 * @p: the policy
 *
 * Waits for reads of its files in progress.
 *
 * Context: under iopf_bpf_lock; may sleep.
 */
void iopf_bpf_sysfs_del(struct iopf_bpf_policy *p)
{
	struct iopf_bpf_dir *d = p->dir;

	if (!d)
		return;
	kobject_del(&d->kobj);
	RCU_INIT_POINTER(d->policy, NULL);
	kobject_put(&d->kobj);
	p->dir = NULL;
}

/* ejections/<seq>/: a copy of the record, made in process context */

#define IOPF_EJECTION_ATTR(_name, _fmt, _expr)				\
static ssize_t ejection_##_name##_show(struct kobject *kobj,		\
				       struct kobj_attribute *attr,	\
				       char *buf)			\
{									\
	struct iopf_bpf_ejection_dir *e =				\
		container_of(kobj, struct iopf_bpf_ejection_dir, kobj);	\
	const struct iopf_bpf_ejection *rec = &e->rec;			\
	char num[12] __maybe_unused;					\
									\
	return sysfs_emit(buf, _fmt "\n", _expr);			\
}									\
static struct kobj_attribute iopf_ejection_##_name =			\
	__ATTR(_name, 0444, ejection_##_name##_show, NULL)

IOPF_EJECTION_ATTR(time_ns, "%llu", rec->time_ns);
IOPF_EJECTION_ATTR(name, "%s", rec->name);
IOPF_EJECTION_ATTR(reason, "%s", iopf_bpf_exit_name(rec->info.kind));
IOPF_EJECTION_ATTR(action, "%s",
		   iopf_bpf_action_name(rec->info.action, num));
IOPF_EJECTION_ATTR(device, "%s", rec->info.dev_name);
IOPF_EJECTION_ATTR(pasid, "%#x", rec->info.pasid);
IOPF_EJECTION_ATTR(message, "%s", rec->info.msg);

static struct attribute *iopf_ejection_attrs[] = {
	&iopf_ejection_time_ns.attr,
	&iopf_ejection_name.attr,
	&iopf_ejection_reason.attr,
	&iopf_ejection_action.attr,
	&iopf_ejection_device.attr,
	&iopf_ejection_pasid.attr,
	&iopf_ejection_message.attr,
	NULL
};
ATTRIBUTE_GROUPS(iopf_ejection);

static void iopf_bpf_ejection_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct iopf_bpf_ejection_dir, kobj));
}

static const struct kobj_type iopf_bpf_ejection_ktype = {
	.release = iopf_bpf_ejection_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = iopf_ejection_groups,
};

/* Add the directory of ejection @seq before @pos, if the ring still has it */
static void iopf_bpf_ejection_dir_add(unsigned int seq, struct list_head *pos)
{
	struct iopf_bpf_ejection_dir *e;

	e = kzalloc_obj(*e);
	if (!e)
		goto fail;
	if (!iopf_bpf_ejection_read(seq, &e->rec)) {
		kfree(e);
		return;
	}
	e->seq = seq;
	if (kobject_init_and_add(&e->kobj, &iopf_bpf_ejection_ktype,
				 iopf_ejections_kobj, "%u", seq)) {
		kobject_put(&e->kobj);
		goto fail;
	}
	list_add_tail(&e->node, pos);
	return;
fail:
	/* The kernel log and the tracepoint had it; a later sync retries */
	pr_warn_ratelimited("ejection %u: could not add its sysfs record\n",
			    seq);
}

/**
 * iopf_bpf_sysfs_sync_ejections() - Show the ring's ejections in sysfs
 *
 * Adds a directory for each record of the ring that has none, removes
 * those of records the ring no longer holds.
 *
 * Context: process context, may sleep; may be called under iopf_bpf_lock,
 * never takes it.
 */
void iopf_bpf_sysfs_sync_ejections(void)
{
	struct iopf_bpf_ejection_dir *e, *tmp;
	unsigned int last, first, seq;
	struct list_head *pos;

	if (!iopf_ejections_kobj)
		return;
	guard(mutex)(&iopf_bpf_ejection_dirs_lock);
	last = iopf_bpf_nr_ejections_recorded();
	first = last > IOPF_NR_EJECTIONS ? last - IOPF_NR_EJECTIONS + 1 : 1;

	/* Outside [first, last]: overwritten, or put back by KUnit */
	list_for_each_entry_safe(e, tmp, &iopf_bpf_ejection_dirs, node) {
		if (e->seq >= first && e->seq <= last)
			continue;
		list_del(&e->node);
		kobject_del(&e->kobj);
		kobject_put(&e->kobj);
	}

	/* The list is sorted by seq: add the missing ones in place */
	pos = iopf_bpf_ejection_dirs.next;
	for (seq = first; seq && seq <= last; seq++) {
		while (pos != &iopf_bpf_ejection_dirs &&
		       list_entry(pos, struct iopf_bpf_ejection_dir,
				  node)->seq < seq)
			pos = pos->next;
		if (pos != &iopf_bpf_ejection_dirs &&
		    list_entry(pos, struct iopf_bpf_ejection_dir,
			       node)->seq == seq)
			continue;
		iopf_bpf_ejection_dir_add(seq, pos);
	}
}

/* Create /sys/kernel/iopf/ with its stats/, policies/ and ejections/ */
int __init iopf_bpf_sysfs_init(void)
{
	int ret;

	iopf_kobj = kobject_create_and_add("iopf", kernel_kobj);
	if (!iopf_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(iopf_kobj, &iopf_stats_group);
	if (ret)
		goto err;
	ret = -ENOMEM;
	iopf_policies_kobj = kobject_create_and_add("policies", iopf_kobj);
	if (!iopf_policies_kobj)
		goto err;
	iopf_ejections_kobj = kobject_create_and_add("ejections", iopf_kobj);
	if (!iopf_ejections_kobj)
		goto err;
	return 0;
err:
	kobject_put(iopf_policies_kobj);
	kobject_put(iopf_kobj);
	/* Add and sync look at these: nothing to add to */
	iopf_policies_kobj = NULL;
	iopf_ejections_kobj = NULL;
	iopf_kobj = NULL;
	return ret;
}
