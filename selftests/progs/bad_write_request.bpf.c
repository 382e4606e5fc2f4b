// SPDX-License-Identifier: GPL-2.0
/* Refused by the verifier: the page request is read-only */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
int BPF_PROG(write_request_decide, IOPF_DECIDE_ARGS)
{
	((struct iommu_fault_page_request *)req)->grpid = 0;
	return IOPF_ACT_DEFAULT;
}

IOPF_POLICY(write_request_ops) = {
	.decide = (void *)write_request_decide,
	.name = "bad_write_request",
};
