/* SPDX-License-Identifier: GPL-2.0 */
/* iopf-bpf internals shared by the io-pgfault-bpf*.c files */
#ifndef __IO_PGFAULT_BPF_H
#define __IO_PGFAULT_BPF_H

#include <linux/init.h>
#include <linux/iommu.h>
#include <linux/iopf_bpf.h>
#include <linux/pci.h>
#include <linux/percpu.h>
#include <linux/uidgid.h>

struct bpf_link;
struct bpf_prog;
struct device;
struct iommu_attach_handle;
struct iommu_fault_param;
struct iopf_bpf_dir;

#define IOPF_NR_EJECTIONS	16
/* Tenant policies one user may have attached at once */
#define IOPF_MAX_TENANT_POLICIES	8
/*
 * Tenant policies of all users at once: the last 16 of IOPF_MAX_POLICIES
 * are the host's, so that tenants cannot fill them all
 */
#define IOPF_MAX_TENANT_POLICIES_ALL	(IOPF_MAX_POLICIES - 16)

/*
 * Per-CPU, bumped with this_cpu_inc(): shared atomics would bounce one cache
 * line between every CPU that reports faults.  Only u64 members, summed as
 * an array by iopf_bpf_sum().
 */
struct iopf_bpf_counters {
	u64 calls;
	u64 obeyed;
	u64 overridden;
	u64 shadowed;		/* valid answers not obeyed: in shadow */
};

static_assert(sizeof(struct iopf_bpf_counters) % sizeof(u64) == 0);

/*
 * One attached policy: kernel-private; sysfs shows some of it
 * (io-pgfault-bpf-sysfs.c)
 */
struct iopf_bpf_policy {
	struct list_head node;		/* iopf_bpf_scoped or iopf_bpf_global */
	struct hlist_node dev_node;	/* iopf_bpf_by_dev, if scoped */
	struct list_head dying_node;	/* iopf_bpf_dying, once taken there */
	struct iopf_ops *ops;
	struct bpf_link *link;
	struct device *dev;		/* scope, referenced; NULL: all devices */
	const void *fault;		/* or a tenant's fault queue, a cookie */
	const void *owner;		/* a tenant's iommufd context, or NULL */
	u32 pasid;			/* and one PASID of dev, or 0: all */
	kuid_t uid;			/* who attached it */
	u64 order;			/* attach order, for the combining rule */
	u32 link_id;			/* its link's, kept when it is unlisted */
	unsigned long dead;		/* bit 0: never call again */
	bool reaping;			/* the reap work took it, under the lock */
	atomic_t overruns;		/* timed calls in a row over the budget */
	struct iopf_exit_info exit_info;	/* why it died, once dead */
	struct iopf_bpf_counters __percpu *counters;
	struct iopf_bpf_dir *dir;	/* in sysfs, while listed */
};

/* Why a policy was ejected, kept in a ring of IOPF_NR_EJECTIONS */
struct iopf_bpf_ejection {
	u64 time_ns;			/* CLOCK_REALTIME */
	char name[IOPF_OPS_NAME_LEN];
	struct iopf_exit_info info;
};

/* Per-CPU like iopf_bpf_counters, and summed the same way */
struct iopf_bpf_stats {
	u64 requests;			/* page requests the policies saw */
	u64 dropped_partials;
	u64 routed;
	u64 responded[IOMMU_PAGE_RESP_FAILURE + 1];	/* by code */
	u64 freed_partials;		/* gathered into auto-answered groups */
	u64 bad_setup;			/* decisions void: no fault handler */
	u64 ejected;
};

static_assert(sizeof(struct iopf_bpf_stats) % sizeof(u64) == 0);

DECLARE_PER_CPU(struct iopf_bpf_stats, iopf_bpf_stats);

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

/* io-pgfault-bpf.c, for io-pgfault-bpf-sysfs.c */
void iopf_bpf_sum(void *sum, const void __percpu *pcpu, size_t size);
unsigned int iopf_bpf_nr_attached(void);
const char *iopf_bpf_scope_name(const struct iopf_bpf_policy *p,
				char buf[IOPF_DEV_NAME_LEN]);
const char *iopf_bpf_exit_name(u32 kind);
const char *iopf_bpf_action_name(int action, char buf[12]);
unsigned int iopf_bpf_nr_ejections_recorded(void);
bool iopf_bpf_ejection_read(unsigned int seq, struct iopf_bpf_ejection *rec);

/* io-pgfault-bpf-sysfs.c: /sys/kernel/iopf/ */
int __init iopf_bpf_sysfs_init(void);
int iopf_bpf_sysfs_add(struct iopf_bpf_policy *p);
int iopf_bpf_sysfs_hand_over(struct iopf_bpf_policy *old,
			     struct iopf_bpf_policy *p);
void iopf_bpf_sysfs_del(struct iopf_bpf_policy *p);
void iopf_bpf_sysfs_sync_ejections(void);

#endif /* __IO_PGFAULT_BPF_H */
