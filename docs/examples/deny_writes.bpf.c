// SPDX-License-Identifier: GPL-2.0
/*
 * deny_writes: refuse page requests that ask for write access on one PASID.
 *
 * The example of docs/writing-policies.md.  A request group whose last
 * request asks for write permission on PASID `pasid` is answered INVALID
 * at once; everything else goes on as the kernel would do it.
 *
 * Parameters:
 *   pasid=N   the PASID to protect (default 0: none)
 * Counters: denied, passed.
 */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 pasid;

__u64 denied, passed;

SEC("struct_ops")
int BPF_PROG(deny_writes_decide, struct iopf_decision *dn, struct device *dev,
	     const struct iommu_fault_page_request *req)
{
	/* A group is answered at its last request */
	if (!(req->flags & IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE))
		return IOPF_ACT_DEFAULT;
	if ((req->flags & IOMMU_FAULT_PAGE_REQUEST_PASID_VALID) &&
	    req->pasid == pasid && (req->perm & IOMMU_FAULT_PERM_WRITE)) {
		iopf_count(denied);
		return IOPF_ACT_ANSWER_INVALID;
	}
	iopf_count(passed);
	return IOPF_ACT_DEFAULT;
}

IOPF_POLICY(deny_writes) = {
	.decide = (void *)deny_writes_decide,
	.name = "deny_writes",
};
