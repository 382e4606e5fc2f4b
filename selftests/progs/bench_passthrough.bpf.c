// SPDX-License-Identifier: GPL-2.0
/* The cheapest policy there is: asked about every group, always the default */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
int BPF_PROG(passthrough_respond, const struct iopf_ctx *fault)
{
	return IOPF_DEFAULT;
}

IOPF_POLICY(passthrough) = {
	.respond = (void *)passthrough_respond,
	.name = "passthrough",
};
