/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every iopf-bpf policy shares: kernel types (vmlinux.h: struct
 * iopf_ops, enum iopf_action, struct iommu_fault_page_request), libbpf's
 * helpers and the kfuncs of iopf_ops.decide().
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

/*
 * The kfuncs, callable from decide() only, on the decision it was given
 * (kernel-doc: drivers/iommu/io-pgfault-bpf-ops.c)
 */
/* Partial requests of the device parked now, before this one */
extern __u32 bpf_iopf_nr_partial(struct iopf_decision *dn) __ksym;
/* Of those, the ones of this request's group */
extern __u32 bpf_iopf_nr_partial_group(struct iopf_decision *dn) __ksym;
/* The kernel found a fault handler for this request on its own */
extern bool bpf_iopf_has_handler(struct iopf_decision *dn) __ksym;
/* The device's RID takes faults: IOPF_ACT_ROUTE_RID would find a handler */
extern bool bpf_iopf_rid_has_handler(struct iopf_decision *dn) __ksym;
/* The device is a PCI virtual function (no IOPF_ACT_ANSWER_FAILURE) */
extern bool bpf_iopf_dev_is_vf(struct iopf_decision *dn) __ksym;
/* PCI vendor ID << 16 | device ID, 0 if the device is not PCI */
extern __u32 bpf_iopf_pci_id(struct iopf_decision *dn) __ksym;
/* dev_name() into buf: its length, or -E2BIG if cut */
extern int bpf_iopf_dev_name(struct iopf_decision *dn, char *buf,
			     __u32 buf__sz) __ksym;
/* Stop this policy for good, with a reason (a constant string) */
extern void bpf_iopf_eject(struct iopf_decision *dn, const char *msg__str) __ksym;

#define IOPF_POLICY(var) SEC(".struct_ops.link") struct iopf_ops var

/* decide()'s arguments, for BPF_PROG() */
#define IOPF_DECIDE_ARGS struct iopf_decision *dn, struct device *dev, \
	const struct iommu_fault_page_request *req

/* Sizes from the kernel's own types (macros there, so not in vmlinux.h) */
#define IOPF_OPS_NAME_LEN	sizeof(((struct iopf_ops *)0)->name)
#define IOPF_DEV_NAME_LEN	sizeof(((struct iopf_ops *)0)->dev_name)

/*
 * iommu_fault_page_request.perm and .flags (macros in the kernel, so not
 * in vmlinux.h), and the record of iopfctl events' audit ring buffers
 */
#include "iopf_audit.h"

static __always_inline bool iopf_last(const struct iommu_fault_page_request *req)
{
	return req->flags & IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE;
}

static __always_inline bool iopf_has_pasid(const struct iommu_fault_page_request *req)
{
	return req->flags & IOMMU_FAULT_PAGE_REQUEST_PASID_VALID;
}

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

/*
 * The request's device name into a map key of IOPF_DEV_NAME_LEN bytes,
 * zeroed by the caller so that the key's bytes past the name are zero
 */
static __always_inline void iopf_dev_name(char *dst, struct iopf_decision *dn)
{
	bpf_iopf_dev_name(dn, dst, IOPF_DEV_NAME_LEN);
}

/* Global counters live in .bss: iopfctl stats prints them by name */
#define iopf_count(var) __sync_fetch_and_add(&(var), 1)

#endif /* IOPF_COMMON_BPF_H */
