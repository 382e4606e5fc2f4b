// SPDX-License-Identifier: GPL-2.0
/* Auto-response at its cheapest: every group answered INVALID at once */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
int BPF_PROG(answer_decide, IOPF_DECIDE_ARGS)
{
	return iopf_last(req) ? IOPF_ACT_ANSWER_INVALID : IOPF_ACT_DEFAULT;
}

IOPF_POLICY(answer) = {
	.decide = (void *)answer_decide,
	.name = "answer",
};
