// SPDX-License-Identifier: GPL-2.0
/* A policy in a plain .struct_ops map: no link, so the kernel refuses it */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
int BPF_PROG(nolink_decide, IOPF_DECIDE_ARGS)
{
	return IOPF_ACT_ANSWER_INVALID;
}

SEC(".struct_ops")
struct iopf_ops nolink_ops = {
	.decide = (void *)nolink_decide,
	.name = "nolink",
};
