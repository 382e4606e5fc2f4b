// SPDX-License-Identifier: GPL-2.0
/* Refused at load: every callback runs under RCU on the fault path */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops.s")
int BPF_PROG(sleepable_decide, IOPF_DECIDE_ARGS)
{
	return IOPF_ACT_DEFAULT;
}

IOPF_POLICY(sleepable_ops) = {
	.decide = (void *)sleepable_decide,
	.name = "bad_sleepable",
};
