/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF policies for recoverable I/O page faults (iopf-bpf)
 *
 * A policy is a BPF struct_ops map of type struct iopf_ops.  The fault path,
 * iommu_report_device_fault(), asks the attached policies once per page
 * request, before it parks a partial request, decides that a request has no
 * fault handler, or hands a group to a handler.  See the iopf-bpf project's
 * docs/policy-api.md for the user's view.
 */
#ifndef __LINUX_IOPF_BPF_H
#define __LINUX_IOPF_BPF_H

#include <linux/bitops.h>
#include <linux/hash.h>
#include <linux/jump_label.h>
#include <linux/types.h>

struct device;
struct iommu_fault_page_request;
struct iommu_fault_param;
struct iopf_fault;
struct iopf_group;
struct iommu_attach_handle;

/*
 * Sizes of struct iopf_ops's strings (NUL included) and of the message a
 * policy may leave (bpf_iopf_eject()); policies take them from the struct
 * types in vmlinux.h.  None of this is user-space ABI: struct_ops types and
 * kfuncs are not.
 */
#define IOPF_OPS_NAME_LEN	32
#define IOPF_DEV_NAME_LEN	64
#define IOPF_EXIT_MSG_LEN	64
/* At most this many policies attached at once */
#define IOPF_MAX_POLICIES	64

/**
 * enum iopf_action - What iopf_ops.decide() answers for one page request
 * @IOPF_ACT_DEFAULT: no opinion: the kernel's own decision, or the next
 *	policy's
 * @IOPF_ACT_DROP: a partial request (not the last of its group) is freed,
 *	never parked and never answered (PRI answers only a group's last
 *	request); refused for a last request
 * @IOPF_ACT_ROUTE_RID: a request with a PASID that has no fault handler
 *	of its own goes to the handler of the device's RID attach handle,
 *	which must have one; refused otherwise
 * @IOPF_ACT_ANSWER_SUCCESS: answer the group now, without a handler, with
 *	IOMMU_PAGE_RESP_SUCCESS (the device retries); last request only
 * @IOPF_ACT_ANSWER_INVALID: the same with IOMMU_PAGE_RESP_INVALID (the
 *	normal refusal)
 * @IOPF_ACT_ANSWER_FAILURE: the same with IOMMU_PAGE_RESP_FAILURE (the
 *	function disables PRI until reset); refused for a PCI virtual function
 */
enum iopf_action {
	IOPF_ACT_DEFAULT,
	IOPF_ACT_DROP,
	IOPF_ACT_ROUTE_RID,
	IOPF_ACT_ANSWER_SUCCESS,
	IOPF_ACT_ANSWER_INVALID,
	IOPF_ACT_ANSWER_FAILURE,
	IOPF_NR_ACTIONS,
};

/**
 * enum iopf_exit_kind - Why a policy stopped (iopf_exit_info.kind)
 * @IOPF_EXIT_DETACHED: its link was detached or released
 * @IOPF_EXIT_BAD_ACTION: decide() returned a value outside enum iopf_action
 * @IOPF_EXIT_WRONG_KIND: an action for the wrong kind of request (drop a
 *	last request, answer a partial one, route one without a PASID)
 * @IOPF_EXIT_BAD_ROUTE: IOPF_ACT_ROUTE_RID away from a PASID's own handler,
 *	or to a RID that takes no faults
 * @IOPF_EXIT_FORBIDDEN_CODE: IOPF_ACT_ANSWER_FAILURE for a virtual function
 * @IOPF_EXIT_DEV_REMOVED: the device it is scoped to went away
 * @IOPF_EXIT_REPLACED: a link update put another policy in its place
 * @IOPF_EXIT_SELF: it called bpf_iopf_eject(); iopf_exit_info.msg says why
 * @IOPF_EXIT_OVERTIME: decide() took longer than the budget
 *	(iopf_bpf.decide_budget_us) in timed calls in a row;
 *	iopf_exit_info.msg says how long
 * @IOPF_EXIT_OWNER_RELEASED: a tenant policy's scope ended: its device
 *	left the iommufd that bound it (unbound, or the iommufd closed), its
 *	PASID was detached, or its fault queue was destroyed
 */
enum iopf_exit_kind {
	IOPF_EXIT_DETACHED,
	IOPF_EXIT_BAD_ACTION,
	IOPF_EXIT_WRONG_KIND,
	IOPF_EXIT_BAD_ROUTE,
	IOPF_EXIT_FORBIDDEN_CODE,
	IOPF_EXIT_DEV_REMOVED,
	IOPF_EXIT_REPLACED,
	IOPF_EXIT_SELF,
	IOPF_EXIT_OVERTIME,
	IOPF_EXIT_OWNER_RELEASED,
	IOPF_NR_EXIT_KINDS,
};

/**
 * enum iopf_decision_outcome - What became of a policy's answer (tracepoint
 * iopf:iopf_decision)
 * @IOPF_DECISION_DEFAULT: it returned IOPF_ACT_DEFAULT
 * @IOPF_DECISION_OBEYED: the kernel did what it said
 * @IOPF_DECISION_OVERRIDDEN: valid, but another policy, or the group's
 *	first request, had decided already
 * @IOPF_DECISION_EJECTED: refused, and the policy ejected
 * @IOPF_DECISION_SHADOW: valid, and not obeyed: the policy is in shadow
 */
enum iopf_decision_outcome {
	IOPF_DECISION_DEFAULT,
	IOPF_DECISION_OBEYED,
	IOPF_DECISION_OVERRIDDEN,
	IOPF_DECISION_EJECTED,
	IOPF_DECISION_SHADOW,
};

/**
 * struct iopf_exit_info - Why a policy stopped, given to iopf_ops.exit()
 * @kind: enum iopf_exit_kind
 * @action: the refused action of an ejection by the kernel, else 0
 * @pasid: PASID of the request that caused an ejection, else 0
 * @dev_name: device of the request that caused an ejection, else empty
 * @msg: the policy's own reason, given to bpf_iopf_eject(), or how long
 *	an overtime call took, else empty
 */
struct iopf_exit_info {
	enum iopf_exit_kind kind;
	s32 action;
	u32 pasid;
	char dev_name[IOPF_DEV_NAME_LEN];
	char msg[IOPF_EXIT_MSG_LEN];
};

/*
 * The decision in progress for one page request: kernel-private (defined in
 * drivers/iommu/io-pgfault-bpf.c); iopf_ops.decide() passes it on to the
 * bpf_iopf_*() kfuncs.
 */
struct iopf_decision;

/**
 * struct iopf_ops - A BPF policy for I/O page faults
 *
 * Callbacks may not sleep (sleepable programs are refused at load).
 * decide() runs in the caller of iommu_report_device_fault(), a driver's
 * fault thread (on VT-d under a lock of the whole IOMMU), in process
 * context, inside an RCU read-side section and under the device's
 * iommu_fault_param->lock (when it has one), so one device's requests are
 * decided one at a time.  Every applicable policy is called for every page
 * request, device-scoped ones first, then global ones, each in attach
 * order; the first valid answer other than IOPF_ACT_DEFAULT decides, and
 * later ones count as overridden.
 *
 * The first request of a page request group fixes where the whole group
 * goes: its own handler, the RID's handler (routed), or the bad-setup
 * path.  A later request of the group follows it, whatever the policies
 * say then: a route or an answer that goes against it is not obeyed and
 * counts as overridden (the policy did nothing wrong: the group was
 * decided before it spoke).
 *
 * An answer a policy may not give (see enum iopf_action) is never obeyed:
 * the request goes on as if that policy had returned IOPF_ACT_DEFAULT, and
 * the policy is ejected (marked dead at once, detached from a work item).
 *
 * Whatever the policies say, a request for which no fault handler is found
 * (after routing) is answered IOMMU_PAGE_RESP_INVALID and
 * iommu_report_device_fault() returns -EINVAL, as without iopf-bpf.
 *
 * @decide: called once per page request, partial or last.  @dev and @req
 *	are trusted and read-only (@req as the IOMMU driver reported it);
 *	@dn is for the bpf_iopf_*() kfuncs, which say what the kernel knows
 *	about the request (parked partials, fault handlers, the device's PCI
 *	identity and full name) and are callable only from here.  Returns an
 *	enum iopf_action.  Required.
 * @exit: called once when the policy stops, after its last decide(); @info
 *	says why.  A policy replaced by a link update (BPF_LINK_UPDATE) stops
 *	with IOPF_EXIT_REPLACED, once no fault can reach it any more: from
 *	the update on, each request sees either it or its successor, never
 *	neither.
 * @name: unique name among attached policies, required
 * @dev_name: dev_name() of the one device the policy applies to, or empty
 *	for all devices.  Resolved when the policy is attached; the policy
 *	is ejected when that device goes away.  A replacement must name the
 *	same device (or none, as its predecessor).
 * @shadow: the policy is called and its answers are checked, counted and
 *	traced as usual, but none is obeyed (an illegal one still ejects
 *	it): to see what a policy would do on live traffic.  A link update
 *	may put the same policy, live, in its place without a gap.
 * @iommufd: with @dev_id, a tenant scope: an iommufd file descriptor of the
 *	process that creates the link (or updates it)
 * @dev_id: the ID of a device object bound in @iommufd (the ID that
 *	binding returned to user space; iommufd numbers objects from 1), or
 *	0: a host policy, scoped by @dev_name.  Holding the binding is a
 *	tenant's credential: attaching needs no CAP_SYS_ADMIN.  A tenant
 *	policy applies to that device only, is consulted after every host
 *	policy (so it cannot override a host decision), may not answer
 *	IOPF_ACT_ANSWER_FAILURE (it stops PRI for the whole function, which
 *	the tenant may share), and is ejected with IOPF_EXIT_OWNER_RELEASED
 *	when the binding ends.  A replacement must name the same binding.
 * @fault_id: instead of @dev_id, with @iommufd: the ID of a fault queue
 *	object in @iommufd (IOMMU_FAULT_QUEUE_ALLOC's out_fault_id), or 0.
 *	A tenant scope like @dev_id, under the same rules, over every page
 *	request that goes to a HWPT delivering to that queue, of whichever
 *	of the iommufd's devices and PASIDs; consulted after the device's
 *	tenant policies.  Exclusive with @dev_id and @dev_name (-EINVAL).
 *	Ejected with IOPF_EXIT_OWNER_RELEASED when the queue is destroyed
 *	(which iommufd allows only once no HWPT uses it).
 * @pasid: with @iommufd and @dev_id, narrows the device scope to one PASID
 *	of the device (a PASID value, not an object ID), or 0
 *	(IOMMU_NO_PASID): the whole device.  The device must be bound in
 *	@iommufd and that PASID attached through @iommufd to a domain
 *	(iommufd_device_attach() with the PASID: IOMMU_TEST_OP_PASID_ATTACH,
 *	VFIO_DEVICE_ATTACH_IOMMUFD_PT with VFIO_DEVICE_ATTACH_PASID) when
 *	the link is created or updated, checked in that call: -ENOENT if it
 *	is not; -EOPNOTSUPP on kernels whose iommufd attaches no PASID
 *	(6.12).  Without @dev_id, or with @fault_id or @dev_name: -EINVAL.
 *	The policy sees only the device's page requests that carry that
 *	PASID (IOMMU_FAULT_PAGE_REQUEST_PASID_VALID), with the device's other
 *	tenant policies, in attach order, after every host policy.  Ejected
 *	with IOPF_EXIT_OWNER_RELEASED when the PASID is detached through
 *	@iommufd, and when the binding ends.  A replacement must name the
 *	same PASID.
 */
struct iopf_ops {
	int (*decide)(struct iopf_decision *dn, struct device *dev,
		      const struct iommu_fault_page_request *req);
	void (*exit)(const struct iopf_exit_info *info);
	char name[IOPF_OPS_NAME_LEN];
	char dev_name[IOPF_DEV_NAME_LEN];
	bool shadow;
	int iommufd;
	u32 dev_id;
	u32 fault_id;
	u32 pasid;
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
void iopf_bpf_owner_release(struct device *dev, const void *owner);
void iopf_bpf_fault_release(const void *fault);
void iopf_bpf_pasid_release(struct device *dev, const void *owner, u32 pasid);

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
void iopf_bpf_param_removed(struct iommu_fault_param *param);

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

static inline void iopf_bpf_owner_release(struct device *dev,
					  const void *owner)
{
}

static inline void iopf_bpf_fault_release(const void *fault)
{
}

static inline void iopf_bpf_pasid_release(struct device *dev,
					  const void *owner, u32 pasid)
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

static inline void iopf_bpf_param_removed(struct iommu_fault_param *param)
{
}
#endif /* CONFIG_IOPF_BPF */

struct iommufd_ctx;
struct iommufd_device;
struct iommufd_object;

/**
 * struct iopf_bpf_tenant - What a tenant's iommufd holds: a bound device,
 *	or a fault queue
 * @dev: the bound device, or NULL for a fault queue
 * @fault: the fault queue (struct iommufd_fault), or NULL for a device;
 *	compared, never dereferenced
 * @owner: the iommufd context that holds it (for a device, the DMA owner
 *	cookie it claimed the device with); compared, never dereferenced
 * @obj: iommufd's object, held until iommufd_iopf_tenant_put()
 */
struct iopf_bpf_tenant {
	struct device *dev;
	const void *fault;
	struct iommufd_ctx *owner;
	struct iommufd_object *obj;
};

int iommufd_iopf_tenant_get(int fd, u32 dev_id, struct iopf_bpf_tenant *t);
int iommufd_iopf_fault_get(int fd, u32 fault_id, struct iopf_bpf_tenant *t);
int iommufd_iopf_pasid_get(int fd, u32 dev_id, struct iopf_bpf_tenant *t);
bool iommufd_iopf_pasid_attached(const struct iopf_bpf_tenant *t, u32 pasid);
void iommufd_iopf_tenant_put(struct iopf_bpf_tenant *t);
/* In iommufd's device.c, where iommufd keeps its PASID attachments */
bool iommufd_device_pasid_attached(struct iommufd_device *idev, u32 pasid);
const void *iommufd_iopf_handle_fault(const struct iommu_attach_handle *handle);

#endif /* __LINUX_IOPF_BPF_H */
