/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iopf-bpf: what each policy answered for a page request, and what became
 * of the answer.  Same system as trace/events/iopf.h.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM iopf

#if !defined(_TRACE_IOPF_BPF_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_IOPF_BPF_H

#include <linux/iommu.h>
#include <linux/iopf_bpf.h>
#include <linux/tracepoint.h>

TRACE_DEFINE_ENUM(IOPF_ACT_DEFAULT);
TRACE_DEFINE_ENUM(IOPF_ACT_DROP);
TRACE_DEFINE_ENUM(IOPF_ACT_ROUTE_RID);
TRACE_DEFINE_ENUM(IOPF_ACT_ANSWER_SUCCESS);
TRACE_DEFINE_ENUM(IOPF_ACT_ANSWER_INVALID);
TRACE_DEFINE_ENUM(IOPF_ACT_ANSWER_FAILURE);
TRACE_DEFINE_ENUM(IOPF_DECISION_DEFAULT);
TRACE_DEFINE_ENUM(IOPF_DECISION_OBEYED);
TRACE_DEFINE_ENUM(IOPF_DECISION_OVERRIDDEN);
TRACE_DEFINE_ENUM(IOPF_DECISION_EJECTED);
TRACE_DEFINE_ENUM(IOPF_DECISION_SHADOW);

/*
 * @action is what decide() returned, legal or not (an illegal one prints as
 * its number); @outcome an enum iopf_decision_outcome
 */
TRACE_EVENT(iopf_decision,
	    TP_PROTO(const char *policy, struct device *dev,
		     const struct iommu_fault_page_request *req, int action,
		     enum iopf_decision_outcome outcome),
	    TP_ARGS(policy, dev, req, action, outcome),
	    TP_STRUCT__entry(__string(policy, policy)
			     __string(dev, dev_name(dev))
			     __field(u32, pasid)
			     __field(u32, grpid)
			     __field(u32, flags)
			     __field(int, action)
			     __field(u32, outcome)),
	    TP_fast_assign(__assign_str(policy);
			   __assign_str(dev);
			   __entry->pasid = req->pasid;
			   __entry->grpid = req->grpid;
			   __entry->flags = req->flags;
			   __entry->action = action;
			   __entry->outcome = outcome;),
	    TP_printk("policy=%s dev=%s pasid=%#x grpid=%u flags=%#x action=%s outcome=%s",
		      __get_str(policy), __get_str(dev), __entry->pasid,
		      __entry->grpid, __entry->flags,
		      __print_symbolic(__entry->action,
				       { IOPF_ACT_DEFAULT, "default" },
				       { IOPF_ACT_DROP, "drop" },
				       { IOPF_ACT_ROUTE_RID, "route_rid" },
				       { IOPF_ACT_ANSWER_SUCCESS, "answer_success" },
				       { IOPF_ACT_ANSWER_INVALID, "answer_invalid" },
				       { IOPF_ACT_ANSWER_FAILURE, "answer_failure" }),
		      __print_symbolic(__entry->outcome,
				       { IOPF_DECISION_DEFAULT, "default" },
				       { IOPF_DECISION_OBEYED, "obeyed" },
				       { IOPF_DECISION_OVERRIDDEN, "overridden" },
				       { IOPF_DECISION_EJECTED, "ejected" },
				       { IOPF_DECISION_SHADOW, "shadow" }))
);

/*
 * A policy's life, for iopfctl events: attached (its link created),
 * replaced (a link update put @name in @old's place), ejected (refused by
 * the kernel, over time, its device gone, or by itself: @kind an enum
 * iopf_exit_kind, @reason its name as sysfs gives it, @action the refused
 * one's name or number; @dev and @pasid those of the request that caused
 * it, the departing device for IOPF_EXIT_DEV_REMOVED; @pasid 0 without a
 * PASID), detached (stopped, once no call in flight can reach it: its link
 * detached or released; with @kind its ejection's, an ejected policy
 * reaped; with IOPF_EXIT_REPLACED, the policy a link update replaced).
 * @scope is the device a policy is scoped to, "" for all devices; @link_id
 * the BPF link's ID, which an attach cannot give: the core numbers the link
 * only after .reg() returns (bpf_link_settle()).
 */
TRACE_EVENT(iopf_policy_attach,
	    TP_PROTO(const char *name, const char *scope, u64 order),
	    TP_ARGS(name, scope, order),
	    TP_STRUCT__entry(__string(name, name)
			     __string(scope, scope)
			     __field(u64, order)),
	    TP_fast_assign(__assign_str(name);
			   __assign_str(scope);
			   __entry->order = order;),
	    TP_printk("policy=%s scope=%s order=%llu", __get_str(name),
		      __get_str(scope), __entry->order)
);

TRACE_EVENT(iopf_policy_replace,
	    TP_PROTO(const char *old, const char *name, const char *scope,
		     u64 order, u32 link_id),
	    TP_ARGS(old, name, scope, order, link_id),
	    TP_STRUCT__entry(__string(old, old)
			     __string(name, name)
			     __string(scope, scope)
			     __field(u64, order)
			     __field(u32, link_id)),
	    TP_fast_assign(__assign_str(old);
			   __assign_str(name);
			   __assign_str(scope);
			   __entry->order = order;
			   __entry->link_id = link_id;),
	    TP_printk("old=%s policy=%s scope=%s order=%llu link=%u",
		      __get_str(old), __get_str(name), __get_str(scope),
		      __entry->order, __entry->link_id)
);

TRACE_EVENT(iopf_policy_eject,
	    TP_PROTO(const char *name, u32 kind, const char *reason,
		     const char *action, const char *dev, u32 pasid,
		     const char *msg),
	    TP_ARGS(name, kind, reason, action, dev, pasid, msg),
	    TP_STRUCT__entry(__string(name, name)
			     __field(u32, kind)
			     __string(reason, reason)
			     __string(action, action)
			     __string(dev, dev)
			     __field(u32, pasid)
			     __string(msg, msg)),
	    TP_fast_assign(__assign_str(name);
			   __entry->kind = kind;
			   __assign_str(reason);
			   __assign_str(action);
			   __assign_str(dev);
			   __entry->pasid = pasid;
			   __assign_str(msg);),
	    TP_printk("policy=%s reason=%s action=%s dev=%s pasid=%#x msg=\"%s\"",
		      __get_str(name), __get_str(reason), __get_str(action),
		      __get_str(dev), __entry->pasid, __get_str(msg))
);

TRACE_EVENT(iopf_policy_detach,
	    TP_PROTO(const char *name, const char *scope, u32 link_id, u32 kind,
		     const char *reason),
	    TP_ARGS(name, scope, link_id, kind, reason),
	    TP_STRUCT__entry(__string(name, name)
			     __string(scope, scope)
			     __field(u32, link_id)
			     __field(u32, kind)
			     __string(reason, reason)),
	    TP_fast_assign(__assign_str(name);
			   __assign_str(scope);
			   __entry->link_id = link_id;
			   __entry->kind = kind;
			   __assign_str(reason);),
	    TP_printk("policy=%s scope=%s link=%u reason=%s", __get_str(name),
		      __get_str(scope), __entry->link_id, __get_str(reason))
);

#endif /* _TRACE_IOPF_BPF_H */

#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE iopf_bpf
#include <trace/define_trace.h>
