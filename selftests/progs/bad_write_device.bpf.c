// SPDX-License-Identifier: GPL-2.0
/* Refused by the verifier: the device is read-only */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
int BPF_PROG(write_device_decide, IOPF_DECIDE_ARGS)
{
	dev->dma_mask = 0;
	return IOPF_ACT_DEFAULT;
}

IOPF_POLICY(write_device_ops) = {
	.decide = (void *)write_device_decide,
	.name = "bad_write_device",
};
