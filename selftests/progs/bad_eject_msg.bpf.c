// SPDX-License-Identifier: GPL-2.0
/* Refused by the verifier: bpf_iopf_eject() takes a constant string only */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
int BPF_PROG(eject_msg_decide, IOPF_DECIDE_ARGS)
{
	char msg[8] = "x";

	bpf_iopf_eject(dn, msg);
	return IOPF_ACT_DEFAULT;
}

IOPF_POLICY(eject_msg_ops) = {
	.decide = (void *)eject_msg_decide,
	.name = "bad_eject_msg",
};
