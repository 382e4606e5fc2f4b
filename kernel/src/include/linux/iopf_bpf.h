/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF policies for recoverable I/O page faults (iopf-bpf)
 *
 * A policy is a BPF struct_ops map of type struct iopf_ops.  The fault path,
 * iommu_report_device_fault(), asks the attached policies before it parks a
 * partial request, before it decides that a request has no fault handler,
 * and before it hands a group to a handler.  See Documentation in the
 * iopf-bpf project (docs/policy-api.md) for the user's view.
 */
#ifndef __LINUX_IOPF_BPF_H
#define __LINUX_IOPF_BPF_H

#include <linux/bitops.h>
#include <linux/hash.h>
#include <linux/jump_label.h>
#include <linux/types.h>
#include <uapi/linux/iopf_bpf.h>

struct device;
struct iommu_fault_param;
struct iopf_fault;
struct iopf_group;
struct iommu_attach_handle;

/**
 * struct iopf_ctx - What a policy may read about one page request
 * @dev_name: dev_name() of the requesting device (truncated to fit)
 * @addr: faulting address, as the IOMMU driver reported it
 * @pasid: PASID of the request; meaningful only if @pasid_valid
 * @grpid: page request group index
 * @perm: IOMMU_FAULT_PERM_* the request asks for
 * @flags: IOMMU_FAULT_PAGE_REQUEST_* flags as reported by the IOMMU driver
 * @nr_partial: partial requests of this device parked now, before this one
 * @nr_partial_grpid: of those, the ones with this request's @grpid
 * @pasid_valid: the request carries a PASID
 * @last_page: this is the last request of its group (a response is owed)
 * @has_default_handle: the kernel found a fault handler for this request
 *	on its own (before any routing)
 *
 * The context is read-only: the verifier refuses writes and reads past it.
 */
struct iopf_ctx {
	char dev_name[IOPF_DEV_NAME_LEN];
	u64 addr;
	u32 pasid;
	u32 grpid;
	u32 perm;
	u32 flags;
	u32 nr_partial;
	u32 nr_partial_grpid;
	bool pasid_valid;
	bool last_page;
	bool has_default_handle;
};

/**
 * struct iopf_exit_info - Why a policy stopped, given to iopf_ops.exit()
 * @kind: IOPF_EXIT_*
 * @callback: IOPF_CB_* that caused an ejection, IOPF_CB_NONE otherwise
 * @verdict: what that callback returned
 * @pasid: PASID of the request that caused an ejection
 * @dev_name: device of the request that caused an ejection
 */
struct iopf_exit_info {
	u32 kind;
	u32 callback;
	s32 verdict;
	u32 pasid;
	char dev_name[IOPF_DEV_NAME_LEN];
};

/**
 * struct iopf_ops - A BPF policy for I/O page faults
 *
 * All callbacks are optional and may not sleep (sleepable programs are
 * refused at load).  They run in the caller of iommu_report_device_fault(),
 * in process context, inside an RCU read-side section and under the
 * device's iommu_fault_param->lock (when it has one), so one device's
 * requests are decided one at a time.  Every applicable policy is called
 * for every request; for each decision the first policy (device-scoped
 * ones first, then global ones, each in attach order) that returns
 * something other than IOPF_DEFAULT wins.
 *
 * The first request of a page request group fixes where the whole group
 * goes: its own handler, the RID's handler (routed), or the bad-setup
 * path.  A later request of the group follows it, whatever the policies
 * say then: a route or an answer that goes against it is not obeyed and
 * counts as overridden.
 *
 * A value a callback may not return is never obeyed: the request goes on
 * as if that policy had returned IOPF_DEFAULT, and the policy is ejected
 * (marked dead at once, detached from a work item, the reason kept in
 * debugfs).
 *
 * Whatever the policies say, a request for which no fault handler is found
 * (after routing) is answered IOMMU_PAGE_RESP_INVALID and
 * iommu_report_device_fault() returns -EINVAL, as without iopf-bpf.
 *
 * @group: called for every request, partial or last.  May return
 *	IOPF_GROUP_DROP for a partial request: it is never parked and never
 *	answered (PRI answers only the last request of a group).
 *	Returning it for a last request ejects the policy.
 * @route: called for every request, before the kernel decides whether a
 *	fault handler exists.  May return IOPF_ROUTE_RID for a request with a
 *	PASID that has no attach handle: the request then goes to the handler
 *	of the device's RID attach handle, which the kernel looks up again and
 *	which must have a fault handler.  Any other target is refused (policy
 *	ejected).  bpf_iopf_rid_has_handler() may be called here, and only
 *	here.
 * @respond: called for a last request only, before its group reaches a
 *	handler.  May return IOPF_RESPOND_INVALID (the normal refusal),
 *	IOPF_RESPOND_SUCCESS (the device will retry) or IOPF_RESPOND_FAILURE
 *	(the device disables PRI; refused for a PCI virtual function).  The
 *	group, with its gathered partial requests, is answered once with that
 *	code and freed.
 * @exit: called once when the policy stops, after the last call of any
 *	other callback; @info says why.  A policy replaced by a link update
 *	(BPF_LINK_UPDATE) stops with IOPF_EXIT_REPLACED, once no fault can
 *	reach it any more: from the update on, each request sees either it or
 *	its successor, never neither.
 * @name: unique name among attached policies, required
 * @dev_name: dev_name() of the one device the policy applies to, or empty
 *	for all devices.  Resolved when the policy is attached; the policy
 *	is ejected when that device goes away.  A replacement must name the
 *	same device (or none, as its predecessor).
 *
 * At least one of @group, @route and @respond is required.
 */
struct iopf_ops {
	int (*group)(const struct iopf_ctx *ctx);
	int (*route)(const struct iopf_ctx *ctx);
	int (*respond)(const struct iopf_ctx *ctx);
	void (*exit)(const struct iopf_exit_info *info);
	char name[IOPF_OPS_NAME_LEN];
	char dev_name[IOPF_DEV_NAME_LEN];
};

/*
 * What the policies decided for one request; filled by iopf_bpf_decide().
 * @routed: the returned handle is the RID's, by a policy's route or its
 * group's first request's.
 * @srcu_held: a routed last request goes to the RID's handler, and the SRCU
 * read section @srcu_idx keeps the handle alive until iopf_bpf_finish()
 * (see iopf_bpf_sync_routes()).
 */
struct iopf_bpf_verdict {
	bool drop_partial;
	bool respond;
	bool routed;
	bool srcu_held;
	int code;	/* enum iommu_page_response_code, if @respond */
	int srcu_idx;
};

#ifdef CONFIG_IOPF_BPF
DECLARE_STATIC_KEY_FALSE(iopf_bpf_attached);

/*
 * A bit per hash of the scoped policies' devices (1024 bits: 64 devices
 * leave a 6% chance that another device shares a bit), and the global
 * policy count
 */
#define IOPF_BPF_DEV_FILTER_BITS	10
extern unsigned long iopf_bpf_dev_filter[BITS_TO_LONGS(1 << IOPF_BPF_DEV_FILTER_BITS)];
extern unsigned int iopf_bpf_nr_global;

/*
 * The wrappers that iommu_report_device_fault() calls are __always_inline:
 * under -Os (the test kernels) gcc kept iopf_bpf_finish() out of line, a
 * call on every fault with no policy attached that a kernel without
 * CONFIG_IOPF_BPF does not make (selftests/host/no_policy_code.sh).
 */
static __always_inline bool iopf_bpf_active(void)
{
	return static_branch_unlikely(&iopf_bpf_attached);
}

struct iommu_attach_handle *
__iopf_bpf_decide(struct device *dev, struct iopf_fault *evt,
		  struct iommu_attach_handle *handle,
		  struct iopf_bpf_verdict *verdict);

/**
 * iopf_bpf_decide() - Ask the attached policies about one fault
 * @dev: the device that reported @evt
 * @evt: the fault, as given to iommu_report_device_fault()
 * @handle: the attach handle the kernel found on its own, or NULL
 * @verdict: filled with what the caller must do (zeroed by the caller)
 *
 * A request of a device that no policy may apply to (no global policy, and
 * no scoped policy whose device hashes like @dev) returns here, inline,
 * without a call: a false positive only costs the call.
 *
 * Context: process context, may sleep; called without iopf_param->lock.
 * Return: the attach handle to deliver to (@handle, or the RID handle a
 * policy routed to), or NULL if none has a fault handler: the caller then
 * takes the bad-setup path and @verdict is left empty.
 */
static __always_inline struct iommu_attach_handle *
iopf_bpf_decide(struct device *dev, struct iopf_fault *evt,
		struct iommu_attach_handle *handle,
		struct iopf_bpf_verdict *verdict)
{
	if (!READ_ONCE(iopf_bpf_nr_global) &&
	    !test_bit(hash_ptr(dev, IOPF_BPF_DEV_FILTER_BITS),
		      iopf_bpf_dev_filter))
		return handle;
	return __iopf_bpf_decide(dev, evt, handle, verdict);
}

bool __iopf_bpf_respond(struct iopf_group *group,
			const struct iopf_bpf_verdict *verdict);
void iopf_bpf_device_release(struct device *dev);

/**
 * iopf_bpf_respond() - Answer a group now if a policy said so
 * @group: a group just formed by iommu_report_device_fault()
 * @verdict: what iopf_bpf_decide() returned for its last request
 *
 * Inline: without a policy's answer (always, with no policy attached) it
 * only tests @verdict.  Context: may sleep; takes iommu_fault_param->lock.
 * Return: true if @group was answered and freed, false if it goes on to
 * its handler.
 */
static __always_inline bool
iopf_bpf_respond(struct iopf_group *group,
		 const struct iopf_bpf_verdict *verdict)
{
	return verdict->respond && __iopf_bpf_respond(group, verdict);
}

void __iopf_bpf_finish(struct iopf_bpf_verdict *verdict);
void __iopf_bpf_sync_routes(void);

/**
 * iopf_bpf_finish() - The report of a routed request is done with its handle
 * @verdict: what iopf_bpf_decide() returned
 *
 * Called on every return of iommu_report_device_fault() after the handle
 * may have been used; a no-op unless the request was routed.
 */
static __always_inline void iopf_bpf_finish(struct iopf_bpf_verdict *verdict)
{
	if (verdict->srcu_held)
		__iopf_bpf_finish(verdict);
}

/*
 * A routed request's target is the RID's domain, whose drain does not cover
 * this PASID's requests: the RID may have left its fault queue since the
 * decision, and a missing fault parameter is then no driver bug.
 */
static __always_inline bool
iopf_bpf_routed(const struct iopf_bpf_verdict *verdict)
{
	return verdict->routed;
}

/**
 * iopf_bpf_sync_routes() - Wait for routed reports that may use an old handle
 *
 * A driver drains a PASID's page requests before that PASID's domain goes
 * away, but not the requests of other PASIDs (VT-d drains by PASID), so a
 * request that a policy routed to the RID may still hold the RID's old
 * attach handle.  Called after the RID's handle left the group's
 * pasid_array and before the caller answers its pending groups and frees
 * it: once this returns, every routed group that found the old handle is
 * queued with its handler.  Context: may sleep; a no-op while no policy is
 * attached.
 */
static inline void iopf_bpf_sync_routes(void)
{
	if (iopf_bpf_active())
		__iopf_bpf_sync_routes();
}

/*
 * Parked partial requests by group index, and each group's target, counted
 * while a policy is attached where io-pgfault.c parks and frees them (all
 * under iommu_fault_param->lock), so that a policy reads the counts in O(1)
 * instead of walking the list.  With no policy attached the fault path does
 * not count: the counts are rebuilt from the list when one attaches.
 */
void __iopf_bpf_partial_parked(struct iommu_fault_param *param, u32 grpid);
void __iopf_bpf_partials_gathered(struct iommu_fault_param *param, u32 grpid);
void iopf_bpf_partials_init(struct iommu_fault_param *param);
void iopf_bpf_partials_freed(struct iommu_fault_param *param);

static __always_inline void
iopf_bpf_partial_parked(struct iommu_fault_param *param, u32 grpid)
{
	if (iopf_bpf_active())
		__iopf_bpf_partial_parked(param, grpid);
}

static __always_inline void
iopf_bpf_partials_gathered(struct iommu_fault_param *param, u32 grpid)
{
	if (iopf_bpf_active())
		__iopf_bpf_partials_gathered(param, grpid);
}
#else
static inline bool iopf_bpf_active(void)
{
	return false;
}

static inline struct iommu_attach_handle *
iopf_bpf_decide(struct device *dev, struct iopf_fault *evt,
		struct iommu_attach_handle *handle,
		struct iopf_bpf_verdict *verdict)
{
	return handle;
}

static inline bool iopf_bpf_respond(struct iopf_group *group,
				    const struct iopf_bpf_verdict *verdict)
{
	return false;
}

static inline void iopf_bpf_device_release(struct device *dev)
{
}

static inline void iopf_bpf_finish(struct iopf_bpf_verdict *verdict)
{
}

static inline bool iopf_bpf_routed(const struct iopf_bpf_verdict *verdict)
{
	return false;
}

static inline void iopf_bpf_sync_routes(void)
{
}

static inline void iopf_bpf_partials_init(struct iommu_fault_param *param)
{
}

static inline void iopf_bpf_partial_parked(struct iommu_fault_param *param,
					   u32 grpid)
{
}

static inline void iopf_bpf_partials_gathered(struct iommu_fault_param *param,
					      u32 grpid)
{
}

static inline void iopf_bpf_partials_freed(struct iommu_fault_param *param)
{
}
#endif /* CONFIG_IOPF_BPF */

#endif /* __LINUX_IOPF_BPF_H */
