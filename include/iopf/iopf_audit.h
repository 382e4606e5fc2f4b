/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The record a policy writes to a ring buffer named iopf_audit (a
 * BPF_MAP_TYPE_RINGBUF map of that name), one per page request it was asked
 * about; `iopfctl events` prints the records of every attached policy that
 * has such a map (it finds it where iopfctl pinned it, IOPF_PIN_ROOT/NAME/
 * map_iopf_audit).  Shared by BPF code (vmlinux.h) and user space.
 */
#ifndef IOPF_AUDIT_H
#define IOPF_AUDIT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/*
 * iommu_fault_page_request.perm and .flags: macros in the kernel, so in
 * neither vmlinux.h nor the uapi headers
 */
#ifndef IOMMU_FAULT_PERM_READ
#define IOMMU_FAULT_PERM_READ			(1 << 0)
#define IOMMU_FAULT_PERM_WRITE			(1 << 1)
#define IOMMU_FAULT_PERM_EXEC			(1 << 2)
#define IOMMU_FAULT_PERM_PRIV			(1 << 3)
#define IOMMU_FAULT_PAGE_REQUEST_PASID_VALID	(1 << 0)
#define IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE	(1 << 1)
#define IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID	(1 << 2)
#endif

#define IOPF_AUDIT_DEV_LEN	64	/* IOPF_DEV_NAME_LEN of the kernel */
#define IOPF_AUDIT_MAP		"iopf_audit"

/* iopf_audit_record.kernel: what the kernel knew when the policy was asked */
#define IOPF_AUDIT_HANDLER	(1 << 0)	/* a fault handler of its own */
#define IOPF_AUDIT_RID_HANDLER	(1 << 1)	/* the RID takes faults */
#define IOPF_AUDIT_VF		(1 << 2)	/* a PCI virtual function */

/**
 * struct iopf_audit_record - One page request as a policy saw it
 * @ktime_ns: CLOCK_MONOTONIC (bpf_ktime_get_ns()) when it was asked
 * @addr: the request's page address
 * @pasid: its PASID, meaningful only with IOMMU_FAULT_PAGE_REQUEST_PASID_VALID
 *	in @flags
 * @grpid: its page request group
 * @flags: iommu_fault_page_request.flags (PASID valid, last page)
 * @perm: iommu_fault_page_request.perm (IOMMU_FAULT_PERM_*)
 * @kernel: IOPF_AUDIT_* bits
 * @nr_partial: partial requests of the device parked before this one
 * @action: the enum iopf_action the policy returned
 * @dev: dev_name() of the device, NUL-terminated
 */
struct iopf_audit_record {
	__u64 ktime_ns;
	__u64 addr;
	__u32 pasid;
	__u32 grpid;
	__u32 flags;
	__u32 perm;
	__u32 kernel;
	__u32 nr_partial;
	__s32 action;
	__u32 reserved;
	char dev[IOPF_AUDIT_DEV_LEN];
};

#endif /* IOPF_AUDIT_H */
