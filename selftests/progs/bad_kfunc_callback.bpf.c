// SPDX-License-Identifier: GPL-2.0
/* Refused by the verifier: a route-only kfunc called from respond() */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
int BPF_PROG(kfunc_respond, const struct iopf_ctx *fault)
{
	return bpf_iopf_rid_has_handler(fault) ? IOPF_RESPOND_INVALID : IOPF_DEFAULT;
}

IOPF_POLICY(kfunc_ops) = {
	.respond = (void *)kfunc_respond,
	.name = "bad_kfunc",
};
