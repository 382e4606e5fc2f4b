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

#endif /* _TRACE_IOPF_BPF_H */

#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE iopf_bpf
#include <trace/define_trace.h>
