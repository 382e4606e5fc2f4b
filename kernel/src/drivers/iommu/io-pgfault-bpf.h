/* SPDX-License-Identifier: GPL-2.0 */
/* iopf-bpf internals shared by io-pgfault-bpf.c and io-pgfault-bpf-ops.c */
#ifndef __IO_PGFAULT_BPF_H
#define __IO_PGFAULT_BPF_H

#include <linux/init.h>
#include <linux/iopf_bpf.h>

struct bpf_link;
struct device;
struct iommu_attach_handle;

/* The context a callback sees, and what the kernel keeps beside it */
struct iopf_bpf_fault {
	struct iopf_ctx ctx;
	struct device *dev;
};

struct iommu_attach_handle *iopf_bpf_rid_handle(struct device *dev);
/* A kfunc: BPF programs find it through BTF, sparse through this */
bool bpf_iopf_rid_has_handler(const struct iopf_ctx *ctx);
int iopf_bpf_reg(void *kdata, struct bpf_link *link);
void iopf_bpf_unreg(void *kdata, struct bpf_link *link);
int iopf_bpf_update(void *kdata, void *old_kdata, struct bpf_link *link);
int iopf_bpf_validate(void *kdata);
int __init iopf_bpf_register_ops(void);

#endif /* __IO_PGFAULT_BPF_H */
