// SPDX-License-Identifier: GPL-2.0
/*
 * iopf-kbench: a pass-through policy that reads the request and asks two
 * kfuncs, as a real policy would, before it answers IOPF_ACT_DEFAULT
 */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u32 seen;

SEC("struct_ops")
int BPF_PROG(kfuncs_decide, IOPF_DECIDE_ARGS)
{
	if (iopf_has_pasid(req) && !bpf_iopf_has_handler(dn) &&
	    bpf_iopf_nr_partial_group(dn) > 1000000)
		seen++;
	return IOPF_ACT_DEFAULT;
}

IOPF_POLICY(kfuncs) = {
	.decide = (void *)kfuncs_decide,
	.name = "kfuncs",
};
