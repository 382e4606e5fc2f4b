// SPDX-License-Identifier: GPL-2.0
/* Refused by the verifier: a read past the end of the page request */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
int BPF_PROG(read_past_decide, IOPF_DECIDE_ARGS)
{
	return *(const u32 *)((const char *)req + sizeof(*req) + 8);
}

IOPF_POLICY(read_past_ops) = {
	.decide = (void *)read_past_decide,
	.name = "bad_read_past",
};
