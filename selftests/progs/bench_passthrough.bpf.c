// SPDX-License-Identifier: GPL-2.0
/* The cheapest policy there is: asked about every group, always the default */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
int BPF_PROG(passthrough_decide, IOPF_DECIDE_ARGS)
{
	return IOPF_ACT_DEFAULT;
}

IOPF_POLICY(passthrough) = {
	.decide = (void *)passthrough_decide,
	.name = "passthrough",
};
