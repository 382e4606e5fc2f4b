// SPDX-License-Identifier: GPL-2.0
/*
 * Refused by the verifier: each kfunc called from exit(), where it is not
 * allowed.  One struct_ops map per kfunc; the test creates one at a time
 * (libbpf loads the programs of created maps only).
 */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

char buf[8];

#define KF_CASE(kf, call)						\
SEC("struct_ops")							\
int BPF_PROG(kf##_decide, IOPF_DECIDE_ARGS)				\
{									\
	return IOPF_ACT_DEFAULT;					\
}									\
									\
SEC("struct_ops")							\
void BPF_PROG(kf##_exit, const struct iopf_exit_info *info)		\
{									\
	struct iopf_decision *dn = (void *)info;			\
									\
	call;								\
}									\
									\
IOPF_POLICY(kf##_ops) = {							\
	.decide = (void *)kf##_decide,					\
	.exit = (void *)kf##_exit,					\
	.name = #kf,							\
}

KF_CASE(bpf_iopf_nr_partial, bpf_iopf_nr_partial(dn));
KF_CASE(bpf_iopf_nr_partial_group, bpf_iopf_nr_partial_group(dn));
KF_CASE(bpf_iopf_has_handler, bpf_iopf_has_handler(dn));
KF_CASE(bpf_iopf_rid_has_handler, bpf_iopf_rid_has_handler(dn));
KF_CASE(bpf_iopf_dev_is_vf, bpf_iopf_dev_is_vf(dn));
KF_CASE(bpf_iopf_pci_id, bpf_iopf_pci_id(dn));
KF_CASE(bpf_iopf_dev_name, bpf_iopf_dev_name(dn, buf, sizeof(buf)));
KF_CASE(bpf_iopf_eject, bpf_iopf_eject(dn, "x"));
