// SPDX-License-Identifier: GPL-2.0
/* Refused at load: every callback runs under RCU on the fault path */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops.s")
int BPF_PROG(sleepable_respond, const struct iopf_ctx *fault)
{
	return IOPF_DEFAULT;
}

IOPF_POLICY(sleepable_ops) = {
	.respond = (void *)sleepable_respond,
	.name = "bad_sleepable",
};
