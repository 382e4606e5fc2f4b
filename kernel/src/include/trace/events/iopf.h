/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Recoverable I/O page faults: what was reported, parked, grouped and
 * answered, with the time from a group's last request to its response.
 * What BPF policies decided is in trace/events/iopf_bpf.h.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM iopf

#if !defined(_TRACE_IOPF_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_IOPF_H

#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/ktime.h>
#include <linux/tracepoint.h>

#ifndef _TRACE_IOPF_ENUMS_ONCE
#define _TRACE_IOPF_ENUMS_ONCE
/*
 * Who sent a page response (iopf_group.response_source): the domain's
 * fault handler (iommufd, SVA), a policy's auto-response, the bad-setup
 * path (no fault handler: INVALID), an aborted group (handler failed or no
 * memory: FAILURE), or the device leaving its queue (INVALID)
 */
enum iopf_response_source {
	IOPF_RESPONSE_HANDLER,
	IOPF_RESPONSE_POLICY,
	IOPF_RESPONSE_BAD_SETUP,
	IOPF_RESPONSE_ABORT,
	IOPF_RESPONSE_REMOVAL,
};
#endif

TRACE_DEFINE_ENUM(IOPF_RESPONSE_HANDLER);
TRACE_DEFINE_ENUM(IOPF_RESPONSE_POLICY);
TRACE_DEFINE_ENUM(IOPF_RESPONSE_BAD_SETUP);
TRACE_DEFINE_ENUM(IOPF_RESPONSE_ABORT);
TRACE_DEFINE_ENUM(IOPF_RESPONSE_REMOVAL);

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

TRACE_EVENT(iopf_response,
	    TP_PROTO(struct device *dev, const struct iommu_page_response *resp,
		     enum iopf_response_source source, u64 reported_ns),
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
