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
int BPF_PROG(deny_writes_respond, const struct iopf_ctx *fault)
{
	if (fault->pasid_valid && fault->pasid == pasid &&
	    (fault->perm & IOMMU_FAULT_PERM_WRITE)) {
		iopf_count(denied);
		return IOPF_RESPOND_INVALID;
	}
	iopf_count(passed);
	return IOPF_DEFAULT;
}

IOPF_POLICY(deny_writes) = {
	.respond = (void *)deny_writes_respond,
	.name = "deny_writes",
};
