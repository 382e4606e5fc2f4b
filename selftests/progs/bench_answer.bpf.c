// SPDX-License-Identifier: GPL-2.0
/* Auto-response at its cheapest: every group answered INVALID at once */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
int BPF_PROG(answer_respond, const struct iopf_ctx *fault)
{
	return IOPF_RESPOND_INVALID;
}

IOPF_POLICY(answer) = {
	.respond = (void *)answer_respond,
	.name = "answer",
};
