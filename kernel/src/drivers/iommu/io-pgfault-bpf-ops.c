// SPDX-License-Identifier: GPL-2.0
/*
 * iopf-bpf: struct iopf_ops as the BPF verifier sees it
 *
 * Which programs may fill which member, what they may read, the members a
 * user may set (name, dev_name), the CFI stubs, and the route-only kfunc.
 * Attaching, detaching and replacing are in io-pgfault-bpf.c
 * (iopf_bpf_reg/unreg/update/validate).
 */

#include <linux/bpf.h>
#include <linux/bpf_verifier.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/ctype.h>
#include <linux/init.h>
#include <linux/iopf_bpf.h>

#include "io-pgfault-bpf.h"

static const struct btf *iopf_ops_btf;
static u32 iopf_ops_type_id;
static u32 iopf_ops_route_idx;

static bool iopf_bpf_valid_name(const char *name, size_t size, bool required)
{
	size_t len = strnlen(name, size);
	size_t i;

	if (len == size || (required && !len))
		return false;
	/* ASCII, printable without quoting in debugfs and in the loader */
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
		    offsetof(struct iopf_ops, route))
			iopf_ops_route_idx = i;
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
static int iopf_ops__group(const struct iopf_ctx *ctx)
{
	return IOPF_DEFAULT;
}

static int iopf_ops__route(const struct iopf_ctx *ctx)
{
	return IOPF_DEFAULT;
}

static int iopf_ops__respond(const struct iopf_ctx *ctx)
{
	return IOPF_DEFAULT;
}

static void iopf_ops__exit(const struct iopf_exit_info *info)
{
}

static struct iopf_ops __bpf_iopf_ops = {
	.group = iopf_ops__group,
	.route = iopf_ops__route,
	.respond = iopf_ops__respond,
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

__bpf_kfunc_start_defs();

/**
 * bpf_iopf_rid_has_handler() - Would IOPF_ROUTE_RID find a fault handler?
 * @ctx: the context given to iopf_ops.route()
 *
 * Only callable from iopf_ops.route().
 *
 * Return: true if the device's RID attach handle has a fault handler now.
 */
__bpf_kfunc bool bpf_iopf_rid_has_handler(const struct iopf_ctx *ctx)
{
	const struct iopf_bpf_fault *f;

	f = container_of(ctx, struct iopf_bpf_fault, ctx);
	return iopf_bpf_rid_handle(f->dev);
}

__bpf_kfunc_end_defs();

/*
 * The context must be the one the program was given.  6.12 asks for that
 * with KF_TRUSTED_ARGS; 7.3 has no such flag, because every kfunc's pointer
 * arguments must be trusted by default (Documentation/bpf/kfuncs.rst, 2.2).
 */
BTF_KFUNCS_START(iopf_bpf_route_kfunc_ids)
#ifdef KF_TRUSTED_ARGS
BTF_ID_FLAGS(func, bpf_iopf_rid_has_handler, KF_TRUSTED_ARGS)
#else
BTF_ID_FLAGS(func, bpf_iopf_rid_has_handler)
#endif
BTF_KFUNCS_END(iopf_bpf_route_kfunc_ids)

/* Filters see every struct_ops kfunc call: deny only our own, elsewhere */
static int iopf_bpf_kfunc_filter(const struct bpf_prog *prog, u32 kfunc_id)
{
	if (!btf_id_set8_contains(&iopf_bpf_route_kfunc_ids, kfunc_id))
		return 0;
	if (prog->aux->attach_btf == iopf_ops_btf &&
	    prog->aux->attach_btf_id == iopf_ops_type_id &&
	    prog->expected_attach_type == iopf_ops_route_idx)
		return 0;
	return -EACCES;
}

static const struct btf_kfunc_id_set iopf_bpf_route_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &iopf_bpf_route_kfunc_ids,
	.filter = iopf_bpf_kfunc_filter,
};

int __init iopf_bpf_register_ops(void)
{
	int ret;

	ret = register_btf_kfunc_id_set(BPF_PROG_TYPE_STRUCT_OPS,
					&iopf_bpf_route_kfunc_set);
	if (ret)
		return ret;
	return register_bpf_struct_ops(&bpf_iopf_ops, iopf_ops);
}
