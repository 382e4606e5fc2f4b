// SPDX-License-Identifier: GPL-2.0
/* A policy that decides nothing (only exit): .validate must refuse it */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
void BPF_PROG(exit_only_exit, const struct iopf_exit_info *info)
{
}

IOPF_POLICY(exit_only_ops) = {
	.exit = (void *)exit_only_exit,
	.name = "exit_only",
};
