// SPDX-License-Identifier: GPL-2.0
/*
 * A policy without .name: iopfctl refuses it (exit 7) unless --name gives
 * one (docs/writing-policies.md's checklist; selftests/vm/docs.sh).
 */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
int BPF_PROG(no_name_decide, IOPF_DECIDE_ARGS)
{
	return IOPF_ACT_DEFAULT;
}

IOPF_POLICY(no_name) = {
	.decide = (void *)no_name_decide,
};
