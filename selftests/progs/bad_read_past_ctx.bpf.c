// SPDX-License-Identifier: GPL-2.0
/* Refused by the verifier: a read past the end of the context */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
int BPF_PROG(read_past_respond, const struct iopf_ctx *fault)
{
	return *(const u32 *)((const char *)fault + sizeof(*fault) + 8);
}

IOPF_POLICY(read_past_ops) = {
	.respond = (void *)read_past_respond,
	.name = "bad_read_past",
};
