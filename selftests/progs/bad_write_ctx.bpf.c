// SPDX-License-Identifier: GPL-2.0
/* Refused by the verifier: the context is read-only */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
int BPF_PROG(write_ctx_respond, struct iopf_ctx *fault)
{
	fault->grpid = 0;
	return IOPF_DEFAULT;
}

IOPF_POLICY(write_ctx_ops) = {
	.respond = (void *)write_ctx_respond,
	.name = "bad_write_ctx",
};
