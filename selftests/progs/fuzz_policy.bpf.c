// SPDX-License-Identifier: GPL-2.0
/*
 * A policy for the stress test: random verdicts from every callback, mostly
 * legal, now and then illegal, so that the kernel ejects it while faults
 * fire and the test attaches it again.  What it did is counted in .bss for
 * the test to check (a policy must not run once its detach returned).
 */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* One answer in illegal_per_64k is illegal; set before attach (.bss) */
__u32 illegal_per_64k;

__u64 calls_group, calls_route, calls_respond, calls_exit;
__u64 illegal_answers;
__u32 exit_kind = 0xffffffff, exit_callback;
__s32 exit_verdict;

static __always_inline bool roll_illegal(void)
{
	if ((bpf_get_prandom_u32() & 0xffff) >= illegal_per_64k)
		return false;
	__sync_fetch_and_add(&illegal_answers, 1);
	return true;
}

/* A value no callback may return (IOPF_DEFAULT excluded) */
static __always_inline int bad_value(void)
{
	return (bpf_get_prandom_u32() & 1) ? 4 + (bpf_get_prandom_u32() & 63) :
					     -1 - (int)(bpf_get_prandom_u32() & 7);
}

SEC("struct_ops")
int BPF_PROG(fuzz_group, const struct iopf_ctx *fault)
{
	__u32 r = bpf_get_prandom_u32();

	__sync_fetch_and_add(&calls_group, 1);
	if (roll_illegal())
		/* DROP on a last request is the wrong kind; else no verdict */
		return fault->last_page && (r & 1) ? IOPF_GROUP_DROP : bad_value();
	if (!fault->last_page && r % 4 == 0)
		return IOPF_GROUP_DROP;
	return IOPF_DEFAULT;
}

SEC("struct_ops")
int BPF_PROG(fuzz_route, const struct iopf_ctx *fault)
{
	__u32 r = bpf_get_prandom_u32();

	__sync_fetch_and_add(&calls_route, 1);
	/*
	 * A PASID request whose RID has no fault handler (fault domain
	 * detached): routing it is a bad route.  Rare, so taken more often.
	 */
	if (fault->pasid_valid && !bpf_iopf_rid_has_handler(fault)) {
		if (r % 8)
			return IOPF_DEFAULT;
		__sync_fetch_and_add(&illegal_answers, 1);
		return IOPF_ROUTE_RID;
	}
	if (roll_illegal()) {
		/* Routing a request without PASID is the wrong kind */
		if (!fault->pasid_valid && (r & 1))
			return IOPF_ROUTE_RID;
		return bad_value();
	}
	if (fault->pasid_valid && r % 2 == 0)
		return IOPF_ROUTE_RID;	/* the RID has a handler: checked above */
	return IOPF_DEFAULT;
}

SEC("struct_ops")
int BPF_PROG(fuzz_respond, const struct iopf_ctx *fault)
{
	__u32 r = bpf_get_prandom_u32() % 8;

	__sync_fetch_and_add(&calls_respond, 1);
	if (roll_illegal())
		return bad_value();
	/* Half go on to the handler, the rest are answered with any code */
	switch (r) {
	case 0:
		return IOPF_RESPOND_INVALID;
	case 1:
	case 3:
		return IOPF_RESPOND_SUCCESS;
	case 2:
		return IOPF_RESPOND_FAILURE;
	}
	return IOPF_DEFAULT;
}

SEC("struct_ops")
void BPF_PROG(fuzz_exit, const struct iopf_exit_info *info)
{
	__sync_fetch_and_add(&calls_exit, 1);
	exit_kind = info->kind;
	exit_callback = info->callback;
	exit_verdict = info->verdict;
}

IOPF_POLICY(fuzz_ops) = {
	.group = (void *)fuzz_group,
	.route = (void *)fuzz_route,
	.respond = (void *)fuzz_respond,
	.exit = (void *)fuzz_exit,
	.name = "fuzz",
};
