// SPDX-License-Identifier: GPL-2.0
/*
 * A policy for the stress test: random actions, mostly
 * legal, now and then illegal, so that the kernel ejects it while faults
 * fire and the test attaches it again.  What it did is counted in .bss for
 * the test to check (a policy must not run once its detach returned).
 */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* One answer in illegal_per_64k is illegal; set before attach (.bss) */
__u32 illegal_per_64k;

__u64 calls_decide, calls_exit;
__u64 illegal_answers;
__u32 exit_kind = 0xffffffff;
__s32 exit_action;

static __always_inline bool roll_illegal(void)
{
	if ((bpf_get_prandom_u32() & 0xffff) >= illegal_per_64k)
		return false;
	__sync_fetch_and_add(&illegal_answers, 1);
	return true;
}

/* A value outside enum iopf_action */
static __always_inline int bad_value(void)
{
	return (bpf_get_prandom_u32() & 1) ?
	       IOPF_ACT_ANSWER_FAILURE + 1 + (bpf_get_prandom_u32() & 63) :
	       -1 - (int)(bpf_get_prandom_u32() & 7);
}

SEC("struct_ops")
int BPF_PROG(fuzz_decide, IOPF_DECIDE_ARGS)
{
	__u32 r = bpf_get_prandom_u32();
	bool last = iopf_last(req), pasid = iopf_has_pasid(req);

	__sync_fetch_and_add(&calls_decide, 1);
	/*
	 * A PASID request whose RID has no fault handler (fault domain
	 * detached): routing it is a bad route.  Rare, so taken more often.
	 */
	if (pasid && !bpf_iopf_rid_has_handler(dn)) {
		if (r % 8)
			return IOPF_ACT_DEFAULT;
		__sync_fetch_and_add(&illegal_answers, 1);
		return IOPF_ACT_ROUTE_RID;
	}
	if (roll_illegal()) {
		/* The wrong kind of request for the action, or no action */
		if (!pasid && r % 4 == 0)
			return IOPF_ACT_ROUTE_RID;
		if (last && r % 4 == 1)
			return IOPF_ACT_DROP;
		if (!last && r % 4 == 2)
			return IOPF_ACT_ANSWER_INVALID;
		return bad_value();
	}
	switch ((r >> 2) % 8) {
	case 0:
	case 1:
		/* The RID has a handler: checked above */
		return pasid ? IOPF_ACT_ROUTE_RID : IOPF_ACT_DEFAULT;
	case 2:
		return last ? IOPF_ACT_ANSWER_INVALID : IOPF_ACT_DROP;
	case 3:
		return last ? IOPF_ACT_ANSWER_SUCCESS : IOPF_ACT_DEFAULT;
	case 4:
		return last ? IOPF_ACT_ANSWER_FAILURE : IOPF_ACT_DEFAULT;
	}
	return IOPF_ACT_DEFAULT;
}

SEC("struct_ops")
void BPF_PROG(fuzz_exit, const struct iopf_exit_info *info)
{
	__sync_fetch_and_add(&calls_exit, 1);
	exit_kind = info->kind;
	exit_action = info->action;
}

IOPF_POLICY(fuzz_ops) = {
	.decide = (void *)fuzz_decide,
	.exit = (void *)fuzz_exit,
	.name = "fuzz",
};
