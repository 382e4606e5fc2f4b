/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every iopf-bpf policy shares: kernel types (vmlinux.h), libbpf's
 * helpers, the verdict values and the kfuncs.
 *
 * A policy is a struct iopf_ops in SEC(".struct_ops.link"): the kernel
 * refuses struct_ops maps without a link, since it must be able to eject
 * a misbehaving policy.
 */
#ifndef IOPF_COMMON_BPF_H
#define IOPF_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <linux/iopf_bpf.h>

/* Only from iopf_ops.route(): would IOPF_ROUTE_RID find a fault handler? */
extern bool bpf_iopf_rid_has_handler(const struct iopf_ctx *ctx) __ksym;

#define IOPF_POLICY(var) SEC(".struct_ops.link") struct iopf_ops var

/* iopf_ctx.perm and .flags: macros in the kernel, so not in vmlinux.h */
#ifndef IOMMU_FAULT_PERM_READ
#define IOMMU_FAULT_PERM_READ			(1 << 0)
#define IOMMU_FAULT_PERM_WRITE			(1 << 1)
#define IOMMU_FAULT_PERM_EXEC			(1 << 2)
#define IOMMU_FAULT_PERM_PRIV			(1 << 3)
#define IOMMU_FAULT_PAGE_REQUEST_PASID_VALID	(1 << 0)
#define IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE	(1 << 1)
#define IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID	(1 << 2)
#endif

/*
 * Key of maps that match faults by device and PASID.  iopfctl fills such
 * maps from `--set MAP=DEVICE[:PASID]`; without a PASID the entry matches
 * every request of the device.
 */
#define IOPF_ANY_PASID 0xffffffff
struct iopf_match {
	char dev[IOPF_DEV_NAME_LEN];
	__u32 pasid;
};

/* The request's device name, into a map key */
static __always_inline void iopf_dev_name(char *dst, const struct iopf_ctx *fault)
{
	__builtin_memcpy(dst, fault->dev_name, IOPF_DEV_NAME_LEN);
}

/* Global counters live in .bss: iopfctl stats prints them by name */
#define iopf_count(var) __sync_fetch_and_add(&(var), 1)

#endif /* IOPF_COMMON_BPF_H */
