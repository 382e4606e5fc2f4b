/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Recoverable I/O page faults: what was reported, parked, grouped,
 * decided by a policy and answered, with the time from a group's last
 * request to its response.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM iopf

#if !defined(_TRACE_IOPF_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_IOPF_H

#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/ktime.h>
#include <linux/tracepoint.h>
#include <uapi/linux/iopf_bpf.h>

TRACE_EVENT(iopf_fault,
	    TP_PROTO(struct device *dev, const struct iommu_fault *fault),
	    TP_ARGS(dev, fault),
	    TP_STRUCT__entry(__string(dev, dev_name(dev))
			     __field(u64, addr)
			     __field(u32, flags)
			     __field(u32, pasid)
			     __field(u32, grpid)
			     __field(u32, perm)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->addr = fault->prm.addr;
			   __entry->flags = fault->prm.flags;
			   __entry->pasid = fault->prm.pasid;
			   __entry->grpid = fault->prm.grpid;
			   __entry->perm = fault->prm.perm;),
	    TP_printk("dev=%s flags=%#x pasid=%#x grpid=%u perm=%#x addr=%#llx",
		      __get_str(dev), __entry->flags, __entry->pasid,
		      __entry->grpid, __entry->perm, __entry->addr)
);

TRACE_EVENT(iopf_partial,
	    TP_PROTO(struct device *dev, const struct iommu_fault *fault),
	    TP_ARGS(dev, fault),
	    TP_STRUCT__entry(__string(dev, dev_name(dev))
			     __field(u64, addr)
			     __field(u32, pasid)
			     __field(u32, grpid)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->addr = fault->prm.addr;
			   __entry->pasid = fault->prm.pasid;
			   __entry->grpid = fault->prm.grpid;),
	    TP_printk("dev=%s pasid=%#x grpid=%u addr=%#llx", __get_str(dev),
		      __entry->pasid, __entry->grpid, __entry->addr)
);

/* Emitted before the group is handed on: a handler may free it at once */
TRACE_EVENT(iopf_group,
	    TP_PROTO(const struct iopf_group *group),
	    TP_ARGS(group),
	    TP_STRUCT__entry(__string(dev, dev_name(group->fault_param->dev))
			     __field(u32, pasid)
			     __field(u32, grpid)
			     __field(u32, fault_count)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->pasid = group->last_fault.fault.prm.pasid;
			   __entry->grpid = group->last_fault.fault.prm.grpid;
			   __entry->fault_count = group->fault_count;),
	    TP_printk("dev=%s pasid=%#x grpid=%u faults=%u", __get_str(dev),
		      __entry->pasid, __entry->grpid, __entry->fault_count)
);

TRACE_EVENT(iopf_decision,
	    TP_PROTO(const char *policy, const char *dev, u32 pasid,
		     u32 callback, int verdict, u32 outcome),
	    TP_ARGS(policy, dev, pasid, callback, verdict, outcome),
	    TP_STRUCT__entry(__string(policy, policy)
			     __string(dev, dev)
			     __field(u32, pasid)
			     __field(u32, callback)
			     __field(int, verdict)
			     __field(u32, outcome)),
	    TP_fast_assign(__assign_str(policy);
			   __assign_str(dev);
			   __entry->pasid = pasid;
			   __entry->callback = callback;
			   __entry->verdict = verdict;
			   __entry->outcome = outcome;),
	    TP_printk("policy=%s dev=%s pasid=%#x callback=%s verdict=%d outcome=%s",
		      __get_str(policy), __get_str(dev), __entry->pasid,
		      __print_symbolic(__entry->callback,
				       { IOPF_CB_GROUP, "group" },
				       { IOPF_CB_ROUTE, "route" },
				       { IOPF_CB_RESPOND, "respond" }),
		      __entry->verdict,
		      __print_symbolic(__entry->outcome,
				       { IOPF_DECISION_DEFAULT, "default" },
				       { IOPF_DECISION_OBEYED, "obeyed" },
				       { IOPF_DECISION_OVERRIDDEN, "overridden" },
				       { IOPF_DECISION_EJECTED, "ejected" }))
);

TRACE_EVENT(iopf_response,
	    TP_PROTO(struct device *dev, const struct iommu_page_response *resp,
		     u32 source, u64 reported_ns),
	    TP_ARGS(dev, resp, source, reported_ns),
	    TP_STRUCT__entry(__string(dev, dev_name(dev))
			     __field(u32, pasid)
			     __field(u32, grpid)
			     __field(u32, code)
			     __field(u32, source)
			     __field(u64, latency_ns)),
	    /* latency_ns 0: the request came while this event was off */
	    TP_fast_assign(__assign_str(dev);
			   __entry->pasid = resp->pasid;
			   __entry->grpid = resp->grpid;
			   __entry->code = resp->code;
			   __entry->source = source;
			   __entry->latency_ns = reported_ns ?
					ktime_get_ns() - reported_ns : 0;),
	    TP_printk("dev=%s pasid=%#x grpid=%u code=%u source=%s latency_ns=%llu",
		      __get_str(dev), __entry->pasid, __entry->grpid,
		      __entry->code,
		      __print_symbolic(__entry->source,
				       { IOPF_RESPONSE_HANDLER, "handler" },
				       { IOPF_RESPONSE_POLICY, "policy" },
				       { IOPF_RESPONSE_BAD_SETUP, "bad_setup" },
				       { IOPF_RESPONSE_ABORT, "abort" },
				       { IOPF_RESPONSE_REMOVAL, "removal" }),
		      __entry->latency_ns)
);

#endif /* _TRACE_IOPF_H */

#include <trace/define_trace.h>
