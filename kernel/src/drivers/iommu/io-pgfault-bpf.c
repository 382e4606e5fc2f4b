// SPDX-License-Identifier: GPL-2.0
/*
 * iopf-bpf: BPF struct_ops policies for recoverable I/O page faults
 *
 * iommu_report_device_fault() asks the attached policies (struct iopf_ops)
 * once per page request whether to drop it, route it or answer its group.
 * The kernel validates every answer: a policy that returns something it may
 * not is ignored for that request and ejected, and a request without a
 * fault handler is answered INVALID whatever the policies said.
 *
 * This file: the fault path, attach and detach, ejection.  The struct_ops
 * type as the verifier sees it, and the kfuncs, are in io-pgfault-bpf-ops.c;
 * what sysfs shows of it is in io-pgfault-bpf-sysfs.c.
 *
 * Locking: iopf_bpf_lock serializes attach, detach and ejection and guards
 * the policy lists for writers; the fault path walks them under RCU and
 * never takes iopf_bpf_lock.  It decides a request under the device's
 * iommu_fault_param->lock, so that the requests of one device (and so of
 * one page request group) are decided one at a time against exact parked
 * counts and the group's target.  Ejection from the fault path only marks
 * the policy dead; iopf_bpf_reap_work detaches it.  The struct_ops core
 * calls reg, update and a detach's unreg under its own update mutex, which
 * is taken before iopf_bpf_lock, never inside it; a freed link's unreg
 * under neither.  sysfs (io-pgfault-bpf-sysfs.c) is
 * changed under iopf_bpf_lock, and its ejection directories under
 * iopf_bpf_ejection_dirs_lock, taken inside iopf_bpf_lock; its files take
 * neither.
 */

#define pr_fmt(fmt) "iopf-bpf: " fmt

#include <kunit/static_stub.h>
#include <linux/bitfield.h>
#include <linux/bitmap.h>
#include <linux/bpf.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/hashtable.h>
#include <linux/iommu.h>
#include <linux/iopf_bpf.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/srcu.h>
#include <linux/timekeeping.h>
#include <trace/events/iopf.h>

#define CREATE_TRACE_POINTS
#include <trace/events/iopf_bpf.h>

#include "io-pgfault-bpf.h"
#include "iommu-priv.h"

DEFINE_STATIC_KEY_FALSE(iopf_bpf_attached);
/* Serializes changes of iopf_bpf_attached with iopf_bpf_epoch */
static DEFINE_MUTEX(iopf_bpf_key_lock);
/*
 * Bumped each time the first policy attaches: a fault parameter whose
 * bpf_epoch differs was not counted while no policy was attached, and is
 * rebuilt from its parked list at the next decision.
 */
static unsigned long iopf_bpf_epoch;

/*
 * A report holds it from its decision until its handler has the group
 * when a policy (or the group's first request) routed a last request to
 * the RID's attach handle: see iopf_bpf_sync_routes().
 */
DEFINE_STATIC_SRCU(iopf_bpf_srcu);

/*
 * A value in iommu_fault_param->partial_grpids, by group index: the group's
 * parked partial requests, and its target once its first request was
 * decided.  At most 2^28 - 1 parked requests per group index.
 */
#define IOPF_BPF_PARKED		GENMASK(27, 0)
#define IOPF_BPF_TARGET		GENMASK(29, 28)

static DEFINE_MUTEX(iopf_bpf_lock);
static LIST_HEAD(iopf_bpf_scoped);	/* consulted first, in attach order */
static LIST_HEAD(iopf_bpf_global);	/* then these, in attach order */
/*
 * The scoped policies again, hashed by device, each bucket in attach order:
 * the fault path finds a device's policies in O(1), however many policies
 * other devices have.  64 buckets for at most IOPF_MAX_POLICIES policies.
 */
static DEFINE_HASHTABLE(iopf_bpf_by_dev, 6);
/*
 * The tenant policies scoped to a fault queue, in attach order, also on
 * iopf_bpf_scoped (through dev_node, which they do not use otherwise).
 * Few: each is some tenant's own queue.
 */
static HLIST_HEAD(iopf_bpf_by_fault);

/*
 * Dead policies a .reg() of their name took off the lists while their
 * link was being freed, on dying_node: that link's unreg, which the core
 * calls before it puts the map, stops them (iopf_bpf_take_dead()).
 */
static LIST_HEAD(iopf_bpf_dying);

/*
 * Read without a lock by iopf_bpf_decide(), inline in the fault path, to
 * skip devices no policy applies to: how many policies may apply to any
 * device (global ones, and those scoped to a fault queue, which any device
 * may deliver to), and a bit per hash of the scoped policies' devices.
 * Written under
 * iopf_bpf_lock; a reader that races with an attach may miss the new
 * policy for that one request, as if it had come just before the attach.
 */
unsigned long iopf_bpf_dev_filter[BITS_TO_LONGS(1 << IOPF_BPF_DEV_FILTER_BITS)];
unsigned int iopf_bpf_nr_global;

static unsigned int iopf_bpf_dev_bit(const struct device *dev)
{
	return hash_ptr(dev, IOPF_BPF_DEV_FILTER_BITS);
}

/* After a scoped policy left: clear the bits no listed policy still needs */
static void iopf_bpf_update_filter(void)
{
	DECLARE_BITMAP(keep, 1 << IOPF_BPF_DEV_FILTER_BITS);
	struct iopf_bpf_policy *p;
	unsigned int bit;

	lockdep_assert_held(&iopf_bpf_lock);
	bitmap_zero(keep, 1 << IOPF_BPF_DEV_FILTER_BITS);
	list_for_each_entry(p, &iopf_bpf_scoped, node)
		if (p->dev)
			__set_bit(iopf_bpf_dev_bit(p->dev), keep);
	for_each_set_bit(bit, iopf_bpf_dev_filter, 1 << IOPF_BPF_DEV_FILTER_BITS)
		if (!test_bit(bit, keep))
			clear_bit(bit, iopf_bpf_dev_filter);
}

static unsigned int iopf_bpf_nr_policies;
static u64 iopf_bpf_next_order;

static DEFINE_SPINLOCK(iopf_bpf_ejections_lock);
static struct iopf_bpf_ejection iopf_bpf_ejections[IOPF_NR_EJECTIONS];
static unsigned int iopf_bpf_nr_ejections;	/* ever recorded */

DEFINE_PER_CPU(struct iopf_bpf_stats, iopf_bpf_stats);

/* Add up a per-CPU struct of u64 counters into *@sum (@size bytes) */
void iopf_bpf_sum(void *sum, const void __percpu *pcpu, size_t size)
{
	u64 *dst = sum;
	int cpu;
	size_t i;

	memset(sum, 0, size);
	for_each_possible_cpu(cpu) {
		const u64 *src = per_cpu_ptr(pcpu, cpu);

		for (i = 0; i < size / sizeof(u64); i++)
			dst[i] += READ_ONCE(src[i]);
	}
}

static struct hlist_head *iopf_bpf_dev_bucket(const struct device *dev)
{
	return &iopf_bpf_by_dev[hash_min((unsigned long)dev,
					 HASH_BITS(iopf_bpf_by_dev))];
}

static const char * const iopf_action_names[IOPF_NR_ACTIONS] = {
	[IOPF_ACT_DEFAULT] = "default",
	[IOPF_ACT_DROP] = "drop",
	[IOPF_ACT_ROUTE_RID] = "route_rid",
	[IOPF_ACT_ANSWER_SUCCESS] = "answer_success",
	[IOPF_ACT_ANSWER_INVALID] = "answer_invalid",
	[IOPF_ACT_ANSWER_FAILURE] = "answer_failure",
};

#ifdef MODULE_PARAM_PREFIX
#undef MODULE_PARAM_PREFIX
#endif
#define MODULE_PARAM_PREFIX "iopf_bpf."

/*
 * The time a policy may take per request.  A policy runs in a driver's
 * fault thread (on VT-d under a lock of the whole IOMMU), and the verifier
 * bounds its instructions, not its time (bpf_loop() alone may run 8M
 * callbacks).  One call in IOPF_BPF_TIMED, on each CPU, is timed; a policy
 * over the budget in IOPF_BPF_STRIKES timed calls in a row is ejected, so a
 * lone hiccup of the machine (an interrupt storm, a vCPU descheduled by its
 * host) is not taken for the policy's.  A call during which the thread
 * slept or was preempted is not judged.  0 turns the bound off.
 */
static unsigned int iopf_bpf_budget_us = 2000;
module_param_named(decide_budget_us, iopf_bpf_budget_us, uint, 0644);
MODULE_PARM_DESC(decide_budget_us,
		 "Microseconds a policy's decide() may take per request (0: no bound)");

#define IOPF_BPF_TIMED		16
#define IOPF_BPF_STRIKES	2
static DEFINE_PER_CPU(unsigned int, iopf_bpf_calls);

static const char * const iopf_exit_names[IOPF_NR_EXIT_KINDS] = {
	[IOPF_EXIT_DETACHED] = "detached",
	[IOPF_EXIT_BAD_ACTION] = "bad-action",
	[IOPF_EXIT_WRONG_KIND] = "wrong-kind-of-request",
	[IOPF_EXIT_BAD_ROUTE] = "bad-route",
	[IOPF_EXIT_FORBIDDEN_CODE] = "forbidden-code",
	[IOPF_EXIT_DEV_REMOVED] = "device-removed",
	[IOPF_EXIT_REPLACED] = "replaced",
	[IOPF_EXIT_SELF] = "self",
	[IOPF_EXIT_OVERTIME] = "overtime",
	[IOPF_EXIT_OWNER_RELEASED] = "owner-released",
};

/* An action's name, or its number outside enum iopf_action, into @buf */
const char *iopf_bpf_action_name(int action, char buf[12])
{
	if (action >= 0 && action < IOPF_NR_ACTIONS)
		return iopf_action_names[action];
	snprintf(buf, 12, "%d", action);
	return buf;
}

/* An exit kind's name, as the kernel log and sysfs give it */
const char *iopf_bpf_exit_name(u32 kind)
{
	return kind < IOPF_NR_EXIT_KINDS && iopf_exit_names[kind] ?
	       iopf_exit_names[kind] : "unknown";
}

static void iopf_bpf_reap(struct work_struct *work);
static DECLARE_WORK(iopf_bpf_reap_work, iopf_bpf_reap);

#if IS_ENABLED(CONFIG_IOMMUFD_TEST)
#include "io-pgfault-bpf-hold.c"
#else
static inline void iopf_bpf_test_hold(struct device *dev)
{
}

static inline void iopf_bpf_test_hold_reap(void)
{
}

static inline void iopf_bpf_hold_init(struct dentry *dir)
{
}
#endif

/* @dev's attach handle for @pasid, any domain type; KUnit may stand in */
static struct iommu_attach_handle *iopf_bpf_handle_get(struct device *dev,
						       ioasid_t pasid)
{
	KUNIT_STATIC_STUB_REDIRECT(iopf_bpf_handle_get, dev, pasid);
	return iommu_attach_handle_get(dev->iommu_group, pasid, 0);
}

/* The device's RID attach handle, if it can take faults */
struct iommu_attach_handle *iopf_bpf_rid_handle(struct device *dev)
{
	struct iommu_attach_handle *handle;

	handle = iopf_bpf_handle_get(dev, IOMMU_NO_PASID);
	if (IS_ERR(handle) || !handle->domain->iopf_handler)
		return NULL;
	return handle;
}

/* The request's PASID for an ejection record, 0 (IOMMU_NO_PASID) if none */
static u32 iopf_bpf_pasid(const struct iopf_decision *dn)
{
	return dn->req->flags & IOMMU_FAULT_PAGE_REQUEST_PASID_VALID ?
	       dn->req->pasid : IOMMU_NO_PASID;
}

/*
 * Mark @p dead and record why (@action: the refused one, @msg: the
 * policy's own reason, or NULL).  Safe from the fault path: it neither
 * sleeps nor waits for anything; iopf_bpf_reap() finishes the detach.
 */
static void iopf_bpf_eject(struct iopf_bpf_policy *p, const char *dev_name,
			   u32 pasid, u32 kind, int action, const char *msg)
{
	struct iopf_exit_info *info = &p->exit_info;
	struct iopf_bpf_ejection *rec;
	char num[12];
	int i;

	/*
	 * Marked dead and recorded under one lock: whoever sees it dead and
	 * then reads the ring (iopf_bpf_unlist()) finds the record.
	 */
	spin_lock(&iopf_bpf_ejections_lock);
	if (test_and_set_bit(0, &p->dead)) {
		spin_unlock(&iopf_bpf_ejections_lock);
		return;
	}
	info->kind = kind;
	info->action = action;
	info->pasid = pasid;
	strscpy(info->dev_name, dev_name, sizeof(info->dev_name));
	strscpy(info->msg, msg ?: "", sizeof(info->msg));
	/*
	 * One line of ASCII in sysfs, the log and the trace, whatever the
	 * policy passed (isprint() alone takes Latin-1's upper half too)
	 */
	for (i = 0; info->msg[i]; i++)
		if (!isascii(info->msg[i]) || !isprint(info->msg[i]))
			info->msg[i] = '?';

	rec = &iopf_bpf_ejections[iopf_bpf_nr_ejections++ % IOPF_NR_EJECTIONS];
	rec->time_ns = ktime_get_real_ns();
	strscpy(rec->name, p->ops->name, sizeof(rec->name));
	rec->info = *info;
	spin_unlock(&iopf_bpf_ejections_lock);

	this_cpu_inc(iopf_bpf_stats.ejected);
	trace_iopf_policy_eject(p->ops->name, kind, iopf_bpf_exit_name(kind),
				iopf_bpf_action_name(action, num),
				info->dev_name, pasid, info->msg);
	/*
	 * Rate-limited: a tenant can eject its own policies as fast as it can
	 * attach them.  The record above and the tracepoint keep every one.
	 */
	if (kind == IOPF_EXIT_SELF)
		pr_info_ratelimited("policy %s ejected itself: %s (device %s, pasid %#x)\n",
				    p->ops->name, info->msg, info->dev_name, pasid);
	else if (msg)
		pr_info_ratelimited("policy %s ejected: %s: %s (device %s, pasid %#x)\n",
				    p->ops->name, iopf_exit_names[kind], info->msg,
				    info->dev_name, pasid);
	else
		pr_info_ratelimited("policy %s ejected: %s (action %s, device %s, pasid %#x)\n",
				    p->ops->name, iopf_exit_names[kind],
				    iopf_bpf_action_name(action, num),
				    info->dev_name, pasid);
	schedule_work(&iopf_bpf_reap_work);
}

/* See bpf_iopf_eject(): the policy being called gives up */
void iopf_bpf_self_eject(struct iopf_decision *dn, const char *msg)
{
	iopf_bpf_eject(dn->policy, dev_name(dn->dev), iopf_bpf_pasid(dn),
		       IOPF_EXIT_SELF, 0, msg);
}

/* Not an exit kind: iopf_bpf_check() accepted the answer */
#define IOPF_ANSWER_VALID	IOPF_EXIT_DETACHED

/*
 * Check one answer: IOPF_ANSWER_VALID (with the RID's handle in *@route for
 * a route, the code in *@code for an answer), or why it is refused.
 */
static u32 iopf_bpf_check(const struct iopf_decision *dn, int action,
			  struct iommu_attach_handle **route, int *code)
{
	const struct iommu_fault_page_request *req = dn->req;
	bool last = req->flags & IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE;
	struct iommu_attach_handle *handle;

	switch (action) {
	case IOPF_ACT_DROP:
		return last ? IOPF_EXIT_WRONG_KIND : IOPF_ANSWER_VALID;
	case IOPF_ACT_ROUTE_RID:
		if (!(req->flags & IOMMU_FAULT_PAGE_REQUEST_PASID_VALID))
			return IOPF_EXIT_WRONG_KIND;
		/*
		 * Never away from a PASID's own fault handler, never
		 * elsewhere.  iommufd gives every attach a handle, fault
		 * handler or not (7.3: PASIDs too), so a handle alone does
		 * not say that the PASID takes faults: its domain does.
		 */
		handle = iopf_bpf_handle_get(dn->dev, req->pasid);
		if (!IS_ERR(handle) && handle->domain->iopf_handler)
			return IOPF_EXIT_BAD_ROUTE;
		*route = iopf_bpf_rid_handle(dn->dev);
		return *route ? IOPF_ANSWER_VALID : IOPF_EXIT_BAD_ROUTE;
	case IOPF_ACT_ANSWER_SUCCESS:
	case IOPF_ACT_ANSWER_INVALID:
	case IOPF_ACT_ANSWER_FAILURE:
		/* PRI answers a group, at its last request */
		if (!last)
			return IOPF_EXIT_WRONG_KIND;
		if (action == IOPF_ACT_ANSWER_SUCCESS) {
			*code = IOMMU_PAGE_RESP_SUCCESS;
		} else if (action == IOPF_ACT_ANSWER_INVALID) {
			*code = IOMMU_PAGE_RESP_INVALID;
		} else {
			/*
			 * FAILURE disables PRI on the function: not a VF's
			 * call, nor a tenant's, who may share it
			 */
			if (iopf_bpf_dev_is_vf(dn->dev) || dn->policy->owner)
				return IOPF_EXIT_FORBIDDEN_CODE;
			*code = IOMMU_PAGE_RESP_FAILURE;
		}
		return IOPF_ANSWER_VALID;
	}
	return IOPF_EXIT_BAD_ACTION;
}

/*
 * Does a valid @action go against the target that the first request of the
 * group fixed?  Dropping a partial is a per-request choice and never does.
 */
static bool iopf_bpf_against_target(const struct iopf_decision *dn,
				    int action)
{
	if (action == IOPF_ACT_ROUTE_RID)
		return dn->target == IOPF_TARGET_OWN ||
		       dn->target == IOPF_TARGET_BAD;
	return action != IOPF_ACT_DROP && dn->target == IOPF_TARGET_BAD;
}

/* A timed call of @p took @ns: eject it at its IOPF_BPF_STRIKES-th overrun */
static void iopf_bpf_judge_time(struct iopf_bpf_policy *p,
				struct iopf_decision *dn, u64 ns)
{
	unsigned int budget_us = READ_ONCE(iopf_bpf_budget_us);
	char msg[IOPF_EXIT_MSG_LEN];

	if (!budget_us || ns <= (u64)budget_us * NSEC_PER_USEC) {
		atomic_set(&p->overruns, 0);
		return;
	}
	if (atomic_inc_return(&p->overruns) < IOPF_BPF_STRIKES)
		return;
	snprintf(msg, sizeof(msg), "decide() took %llu us, budget %u us",
		 div_u64(ns, NSEC_PER_USEC), budget_us);
	iopf_bpf_eject(p, dev_name(dn->dev), iopf_bpf_pasid(dn),
		       IOPF_EXIT_OVERTIME, 0, msg);
}

/*
 * Ask @p about the request of @dn and fold its answer in.  A valid answer
 * that comes after another policy's, or against the group's target, is
 * counted as overridden.
 */
static void iopf_bpf_consult(struct iopf_bpf_policy *p,
			     struct iopf_decision *dn)
{
	struct iommu_attach_handle *route = NULL;
	unsigned long switches = 0;
	int action, code = 0;
	enum iopf_decision_outcome outcome;
	u64 start = 0;
	bool timed;
	u32 kind;

	if (test_bit(0, &p->dead))
		return;

	this_cpu_inc(p->counters->calls);
	dn->policy = p;
	timed = READ_ONCE(iopf_bpf_budget_us) &&
		!(this_cpu_inc_return(iopf_bpf_calls) % IOPF_BPF_TIMED);
	if (timed) {
		switches = current->nvcsw + current->nivcsw;
		start = local_clock();
	}
	action = p->ops->decide(dn, dn->dev, dn->req);
	if (timed && current->nvcsw + current->nivcsw == switches)
		iopf_bpf_judge_time(p, dn, local_clock() - start);

	if (test_bit(0, &p->dead)) {
		/* It ejected itself, or was ejected elsewhere, meanwhile */
		outcome = IOPF_DECISION_EJECTED;
	} else if (action == IOPF_ACT_DEFAULT) {
		outcome = IOPF_DECISION_DEFAULT;
	} else {
		kind = iopf_bpf_check(dn, action, &route, &code);
		if (kind != IOPF_ANSWER_VALID) {
			outcome = IOPF_DECISION_EJECTED;
			iopf_bpf_eject(p, dev_name(dn->dev), iopf_bpf_pasid(dn),
				       kind, action, NULL);
		} else if (p->ops->shadow) {
			outcome = IOPF_DECISION_SHADOW;
			this_cpu_inc(p->counters->shadowed);
		} else if (dn->decided || iopf_bpf_against_target(dn, action)) {
			outcome = IOPF_DECISION_OVERRIDDEN;
			this_cpu_inc(p->counters->overridden);
		} else {
			outcome = IOPF_DECISION_OBEYED;
			this_cpu_inc(p->counters->obeyed);
			dn->decided = true;
			dn->action = action;
			dn->route = route;
			dn->code = code;
		}
	}
	trace_iopf_decision(p->ops->name, dn->dev, dn->req, action, outcome);
}

/*
 * Parked partial requests, counted by io-pgfault.c under
 * iommu_fault_param->lock where it parks and frees them, while a policy is
 * attached.  The fault path reads them under the same lock.
 */
void iopf_bpf_partials_init(struct iommu_fault_param *param)
{
	xa_init(&param->partial_grpids);
}

static unsigned long iopf_bpf_group_get(struct iommu_fault_param *param,
					u32 grpid)
{
	return xa_to_value(xa_load(&param->partial_grpids, grpid));
}

/*
 * Store @val (never 0) for @grpid.  No reclaim under the lock: if the store
 * fails, the counts are rebuilt at the next decision.
 */
static void iopf_bpf_group_set(struct iommu_fault_param *param, u32 grpid,
			       unsigned long val)
{
	void *old;

	old = xa_store(&param->partial_grpids, grpid, xa_mk_value(val),
		       GFP_NOWAIT | __GFP_NOWARN);
	if (xa_is_err(old))
		param->bpf_epoch = 0;
}

/* One more partial request of @grpid is parked */
static void iopf_bpf_count_parked(struct iommu_fault_param *param, u32 grpid)
{
	param->nr_partial++;
	iopf_bpf_group_set(param, grpid, iopf_bpf_group_get(param, grpid) + 1);
}

static bool iopf_bpf_counting(struct iommu_fault_param *param)
{
	return param->bpf_epoch == READ_ONCE(iopf_bpf_epoch);
}

/* Count the parked list again: nothing was counted while no policy was attached */
static void iopf_bpf_recount(struct iommu_fault_param *param)
{
	struct iopf_fault *iopf;

	lockdep_assert_held(&param->lock);
	xa_destroy(&param->partial_grpids);
	param->nr_partial = 0;
	param->bpf_epoch = READ_ONCE(iopf_bpf_epoch);
	list_for_each_entry(iopf, &param->partial, list)
		iopf_bpf_count_parked(param, iopf->fault.prm.grpid);
}

/* A partial request was parked; called only while a policy is attached */
void __iopf_bpf_partial_parked(struct iommu_fault_param *param, u32 grpid)
{
	lockdep_assert_held(&param->lock);
	if (iopf_bpf_counting(param))
		iopf_bpf_count_parked(param, grpid);
}

/*
 * The group with @grpid ended: its parked partials went into a group or
 * were freed with its last request (gathered by group index), and its
 * target is forgotten.  Called only while a policy is attached.
 */
void __iopf_bpf_partials_gathered(struct iommu_fault_param *param, u32 grpid)
{
	unsigned long val;

	lockdep_assert_held(&param->lock);
	/*
	 * Nothing parked and no group target on this device, the common
	 * case: skip xa_erase(), which takes the xarray's spinlock (8.7% of
	 * a pass-through policy's samples in tools/bench/profile).  Only
	 * writers under param->lock change the array.
	 */
	if (!iopf_bpf_counting(param) || xa_empty(&param->partial_grpids))
		return;
	val = xa_to_value(xa_erase(&param->partial_grpids, grpid));
	param->nr_partial -= val & IOPF_BPF_PARKED;
}

/* Every parked partial request was freed (discarded or device removed) */
void iopf_bpf_partials_freed(struct iommu_fault_param *param)
{
	lockdep_assert_held(&param->lock);
	xa_destroy(&param->partial_grpids);
	param->nr_partial = 0;
}

/* Never a counting epoch: iopf_bpf_epoch counts up from 0 */
#define IOPF_BPF_EPOCH_GONE	ULONG_MAX

/*
 * @param's device left its fault queue: its parked requests and their
 * counts are freed, and nothing may be counted in it again, since the
 * parameter is freed (at its last reference) without a look at the counts.
 * A report that took a reference before the removal may still decide.
 */
void iopf_bpf_param_removed(struct iommu_fault_param *param)
{
	iopf_bpf_partials_freed(param);
	param->bpf_epoch = IOPF_BPF_EPOCH_GONE;
}

/*
 * Lock @param, which the caller holds a reference on, and count it; or
 * NULL, unlocked, if its device left its fault queue in the meantime
 * (iopf_bpf_param_removed()).
 */
static struct iommu_fault_param *
iopf_bpf_lock_counted(struct iommu_fault_param *param)
{
	mutex_lock(&param->lock);
	if (param->bpf_epoch == IOPF_BPF_EPOCH_GONE) {
		mutex_unlock(&param->lock);
		return NULL;
	}
	if (!iopf_bpf_counting(param))
		iopf_bpf_recount(param);
	return param;
}

/*
 * @dev's fault parameter, referenced and locked, counted, or NULL if it
 * has none (or no more).  Sleeps on the lock, as the caller of the fault
 * path may.
 */
static struct iommu_fault_param *iopf_bpf_lock_param(struct device *dev)
{
	struct iommu_fault_param *param = iopf_get_dev_fault_param(dev);

	if (param && !iopf_bpf_lock_counted(param)) {
		iopf_put_dev_fault_param(param);
		return NULL;
	}
	return param;
}

static void iopf_bpf_unlock_param(struct iommu_fault_param *param)
{
	if (!param)
		return;
	mutex_unlock(&param->lock);
	iopf_put_dev_fault_param(param);
}

/*
 * The handle a request goes to: its group's first request fixes the
 * target, and later requests follow it whatever the policies say now.
 * NULL sends the request to the bad-setup path.
 */
static struct iommu_attach_handle *
iopf_bpf_target_handle(struct iopf_decision *dn)
{
	switch (dn->target) {
	case IOPF_TARGET_NONE:
		if (dn->route) {
			dn->target = IOPF_TARGET_ROUTED;
			return dn->route;
		}
		dn->target = dn->own ? IOPF_TARGET_OWN : IOPF_TARGET_BAD;
		return dn->own;
	case IOPF_TARGET_OWN:
		return dn->own;
	case IOPF_TARGET_ROUTED:
		return dn->route ?: iopf_bpf_rid_handle(dn->dev);
	case IOPF_TARGET_BAD:
		break;
	}
	return NULL;
}

/* Parked partial requests of the group of @dn's request (bpf_iopf_*()) */
u32 iopf_bpf_group_parked(const struct iopf_decision *dn)
{
	if (!dn->param)
		return 0;
	return iopf_bpf_group_get(dn->param, dn->req->grpid) & IOPF_BPF_PARKED;
}

/* The first policy scoped to @dev, if any; caller holds rcu_read_lock() */
static struct iopf_bpf_policy *iopf_bpf_first_scoped(struct device *dev)
{
	struct iopf_bpf_policy *p;

	hlist_for_each_entry_rcu(p, iopf_bpf_dev_bucket(dev), dev_node)
		if (p->dev == dev)
			return p;
	return NULL;
}

/* The fault queue @handle delivers to, a cookie; KUnit may stand in */
static const void *
iopf_bpf_handle_fault(const struct iommu_attach_handle *handle)
{
	KUNIT_STATIC_STUB_REDIRECT(iopf_bpf_handle_fault, handle);
	/* A built-in core cannot call into a modular iommufd */
	if (!IS_BUILTIN(CONFIG_IOMMUFD))
		return NULL;
	return iommufd_iopf_handle_fault(handle);
}

/*
 * Consult the tenant policies of the fault queue that @dn's request goes
 * to as decided so far: its own handle's, or the RID's if the group is
 * routed (by its first request, or by a policy just now).  A request on
 * the bad-setup path, or whose handle's domain has no iommufd fault queue,
 * goes to none.  A policy answering here answers for its own queue; it
 * cannot move a request away from it (a route from a handle that takes
 * faults is refused), nor decide one that goes elsewhere.  Caller holds
 * rcu_read_lock().
 */
static void iopf_bpf_consult_fault_queue(struct iopf_decision *dn)
{
	struct iommu_attach_handle *to = NULL;
	struct iopf_bpf_policy *p;
	const void *fault;

	if (dn->decided && dn->action == IOPF_ACT_ROUTE_RID)
		to = dn->route;
	else if (dn->target == IOPF_TARGET_ROUTED)
		to = iopf_bpf_rid_handle(dn->dev);
	else if (dn->target != IOPF_TARGET_BAD)
		to = dn->own;
	fault = to ? iopf_bpf_handle_fault(to) : NULL;
	if (!fault)
		return;
	hlist_for_each_entry_rcu(p, &iopf_bpf_by_fault, dev_node)
		if (p->fault == fault)
			iopf_bpf_consult(p, dn);
}

/* The out-of-line part of iopf_bpf_decide(), see include/linux/iopf_bpf.h */
struct iommu_attach_handle *
__iopf_bpf_decide(struct device *dev, struct iopf_fault *evt,
		  struct iommu_attach_handle *handle,
		  struct iopf_bpf_verdict *verdict)
{
	const struct iommu_fault_page_request *prm = &evt->fault.prm;
	bool last = prm->flags & IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE;
	struct iopf_decision dn = {
		.dev = dev,
		.req = prm,
		.own = handle,
	};
	struct iopf_bpf_policy *p, *scoped;
	unsigned long group = 0;
	int srcu_idx;
	bool first;

	if (evt->fault.type != IOMMU_FAULT_PAGE_REQ)
		return handle;

	/* Before any look-up of the RID's handle: see iopf_bpf_sync_routes() */
	srcu_idx = srcu_read_lock(&iopf_bpf_srcu);
	dn.param = iopf_bpf_lock_param(dev);
	/* One RCU section for the whole decision */
	rcu_read_lock();
	scoped = iopf_bpf_first_scoped(dev);
	if (!scoped && list_empty(&iopf_bpf_global) &&
	    hlist_empty(&iopf_bpf_by_fault)) {
		rcu_read_unlock();	/* no policy applies to this device */
		iopf_bpf_unlock_param(dn.param);
		srcu_read_unlock(&iopf_bpf_srcu, srcu_idx);
		return handle;
	}

	if (dn.param) {
		group = iopf_bpf_group_get(dn.param, prm->grpid);
		dn.target = FIELD_GET(IOPF_BPF_TARGET, group);
	}
	this_cpu_inc(iopf_bpf_stats.requests);

	p = scoped;
	if (p)
		hlist_for_each_entry_from_rcu(p, dev_node)
			if (p->dev == dev && !p->owner)
				iopf_bpf_consult(p, &dn);
	list_for_each_entry_rcu(p, &iopf_bpf_global, node)
		iopf_bpf_consult(p, &dn);
	/*
	 * Tenants last: none can override a host policy's decision.  The
	 * device's, in attach order, those of one PASID for its requests only
	 */
	p = scoped;
	if (p)
		hlist_for_each_entry_from_rcu(p, dev_node)
			if (p->dev == dev && p->owner &&
			    (!p->pasid || p->pasid == iopf_bpf_pasid(&dn)))
				iopf_bpf_consult(p, &dn);
	/* Then those of the fault queue it goes to */
	if (!hlist_empty(&iopf_bpf_by_fault))
		iopf_bpf_consult_fault_queue(&dn);
	rcu_read_unlock();

	first = dn.target == IOPF_TARGET_NONE;
	handle = iopf_bpf_target_handle(&dn);
	/* A group's first partial request fixes where the rest of it goes */
	if (dn.param && !last && first)
		iopf_bpf_group_set(dn.param, prm->grpid,
				   group | FIELD_PREP(IOPF_BPF_TARGET, dn.target));
	iopf_bpf_unlock_param(dn.param);

	if (!handle) {
		/* A drop or an answer obeyed, void: no fault handler */
		if (dn.decided)
			this_cpu_inc(iopf_bpf_stats.bad_setup);
		srcu_read_unlock(&iopf_bpf_srcu, srcu_idx);
		return NULL;
	}
	if (dn.target == IOPF_TARGET_ROUTED) {
		verdict->routed = true;
		this_cpu_inc(iopf_bpf_stats.routed);
	}

	if (dn.decided && dn.action == IOPF_ACT_DROP) {
		verdict->drop_partial = true;
		this_cpu_inc(iopf_bpf_stats.dropped_partials);
	} else if (dn.decided && dn.action != IOPF_ACT_ROUTE_RID) {
		verdict->respond = true;
		verdict->code = dn.code;
	}

	/* Only a routed group handed to a handler uses the RID's handle */
	if (verdict->routed && last && !verdict->respond) {
		verdict->srcu_held = true;
		verdict->srcu_idx = srcu_idx;
		iopf_bpf_test_hold(dev);
		/* Held on by the caller until __iopf_bpf_finish() */
		__release(&iopf_bpf_srcu);
	} else {
		srcu_read_unlock(&iopf_bpf_srcu, srcu_idx);
	}
	return handle;
}

/* The report of a routed request is done with the RID's handle */
void __iopf_bpf_finish(struct iopf_bpf_verdict *verdict)
{
	verdict->srcu_held = false;
	__acquire(&iopf_bpf_srcu);	/* taken in __iopf_bpf_decide() */
	srcu_read_unlock(&iopf_bpf_srcu, verdict->srcu_idx);
}

/* See iopf_bpf_sync_routes() in include/linux/iopf_bpf.h */
void __iopf_bpf_sync_routes(void)
{
	might_sleep();
	synchronize_srcu(&iopf_bpf_srcu);
}

/*
 * Raise the static key for one more policy.  The first one starts a new
 * counting epoch: nothing was counted while the key was off.
 */
static void iopf_bpf_key_get(void)
{
	guard(mutex)(&iopf_bpf_key_lock);
	if (!static_key_enabled(&iopf_bpf_attached))
		WRITE_ONCE(iopf_bpf_epoch, iopf_bpf_epoch + 1);
	static_branch_inc(&iopf_bpf_attached);
}

/*
 * Lower it for a policy that is gone.  Before it goes off, routed reports
 * in flight end: a detach that sees the key off does not wait for them.
 */
static void iopf_bpf_key_put(void)
{
	guard(mutex)(&iopf_bpf_key_lock);
	if (static_key_count(&iopf_bpf_attached.key) == 1)
		synchronize_srcu(&iopf_bpf_srcu);
	static_branch_dec(&iopf_bpf_attached);
}

/* The out-of-line part of iopf_bpf_respond(), see include/linux/iopf_bpf.h */
bool __iopf_bpf_respond(struct iopf_group *group,
			const struct iopf_bpf_verdict *verdict)
{
	group->response_source = IOPF_RESPONSE_POLICY;
	iopf_group_response(group, verdict->code);
	this_cpu_inc(iopf_bpf_stats.responded[verdict->code]);
	this_cpu_add(iopf_bpf_stats.freed_partials, group->fault_count - 1);
	iopf_free_group(group);
	return true;
}

/*
 * Eject with @kind the scoped policies of @dev, @owner and @fault (each
 * NULL: any) and of @pasid (IOMMU_NO_PASID: any, PASID-scoped or not);
 * true if there were some.  Takes iopf_bpf_lock.
 */
static bool iopf_bpf_eject_scoped(struct device *dev, const void *owner,
				  const void *fault, u32 pasid, u32 kind)
{
	struct iopf_bpf_policy *p;
	bool ejected = false;

	/* Raised before any policy is listed: no scoped policy is missed */
	if (!iopf_bpf_active())
		return false;

	mutex_lock(&iopf_bpf_lock);
	list_for_each_entry(p, &iopf_bpf_scoped, node) {
		if ((dev && p->dev != dev) || (owner && p->owner != owner) ||
		    (fault && p->fault != fault) ||
		    (pasid != IOMMU_NO_PASID && p->pasid != pasid))
			continue;
		iopf_bpf_eject(p, dev ? dev_name(dev) : "", pasid, kind, 0,
			       NULL);
		ejected = true;
	}
	mutex_unlock(&iopf_bpf_lock);
	return ejected;
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
	iopf_bpf_eject_scoped(dev, NULL, NULL, IOMMU_NO_PASID,
			      IOPF_EXIT_DEV_REMOVED);
}

/**
 * iopf_bpf_owner_release() - A device leaves the iommufd that bound it
 * @dev: the device
 * @owner: the iommufd context that bound it
 *
 * Ejects the tenant policies that attached to @dev through @owner, and
 * waits until none of them is in a call: the device's next owner never
 * meets them, whether scoped to the device or to one of its PASIDs.
 * Policies of other owners of the device, and host policies, stay.
 *
 * Context: process context, may sleep; iommufd calls it before it
 * releases the device's DMA ownership.  Takes iopf_bpf_lock.
 */
void iopf_bpf_owner_release(struct device *dev, const void *owner)
{
	if (iopf_bpf_eject_scoped(dev, owner, NULL, IOMMU_NO_PASID,
				  IOPF_EXIT_OWNER_RELEASED))
		synchronize_rcu();
}
EXPORT_SYMBOL_GPL(iopf_bpf_owner_release);

/**
 * iopf_bpf_fault_release() - A fault queue is being destroyed
 * @fault: the queue (struct iommufd_fault), compared, never dereferenced
 *
 * Ejects the tenant policies scoped to @fault, and waits until none of
 * them is in a call, so that a queue allocated later at the same address
 * never meets them (a dead policy is never called).  No request can reach
 * @fault any more: iommufd destroys a queue only once no HWPT holds it,
 * and a HWPT only once no device is attached to it, after the driver
 * drained its requests.
 *
 * Context: process context, may sleep; iommufd calls it from the queue's
 * destroy, once no iommufd_iopf_fault_get() can find or hold it.  Takes
 * iopf_bpf_lock.
 */
void iopf_bpf_fault_release(const void *fault)
{
	if (iopf_bpf_eject_scoped(NULL, NULL, fault, IOMMU_NO_PASID,
				  IOPF_EXIT_OWNER_RELEASED))
		synchronize_rcu();
}
EXPORT_SYMBOL_GPL(iopf_bpf_fault_release);

/**
 * iopf_bpf_pasid_release() - A PASID of a device is detached from its iommufd
 * @dev: the device
 * @owner: the iommufd context that attached it
 * @pasid: the PASID, not IOMMU_NO_PASID (that would mean all of them)
 *
 * Ejects the tenant policies that @owner scoped to @pasid of @dev, and waits
 * until none of them is in a call, so that the PASID's next attachment
 * never meets them.  The device's other tenant policies, those of its other
 * PASIDs, and host policies stay.
 *
 * Context: process context, may sleep; iommufd calls it once the PASID is
 * detached (once iommufd_device_pasid_attached() says so), without its
 * locks held.  Takes iopf_bpf_lock.
 */
void iopf_bpf_pasid_release(struct device *dev, const void *owner, u32 pasid)
{
	if (WARN_ON_ONCE(pasid == IOMMU_NO_PASID))
		return;
	if (iopf_bpf_eject_scoped(dev, owner, NULL, pasid,
				  IOPF_EXIT_OWNER_RELEASED))
		synchronize_rcu();
}
EXPORT_SYMBOL_GPL(iopf_bpf_pasid_release);

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

/* Is @name used by a listed policy other than @self? */
static bool iopf_bpf_name_taken(const char *name,
				const struct iopf_bpf_policy *self)
{
	struct list_head *lists[] = { &iopf_bpf_scoped, &iopf_bpf_global };
	struct iopf_bpf_policy *p;
	int i;

	lockdep_assert_held(&iopf_bpf_lock);
	for (i = 0; i < ARRAY_SIZE(lists); i++)
		list_for_each_entry(p, lists[i], node)
			if (p != self && !strcmp(p->ops->name, name))
				return true;
	return false;
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
		iopf_bpf_test_hold_reap();
		link->ops->detach(link);
		bpf_link_put(link);
	}
	/* Also for a policy that left before it could be detached here */
	iopf_bpf_sysfs_sync_ejections();
}

static struct iopf_bpf_policy *iopf_bpf_policy_new(struct iopf_ops *ops,
						   struct bpf_link *link)
{
	struct iopf_bpf_policy *p;

	/* Charged to the attacher's memory cgroup, a tenant's too */
	p = kzalloc_obj(*p, GFP_KERNEL_ACCOUNT);
	if (!p)
		return NULL;
	p->counters = alloc_percpu_gfp(struct iopf_bpf_counters,
				       GFP_KERNEL_ACCOUNT);
	if (!p->counters) {
		kfree(p);
		return NULL;
	}
	p->ops = ops;
	p->link = link;
	p->uid = current_uid();
	return p;
}

/*
 * What @p is scoped to, for sysfs and the trace: its device's name,
 * "fault:<ID>" for a fault queue, "pasid:<device ID>:<PASID>" for a PASID
 * of a device (IDs in its tenant's iommufd, the PASID in decimal), or ""
 * for all devices.  @buf holds the fault queue's and the PASID's.
 */
const char *iopf_bpf_scope_name(const struct iopf_bpf_policy *p,
				char buf[IOPF_DEV_NAME_LEN])
{
	if (p->pasid) {
		snprintf(buf, IOPF_DEV_NAME_LEN, "pasid:%u:%u",
			 p->ops->dev_id, p->pasid);
		return buf;
	}
	if (p->dev)
		return dev_name(p->dev);
	if (!p->fault)
		return "";
	snprintf(buf, IOPF_DEV_NAME_LEN, "fault:%u", p->ops->fault_id);
	return buf;
}

static void iopf_bpf_policy_free(struct iopf_bpf_policy *p)
{
	put_device(p->dev);
	free_percpu(p->counters);
	kfree(p);
}

/*
 * @p is gone from iopfctl events' view: after the grace period, when no
 * call in flight can eject it any more, so its reason is final
 */
static void iopf_bpf_trace_detach(struct iopf_bpf_policy *p)
{
	char scope[IOPF_DEV_NAME_LEN];

	trace_iopf_policy_detach(p->ops->name, iopf_bpf_scope_name(p, scope),
				 p->link_id, p->exit_info.kind,
				 iopf_bpf_exit_name(p->exit_info.kind));
}

/* After its last listing is gone: let calls in flight end, then say why */
static void iopf_bpf_policy_stop(struct iopf_bpf_policy *p)
{
	synchronize_rcu();
	iopf_bpf_trace_detach(p);
	if (p->ops->exit)
		p->ops->exit(&p->exit_info);
	iopf_bpf_policy_free(p);
}

/* The device a scope names, referenced; KUnit may stand in */
static struct device *iopf_bpf_get_device(const char *name)
{
	KUNIT_STATIC_STUB_REDIRECT(iopf_bpf_get_device, name);
	return iommu_get_device_by_name(name);
}

/* Take @p off the lists; the caller stops it once iopf_bpf_lock is dropped */
static void iopf_bpf_unlist(struct iopf_bpf_policy *p)
{
	lockdep_assert_held(&iopf_bpf_lock);
	/* Why it was ejected shows in sysfs before it is seen gone */
	if (test_bit(0, &p->dead))
		iopf_bpf_sysfs_sync_ejections();
	iopf_bpf_sysfs_del(p);
	/* Numbered by now; its detach is traced once it has stopped */
	p->link_id = p->link->id;
	list_del_rcu(&p->node);
	if (p->dev || p->fault)
		hlist_del_rcu(&p->dev_node);
	if (p->dev)
		iopf_bpf_update_filter();
	else
		WRITE_ONCE(iopf_bpf_nr_global, iopf_bpf_nr_global - 1);
	WRITE_ONCE(iopf_bpf_nr_policies, iopf_bpf_nr_policies - 1);
}

/*
 * The device or the fault queue of a tenant scope, held
 * (iommufd_iopf_tenant_get(), iommufd_iopf_fault_get(),
 * iommufd_iopf_pasid_get())
 */
static int iopf_bpf_tenant_get(const struct iopf_ops *ops,
			       struct iopf_bpf_tenant *t)
{
	KUNIT_STATIC_STUB_REDIRECT(iopf_bpf_tenant_get, ops, t);
	/* A built-in core cannot call into a modular iommufd */
	if (!IS_BUILTIN(CONFIG_IOMMUFD))
		return -EOPNOTSUPP;
	if (ops->fault_id)
		return iommufd_iopf_fault_get(ops->iommufd, ops->fault_id, t);
	if (ops->pasid)
		return iommufd_iopf_pasid_get(ops->iommufd, ops->dev_id, t);
	return iommufd_iopf_tenant_get(ops->iommufd, ops->dev_id, t);
}

/*
 * Whether @pasid of @t's device is attached through @t's iommufd
 * (iommufd_iopf_pasid_attached()).  Caller holds iopf_bpf_lock until the
 * policy is listed: a detach after this call finds it.
 */
static bool iopf_bpf_pasid_attached(const struct iopf_bpf_tenant *t,
				    u32 pasid)
{
	KUNIT_STATIC_STUB_REDIRECT(iopf_bpf_pasid_attached, t, pasid);
	lockdep_assert_held(&iopf_bpf_lock);
	if (!IS_BUILTIN(CONFIG_IOMMUFD))
		return false;
	return iommufd_iopf_pasid_attached(t, pasid);
}

static void iopf_bpf_tenant_put(struct iopf_bpf_tenant *t)
{
	KUNIT_STATIC_STUB_REDIRECT(iopf_bpf_tenant_put, t);
	if (IS_BUILTIN(CONFIG_IOMMUFD))
		iommufd_iopf_tenant_put(t);
}

/* How many tenant policies *@uid has listed, or every user if @uid is NULL */
static unsigned int iopf_bpf_nr_tenant(const kuid_t *uid)
{
	struct iopf_bpf_policy *p;
	unsigned int n = 0;

	lockdep_assert_held(&iopf_bpf_lock);
	list_for_each_entry(p, &iopf_bpf_scoped, node)
		if (p->owner && (!uid || uid_eq(p->uid, *uid)))
			n++;
	return n;
}

/*
 * The scope of @ops: its device, referenced, in *@dev (NULL: all devices,
 * or a fault queue) and, for a tenant, the held binding or fault queue in
 * @t (a PASID scope holds the binding; its attachment is checked under
 * iopf_bpf_lock).  A host scope needs CAP_SYS_ADMIN: a policy can deny a device DMA
 * service.
 */
static int iopf_bpf_scope_get(const struct iopf_ops *ops, struct device **dev,
			      struct iopf_bpf_tenant *t)
{
	int ret;

	*dev = NULL;
	t->owner = NULL;
	t->fault = NULL;
	/* A PASID narrows a device scope, and no other */
	if (ops->pasid && !ops->dev_id)
		return -EINVAL;
	if (ops->dev_id || ops->fault_id) {
		/* One scope each: a device, a fault queue, or a name */
		if (ops->dev_name[0] || (ops->dev_id && ops->fault_id))
			return -EINVAL;
		ret = iopf_bpf_tenant_get(ops, t);
		if (ret)
			return ret;
		*dev = get_device(t->dev);	/* NULL for a fault queue */
		return 0;
	}
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (ops->dev_name[0]) {
		*dev = iopf_bpf_get_device(ops->dev_name);
		if (!*dev)
			return -ENODEV;
	}
	return 0;
}

/*
 * An ejected policy with @ops's map or name, taken off the lists so that
 * @ops can attach now: the reap work may not have detached it yet, or its
 * owner closed the link while the reap work held a reference, so that the
 * close returned with it still listed.  Its link's detach, when it comes,
 * finds nothing of its own listed.  The caller stops it, holding *@link,
 * a reference on its link that keeps its map and so its exit() program.
 * If the link's last reference is gone, the link is being freed: its
 * dealloc calls iopf_bpf_unreg() and then puts the map, under no lock of
 * ours, so the policy could not be stopped here with the map kept.  It
 * goes on iopf_bpf_dying for that unreg to stop, and NULL is returned.
 */
static struct iopf_bpf_policy *iopf_bpf_take_dead(const struct iopf_ops *ops,
						  struct bpf_link **link)
{
	struct iopf_bpf_policy *p = iopf_bpf_find(ops, ops->name);

	*link = NULL;
	if (!p || !test_bit(0, &p->dead))
		return NULL;
	iopf_bpf_unlist(p);
	*link = bpf_link_inc_not_zero(p->link);
	if (!IS_ERR(*link))
		return p;
	*link = NULL;
	list_add_tail(&p->dying_node, &iopf_bpf_dying);
	return NULL;
}

/* The policy of @link that iopf_bpf_take_dead() left to its unreg, taken */
static struct iopf_bpf_policy *iopf_bpf_take_dying(struct bpf_link *link)
{
	struct iopf_bpf_policy *p;

	lockdep_assert_held(&iopf_bpf_lock);
	list_for_each_entry(p, &iopf_bpf_dying, dying_node) {
		if (p->link == link) {
			list_del(&p->dying_node);
			return p;
		}
	}
	return NULL;
}

/*
 * struct_ops .reg: list a policy, called by the struct_ops core under its
 * update mutex when a link is created, in the creator's system call (whose
 * iommufd a tenant scope names).  May sleep.  Errors: -EOPNOTSUPP without
 * a link, -EPERM for a host policy without CAP_SYS_ADMIN, -EINVAL for a
 * scope named two ways (a device by ID and by name, or a device and a
 * fault queue) or a PASID without a device ID, -ENODEV if the scoped device
 * is unknown or leaving, -EBADF, -EBADFD or -ENOENT if a tenant's iommufd,
 * device ID or fault queue ID is not one (iommufd_iopf_tenant_get(),
 * iommufd_iopf_fault_get()), -ENOENT if a PASID scope's PASID is not
 * attached through that iommufd, -EOPNOTSUPP for a PASID scope where
 * iommufd attaches no PASID (6.12), -EEXIST for a name in use,
 * -ENOSPC past IOPF_MAX_POLICIES (for a tenant, past
 * IOPF_MAX_TENANT_POLICIES_ALL: 16 are kept for the host), -EDQUOT past
 * IOPF_MAX_TENANT_POLICIES of the user, -ENOMEM.
 */
int iopf_bpf_reg(void *kdata, struct bpf_link *link)
{
	struct iopf_bpf_policy *p, *dead = NULL;
	struct bpf_link *dead_link = NULL;
	char scope[IOPF_DEV_NAME_LEN];
	struct iopf_ops *ops = kdata;
	struct iopf_bpf_tenant t;
	struct device *dev;
	int ret;

	/* Without a link the kernel could not eject the policy */
	if (!link)
		return -EOPNOTSUPP;
	ret = iopf_bpf_scope_get(ops, &dev, &t);
	if (ret)
		return ret;

	p = iopf_bpf_policy_new(ops, link);
	if (!p) {
		ret = -ENOMEM;
		goto out_scope;
	}
	p->dev = dev;
	p->fault = t.fault;
	p->owner = t.owner;
	p->pasid = ops->pasid;

	/* Before listing: the release hooks look only when it is on */
	iopf_bpf_key_get();
	mutex_lock(&iopf_bpf_lock);
	dead = iopf_bpf_take_dead(ops, &dead_link);
	if (dev && !device_iommu_mapped(dev)) {
		ret = -ENODEV;	/* gone, or going: its release has run */
	} else if (p->pasid && !iopf_bpf_pasid_attached(&t, p->pasid)) {
		ret = -ENOENT;	/* not attached, or detached: its release ran */
	} else {
		if (iopf_bpf_find(ops, ops->name))
			ret = -EEXIST;
		else if (iopf_bpf_nr_policies == IOPF_MAX_POLICIES)
			ret = -ENOSPC;
		else if (p->owner && iopf_bpf_nr_tenant(&p->uid) >=
					IOPF_MAX_TENANT_POLICIES)
			ret = -EDQUOT;
		else if (p->owner && iopf_bpf_nr_tenant(NULL) >=
					IOPF_MAX_TENANT_POLICIES_ALL)
			ret = -ENOSPC;	/* the rest is the host's */
	}
	if (!ret) {
		/* Whole before sysfs shows it */
		p->order = iopf_bpf_next_order + 1;
		ret = iopf_bpf_sysfs_add(p);
	}
	if (!ret) {
		iopf_bpf_next_order = p->order;
		list_add_tail_rcu(&p->node, dev || p->fault ?
				  &iopf_bpf_scoped : &iopf_bpf_global);
		if (dev) {
			hlist_add_tail_rcu(&p->dev_node,
					   iopf_bpf_dev_bucket(dev));
			set_bit(iopf_bpf_dev_bit(dev), iopf_bpf_dev_filter);
		} else {
			if (p->fault)
				hlist_add_tail_rcu(&p->dev_node,
						   &iopf_bpf_by_fault);
			/* Any device's request may go to a fault queue */
			WRITE_ONCE(iopf_bpf_nr_global, iopf_bpf_nr_global + 1);
		}
		WRITE_ONCE(iopf_bpf_nr_policies, iopf_bpf_nr_policies + 1);
		trace_iopf_policy_attach(ops->name, iopf_bpf_scope_name(p, scope),
					 p->order);
	}
	mutex_unlock(&iopf_bpf_lock);
	if (dead) {
		iopf_bpf_policy_stop(dead);
		bpf_link_put(dead_link);
		iopf_bpf_key_put();
	}
	if (ret) {
		iopf_bpf_key_put();
		iopf_bpf_policy_free(p);
		dev = NULL;	/* put with it */
	}
out_scope:
	/* Listed or not: an unbind from here on sees it, or need not */
	if (t.owner)
		iopf_bpf_tenant_put(&t);
	if (ret)
		put_device(dev);
	return ret;
}

/*
 * struct_ops .unreg: the link was detached (under the struct_ops update
 * mutex) or freed (its last reference put: under no lock of the core's, and
 * the map is put right after).  Waits for calls in flight (may sleep), then
 * calls exit() once.
 */
void iopf_bpf_unreg(void *kdata, struct bpf_link *link)
{
	struct iopf_bpf_policy *p;

	mutex_lock(&iopf_bpf_lock);
	p = iopf_bpf_find(kdata, NULL);
	if (p && p->link == link)
		iopf_bpf_unlist(p);
	else
		p = iopf_bpf_take_dying(link);
	mutex_unlock(&iopf_bpf_lock);
	if (!p)
		return;

	iopf_bpf_policy_stop(p);
	iopf_bpf_key_put();
}

/*
 * struct_ops .update: BPF_LINK_UPDATE puts @kdata in @old_kdata's place.
 *
 * The new policy takes the old one's place in its list and its device's
 * bucket in one RCU pointer store each, so a request sees one or the other,
 * never neither; it keeps the old one's scope, attach order and link, and
 * starts with zeroed counters.  The old one stops like a detached policy,
 * with IOPF_EXIT_REPLACED, unless a fault ejected it first; that ejection
 * then stays its reason, and does not touch the new policy.
 *
 * The map already behind the link is a no-op (0).  May sleep.  Errors:
 * those of iopf_bpf_reg() for @kdata's scope, -ENOLINK if the old policy
 * was ejected (its detach is on the way) or is not listed, -EEXIST if
 * @kdata is listed already or takes another policy's name, -EINVAL if its
 * scope is not the old one's (another device, binding, PASID or fault
 * queue), -ENOENT if its PASID is not attached (any more), -ENOMEM.
 * On error nothing changed.
 */
int iopf_bpf_update(void *kdata, void *old_kdata, struct bpf_link *link)
{
	struct iopf_ops *ops = kdata;
	struct iopf_bpf_policy *p, *old;
	char scope[IOPF_DEV_NAME_LEN];
	struct iopf_bpf_tenant t;
	struct device *dev;
	int ret;

	ret = iopf_bpf_scope_get(ops, &dev, &t);
	if (ret)
		return ret;
	p = iopf_bpf_policy_new(ops, link);
	if (!p) {
		ret = -ENOMEM;
		goto out_scope;
	}

	mutex_lock(&iopf_bpf_lock);
	old = iopf_bpf_find(old_kdata, NULL);
	if (!old || old->link != link || test_bit(0, &old->dead))
		ret = -ENOLINK;
	else if (kdata == old_kdata)
		ret = 1;	/* the same map again: nothing stops or starts */
	else if (iopf_bpf_find(ops, NULL))
		ret = -EEXIST;	/* listed already, behind another link */
	else if (dev != old->dev || t.fault != old->fault ||
		 t.owner != old->owner || ops->pasid != old->pasid)
		ret = -EINVAL;
	else if (ops->pasid && !iopf_bpf_pasid_attached(&t, ops->pasid))
		ret = -ENOENT;
	else if (iopf_bpf_name_taken(ops->name, old))
		ret = -EEXIST;
	if (!ret) {
		/* Whole before sysfs shows it; a failure puts the device */
		p->dev = get_device(old->dev);
		p->fault = old->fault;
		p->owner = old->owner;
		p->pasid = old->pasid;
		p->uid = old->uid;	/* the same tenant's, for its limit */
		p->order = old->order;
		ret = iopf_bpf_sysfs_hand_over(old, p);
	}
	if (!ret) {
		list_replace_rcu(&old->node, &p->node);
		if (p->dev || p->fault)
			hlist_replace_rcu(&old->dev_node, &p->dev_node);
		trace_iopf_policy_replace(old->ops->name, ops->name,
					  iopf_bpf_scope_name(p, scope), p->order,
					  link->id);
	}
	mutex_unlock(&iopf_bpf_lock);
	if (ret)
		iopf_bpf_policy_free(p);
out_scope:
	if (t.owner)
		iopf_bpf_tenant_put(&t);
	put_device(dev);
	if (ret)
		return ret > 0 ? 0 : ret;

	/*
	 * Calls in flight may still eject it: set the reason after they end.
	 * One grace period is enough for both, and the core holds its
	 * update mutex, shared by every struct_ops type, until we return.
	 */
	synchronize_rcu();
	if (!test_and_set_bit(0, &old->dead))
		old->exit_info.kind = IOPF_EXIT_REPLACED;
	old->link_id = link->id;
	iopf_bpf_trace_detach(old);
	if (old->ops->exit)
		old->ops->exit(&old->exit_info);
	iopf_bpf_policy_free(old);
	return 0;
}

/*
 * struct_ops .validate: the whole policy, before a link or an update
 * uses it.  -EINVAL without decide().
 */
int iopf_bpf_validate(void *kdata)
{
	const struct iopf_ops *ops = kdata;

	return ops->decide ? 0 : -EINVAL;
}

/* For sysfs: how many policies are listed now, ejected ones included */
unsigned int iopf_bpf_nr_attached(void)
{
	return READ_ONCE(iopf_bpf_nr_policies);
}

/* How many ejections were ever recorded: the last one's number */
unsigned int iopf_bpf_nr_ejections_recorded(void)
{
	unsigned int nr;

	spin_lock(&iopf_bpf_ejections_lock);
	nr = iopf_bpf_nr_ejections;
	spin_unlock(&iopf_bpf_ejections_lock);
	return nr;
}

/*
 * Copy ejection number @seq (from 1) into *@rec: false if it was not
 * recorded yet or a newer one took its place in the ring.
 */
bool iopf_bpf_ejection_read(unsigned int seq, struct iopf_bpf_ejection *rec)
{
	bool held;

	spin_lock(&iopf_bpf_ejections_lock);
	held = seq && seq <= iopf_bpf_nr_ejections &&
	       iopf_bpf_nr_ejections - seq < IOPF_NR_EJECTIONS;
	if (held)
		*rec = iopf_bpf_ejections[(seq - 1) % IOPF_NR_EJECTIONS];
	spin_unlock(&iopf_bpf_ejections_lock);
	return held;
}

/* debugfs: only what is for debugging; the state is in sysfs */
static int iopf_bpf_static_key_show(struct seq_file *s, void *unused)
{
	/* Raised once per attached policy: 0 again when the last one left */
	seq_printf(s, "%d\n", static_key_count(&iopf_bpf_attached.key));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(iopf_bpf_static_key);

static int __init iopf_bpf_init(void)
{
	struct dentry *dir;
	int ret;

	ret = iopf_bpf_sysfs_init();
	if (ret)
		return ret;
	ret = iopf_bpf_register_ops();
	if (ret)
		return ret;

	dir = debugfs_create_dir("iopf", NULL);
	debugfs_create_file("static_key", 0400, dir, NULL,
			    &iopf_bpf_static_key_fops);
	iopf_bpf_hold_init(dir);
	return 0;
}
late_initcall(iopf_bpf_init);

#if IS_ENABLED(CONFIG_IOPF_BPF_KUNIT_TEST)
#include "io-pgfault-bpf-kunit.c"
#endif
