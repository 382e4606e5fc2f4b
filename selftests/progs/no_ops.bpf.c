// SPDX-License-Identifier: GPL-2.0
/* A valid BPF object with no struct iopf_ops: the loader must refuse it */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/iopf_fault")
int BPF_PROG(no_ops_fault)
{
	return 0;
}
