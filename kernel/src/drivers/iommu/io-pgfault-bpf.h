/* SPDX-License-Identifier: GPL-2.0 */
/* iopf-bpf internals shared by io-pgfault-bpf.c and io-pgfault-bpf-ops.c */
#ifndef __IO_PGFAULT_BPF_H
#define __IO_PGFAULT_BPF_H

#include <linux/init.h>
#include <linux/iopf_bpf.h>
#include <linux/pci.h>

struct bpf_link;
struct bpf_prog;
struct device;
struct iommu_attach_handle;
struct iommu_fault_param;
struct iopf_bpf_policy;

/* Where a page request group goes, fixed by its first request */
enum iopf_bpf_target {
	IOPF_TARGET_NONE,	/* no request of the group decided yet */
	IOPF_TARGET_OWN,	/* the handle the kernel found on its own */
	IOPF_TARGET_ROUTED,	/* the RID's handle, routed by a policy */
	IOPF_TARGET_BAD,	/* none: the bad-setup path answered it */
};

/*
 * struct iopf_decision - One page request being decided, on the stack of
 * __iopf_bpf_decide(); decide() gets it for the kfuncs.  Nothing is copied
 * for the policies: they read @dev and @req themselves.
 * @dev: the device that reported @req
 * @req: the page request, as the IOMMU driver reported it
 * @param: @dev's fault parameter, locked, or NULL if it has none
 * @own: the attach handle the kernel found on its own, or NULL
 * @policy: the policy being called
 * @decided: a policy's answer was obeyed
 * @action: that answer
 * @route: the RID's handle, for IOPF_ACT_ROUTE_RID
 * @code: the response code, for an IOPF_ACT_ANSWER_*
 * @target: the group's target, before this request
 */
struct iopf_decision {
	struct device *dev;
	const struct iommu_fault_page_request *req;
	struct iommu_fault_param *param;
	struct iommu_attach_handle *own;
	struct iopf_bpf_policy *policy;
	bool decided;
	enum iopf_action action;
	struct iommu_attach_handle *route;
	int code;
	enum iopf_bpf_target target;
};

/*
 * A PCI virtual function shares its physical function's PRI: FAILURE, which
 * disables PRI on the function, is not its to answer
 */
static inline bool iopf_bpf_dev_is_vf(struct device *dev)
{
	return dev_is_pci(dev) && to_pci_dev(dev)->is_virtfn;
}

struct iommu_attach_handle *iopf_bpf_rid_handle(struct device *dev);
u32 iopf_bpf_group_parked(const struct iopf_decision *dn);
void iopf_bpf_self_eject(struct iopf_decision *dn, const char *msg);
bool iopf_bpf_prog_is_decide(const struct bpf_prog *prog);

/* The kfuncs: BPF programs find them through BTF, sparse through this */
u32 bpf_iopf_nr_partial(struct iopf_decision *dn);
u32 bpf_iopf_nr_partial_group(struct iopf_decision *dn);
bool bpf_iopf_has_handler(struct iopf_decision *dn);
bool bpf_iopf_rid_has_handler(struct iopf_decision *dn);
bool bpf_iopf_dev_is_vf(struct iopf_decision *dn);
u32 bpf_iopf_pci_id(struct iopf_decision *dn);
int bpf_iopf_dev_name(struct iopf_decision *dn, char *buf, u32 buf__sz);
void bpf_iopf_eject(struct iopf_decision *dn, const char *msg__str);

int iopf_bpf_reg(void *kdata, struct bpf_link *link);
void iopf_bpf_unreg(void *kdata, struct bpf_link *link);
int iopf_bpf_update(void *kdata, void *old_kdata, struct bpf_link *link);
int iopf_bpf_validate(void *kdata);
int __init iopf_bpf_register_ops(void);

#endif /* __IO_PGFAULT_BPF_H */
