// SPDX-License-Identifier: GPL-2.0
/*
 * iopf-bpf: struct iopf_ops as the BPF verifier sees it
 *
 * Which programs may fill which member, what they may read, the members a
 * user may set (name, dev_name, shadow, iommufd, dev_id, fault_id, pasid),
 * the CFI stubs, and the kfuncs that decide() may call.  Attaching,
 * detaching and replacing are in io-pgfault-bpf.c
 * (iopf_bpf_reg/unreg/update/validate).
 */

#include <linux/bpf.h>
#include <linux/bpf_verifier.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/ctype.h>
#include <linux/init.h>
#include <linux/iommu.h>
#include <linux/iopf_bpf.h>
#include <linux/pci.h>

#include "io-pgfault-bpf.h"

static const struct btf *iopf_ops_btf;
static u32 iopf_ops_type_id;
static u32 iopf_ops_decide_idx;

static bool iopf_bpf_valid_name(const char *name, size_t size, bool required)
{
	size_t len = strnlen(name, size);
	size_t i;

	if (len == size || (required && !len))
		return false;
	/* A policy's name names its directory in sysfs */
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	/* ASCII, printable without quoting in sysfs and in the loader */
	for (i = 0; i < len; i++)
		if (!isascii(name[i]) || (!isalnum(name[i]) && !strchr("_-.:", name[i])))
			return false;
	return true;
}

static int iopf_bpf_init_member(const struct btf_type *t,
				const struct btf_member *member,
				void *kdata, const void *udata)
{
	const struct iopf_ops *uops = udata;
	struct iopf_ops *kops = kdata;

	switch (__btf_member_bit_offset(t, member) / 8) {
	case offsetof(struct iopf_ops, name):
		if (!iopf_bpf_valid_name(uops->name, sizeof(uops->name), true))
			return -EINVAL;
		memcpy(kops->name, uops->name, sizeof(kops->name));
		return 1;
	case offsetof(struct iopf_ops, dev_name):
		if (!iopf_bpf_valid_name(uops->dev_name, sizeof(uops->dev_name),
					 false))
			return -EINVAL;
		memcpy(kops->dev_name, uops->dev_name, sizeof(kops->dev_name));
		return 1;
	case offsetof(struct iopf_ops, shadow):
		/* A bool from user space: 0 or 1, nothing else */
		if (*(const u8 *)&uops->shadow > 1)
			return -EINVAL;
		kops->shadow = uops->shadow;
		return 1;
	case offsetof(struct iopf_ops, iommufd):
		/* Resolved by .reg() or .update(), in the attacher's call */
		kops->iommufd = uops->iommufd;
		return 1;
	case offsetof(struct iopf_ops, dev_id):
		kops->dev_id = uops->dev_id;
		return 1;
	case offsetof(struct iopf_ops, fault_id):
		kops->fault_id = uops->fault_id;
		return 1;
	case offsetof(struct iopf_ops, pasid):
		kops->pasid = uops->pasid;
		return 1;
	}
	return 0;
}

static int iopf_bpf_check_member(const struct btf_type *t,
				 const struct btf_member *member,
				 const struct bpf_prog *prog)
{
	/* Every callback runs under RCU on the fault path */
	if (prog->sleepable)
		return -EINVAL;
	return 0;
}

static int iopf_bpf_ops_init(struct btf *btf)
{
	const struct btf_member *member;
	const struct btf_type *t;
	s32 type_id;
	u32 i;

	/* For the kfunc filter, which sees programs, not struct_ops types */
	type_id = btf_find_by_name_kind(btf, "iopf_ops", BTF_KIND_STRUCT);
	if (type_id < 0)
		return -EINVAL;
	iopf_ops_btf = btf;
	iopf_ops_type_id = type_id;
	t = btf_type_by_id(btf, type_id);
	for_each_member(i, t, member)
		if (__btf_member_bit_offset(t, member) / 8 ==
		    offsetof(struct iopf_ops, decide))
			iopf_ops_decide_idx = i;
	return 0;
}

static bool iopf_bpf_is_valid_access(int off, int size,
				     enum bpf_access_type type,
				     const struct bpf_prog *prog,
				     struct bpf_insn_access_aux *info)
{
	return bpf_tracing_btf_ctx_access(off, size, type, prog, info);
}

static const struct bpf_verifier_ops iopf_bpf_verifier_ops = {
	.get_func_proto = bpf_base_func_proto,
	.is_valid_access = iopf_bpf_is_valid_access,
};

/* CFI stubs: 6.12 finds them by the name <struct>__<member> */
static int iopf_ops__decide(struct iopf_decision *dn, struct device *dev,
			    const struct iommu_fault_page_request *req)
{
	return IOPF_ACT_DEFAULT;
}

static void iopf_ops__exit(const struct iopf_exit_info *info)
{
}

static struct iopf_ops __bpf_iopf_ops = {
	.decide = iopf_ops__decide,
	.exit = iopf_ops__exit,
};

static struct bpf_struct_ops bpf_iopf_ops = {
	.verifier_ops = &iopf_bpf_verifier_ops,
	.init = iopf_bpf_ops_init,
	.check_member = iopf_bpf_check_member,
	.init_member = iopf_bpf_init_member,
	.reg = iopf_bpf_reg,
	.unreg = iopf_bpf_unreg,
	.update = iopf_bpf_update,
	.validate = iopf_bpf_validate,
	.name = "iopf_ops",
	.cfi_stubs = &__bpf_iopf_ops,
};

/* Is @prog an iopf_ops.decide() program? */
bool iopf_bpf_prog_is_decide(const struct bpf_prog *prog)
{
	return prog->type == BPF_PROG_TYPE_STRUCT_OPS &&
	       prog->aux->attach_btf == iopf_ops_btf &&
	       prog->aux->attach_btf_id == iopf_ops_type_id &&
	       prog->expected_attach_type == iopf_ops_decide_idx;
}

/*
 * The kfuncs of decide().  @dn is the decision the program was given (the
 * verifier sees to that: trusted arguments, and the filter below admits
 * only decide() programs), so each runs with the caller's locks held:
 * rcu_read_lock() and, for a device that has one, the fault parameter's
 * mutex.  None sleeps.
 */
__bpf_kfunc_start_defs();

/**
 * bpf_iopf_nr_partial() - Partial requests of the device parked now
 * @dn: the decision given to iopf_ops.decide()
 *
 * Counts requests parked before this one (not this one), every group of
 * the device.  Return: the count; 0 for a device without a fault queue.
 */
__bpf_kfunc u32 bpf_iopf_nr_partial(struct iopf_decision *dn)
{
	return dn->param ? dn->param->nr_partial : 0;
}

/**
 * bpf_iopf_nr_partial_group() - Parked partial requests of this group
 * @dn: the decision given to iopf_ops.decide()
 *
 * Return: how many partial requests with this request's group index are
 * parked now, before this one; 0 for a device without a fault queue.
 */
__bpf_kfunc u32 bpf_iopf_nr_partial_group(struct iopf_decision *dn)
{
	return iopf_bpf_group_parked(dn);
}

/**
 * bpf_iopf_has_handler() - Did the kernel find a fault handler on its own?
 * @dn: the decision given to iopf_ops.decide()
 *
 * Return: true if the kernel found an attach handle to deliver the request
 * to before any policy spoke (the PASID's for a request with a PASID, or
 * the RID's where the IOMMU driver reports it so).
 */
__bpf_kfunc bool bpf_iopf_has_handler(struct iopf_decision *dn)
{
	return dn->own;
}

/**
 * bpf_iopf_rid_has_handler() - Would IOPF_ACT_ROUTE_RID find a handler?
 * @dn: the decision given to iopf_ops.decide()
 *
 * Return: true if the device's RID attach handle has a fault handler now.
 */
__bpf_kfunc bool bpf_iopf_rid_has_handler(struct iopf_decision *dn)
{
	return iopf_bpf_rid_handle(dn->dev);
}

/**
 * bpf_iopf_dev_is_vf() - Is the device a PCI virtual function?
 * @dn: the decision given to iopf_ops.decide()
 *
 * A VF shares its physical function's PRI: IOPF_ACT_ANSWER_FAILURE is
 * refused for it.  Return: true for a PCI VF.
 */
__bpf_kfunc bool bpf_iopf_dev_is_vf(struct iopf_decision *dn)
{
	return iopf_bpf_dev_is_vf(dn->dev);
}

/**
 * bpf_iopf_pci_id() - The device's PCI vendor and device IDs
 * @dn: the decision given to iopf_ops.decide()
 *
 * Return: vendor ID << 16 | device ID, or 0 if the device is not PCI.
 */
__bpf_kfunc u32 bpf_iopf_pci_id(struct iopf_decision *dn)
{
	struct pci_dev *pdev;

	if (!dev_is_pci(dn->dev))
		return 0;
	pdev = to_pci_dev(dn->dev);
	return (u32)pdev->vendor << 16 | pdev->device;
}

/**
 * bpf_iopf_dev_name() - The device's name, whole
 * @dn: the decision given to iopf_ops.decide()
 * @buf: where to copy dev_name(), NUL-terminated
 * @buf__sz: size of @buf in bytes
 *
 * Return: the name's length, or -E2BIG if it was cut to fit @buf.
 */
__bpf_kfunc int bpf_iopf_dev_name(struct iopf_decision *dn, char *buf,
				  u32 buf__sz)
{
	return strscpy(buf, dev_name(dn->dev), buf__sz);
}

/**
 * bpf_iopf_eject() - The policy gives up
 * @dn: the decision given to iopf_ops.decide()
 * @msg__str: why, a constant string; the first IOPF_EXIT_MSG_LEN - 1
 *	bytes are kept
 *
 * For a policy that finds its own state broken.  Its answer for this
 * request is not obeyed, and it is never called again: it is ejected as by
 * the kernel, with IOPF_EXIT_SELF and @msg__str wherever the reason of an
 * ejection is shown.  The kernel knows the caller from @dn (6.12 has no
 * __prog kfunc argument).
 */
__bpf_kfunc void bpf_iopf_eject(struct iopf_decision *dn, const char *msg__str)
{
	iopf_bpf_self_eject(dn, msg__str);
}

__bpf_kfunc_end_defs();

/*
 * @dn must be the decision the program was given.  6.12 asks for that with
 * KF_TRUSTED_ARGS; 7.3 has no such flag, because every kfunc's pointer
 * arguments must be trusted by default (Documentation/bpf/kfuncs.rst, 2.2).
 */
#ifdef KF_TRUSTED_ARGS
#define IOPF_KF_FLAGS	KF_TRUSTED_ARGS
#else
#define IOPF_KF_FLAGS	0
#endif

BTF_KFUNCS_START(iopf_bpf_kfunc_ids)
BTF_ID_FLAGS(func, bpf_iopf_nr_partial, IOPF_KF_FLAGS)
BTF_ID_FLAGS(func, bpf_iopf_nr_partial_group, IOPF_KF_FLAGS)
BTF_ID_FLAGS(func, bpf_iopf_has_handler, IOPF_KF_FLAGS)
BTF_ID_FLAGS(func, bpf_iopf_rid_has_handler, IOPF_KF_FLAGS)
BTF_ID_FLAGS(func, bpf_iopf_dev_is_vf, IOPF_KF_FLAGS)
BTF_ID_FLAGS(func, bpf_iopf_pci_id, IOPF_KF_FLAGS)
BTF_ID_FLAGS(func, bpf_iopf_dev_name, IOPF_KF_FLAGS)
BTF_ID_FLAGS(func, bpf_iopf_eject, IOPF_KF_FLAGS)
BTF_KFUNCS_END(iopf_bpf_kfunc_ids)

/* Filters see every struct_ops kfunc call: deny only our own, elsewhere */
static int iopf_bpf_kfunc_filter(const struct bpf_prog *prog, u32 kfunc_id)
{
	if (!btf_id_set8_contains(&iopf_bpf_kfunc_ids, kfunc_id))
		return 0;
	return iopf_bpf_prog_is_decide(prog) ? 0 : -EACCES;
}

static const struct btf_kfunc_id_set iopf_bpf_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &iopf_bpf_kfunc_ids,
	.filter = iopf_bpf_kfunc_filter,
};

int __init iopf_bpf_register_ops(void)
{
	int ret;

	ret = register_btf_kfunc_id_set(BPF_PROG_TYPE_STRUCT_OPS,
					&iopf_bpf_kfunc_set);
	if (ret)
		return ret;
	return register_bpf_struct_ops(&bpf_iopf_ops, iopf_ops);
}
