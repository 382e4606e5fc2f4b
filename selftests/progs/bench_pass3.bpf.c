// SPDX-License-Identifier: GPL-2.0
/* A pass-through policy with every decision callback: always the default */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
int BPF_PROG(pass3_group, const struct iopf_ctx *fault)
{
	return IOPF_DEFAULT;
}

SEC("struct_ops")
int BPF_PROG(pass3_route, const struct iopf_ctx *fault)
{
	return IOPF_DEFAULT;
}

SEC("struct_ops")
int BPF_PROG(pass3_respond, const struct iopf_ctx *fault)
{
	return IOPF_DEFAULT;
}

IOPF_POLICY(pass3) = {
	.group = (void *)pass3_group,
	.route = (void *)pass3_route,
	.respond = (void *)pass3_respond,
	.name = "pass3",
};
