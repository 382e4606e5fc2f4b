// SPDX-License-Identifier: GPL-2.0
/* A policy in a plain .struct_ops map: no link, so the kernel refuses it */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
int BPF_PROG(nolink_respond, const struct iopf_ctx *fault)
{
	return IOPF_RESPOND_INVALID;
}

SEC(".struct_ops")
struct iopf_ops nolink_ops = {
	.respond = (void *)nolink_respond,
	.name = "nolink",
};
