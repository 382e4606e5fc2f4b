// SPDX-License-Identifier: GPL-2.0
/*
 * A policy for tests: every decision set from user space before load, and
 * everything it saw recorded for the test to check.
 */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Knobs (rodata) */
const volatile int group_verdict;	/* returned for partial requests */
const volatile int group_last_verdict;	/* returned for last requests */
const volatile __u32 group_cap;		/* >0: drop partials past this many per grpid */
const volatile int route_verdict;	/* returned for every request */
const volatile bool route_if_no_handle;	/* ...only for PASID requests with no handle */
const volatile bool route_last_only;	/* ...only for last requests */
const volatile bool route_ask_kfunc;	/* ...only if bpf_iopf_rid_has_handler() */
const volatile int respond_verdict;	/* returned for last requests */
const volatile __u32 respond_grpid;	/* if set, only for this grpid */

/* What it saw */
__u64 calls_group, calls_route, calls_respond, calls_exit;
__u32 last_nr_partial, last_nr_partial_grpid, max_nr_partial_grpid;
__u32 last_pasid, last_grpid, last_flags;
bool last_pasid_valid, last_has_default_handle;
char last_dev_name[IOPF_DEV_NAME_LEN];
int kfunc_said = -1;
__u32 exit_kind = 0xffffffff, exit_callback;
__s32 exit_verdict;

SEC("struct_ops")
int BPF_PROG(test_group, const struct iopf_ctx *fault)
{
	__sync_fetch_and_add(&calls_group, 1);
	last_nr_partial = fault->nr_partial;
	last_nr_partial_grpid = fault->nr_partial_grpid;
	if (fault->nr_partial_grpid > max_nr_partial_grpid)
		max_nr_partial_grpid = fault->nr_partial_grpid;
	if (fault->last_page)
		return group_last_verdict;
	if (group_cap)
		return fault->nr_partial_grpid >= group_cap ? IOPF_GROUP_DROP : IOPF_DEFAULT;
	return group_verdict;
}

SEC("struct_ops")
int BPF_PROG(test_route, const struct iopf_ctx *fault)
{
	__sync_fetch_and_add(&calls_route, 1);
	last_pasid = fault->pasid;
	last_pasid_valid = fault->pasid_valid;
	last_has_default_handle = fault->has_default_handle;
	last_flags = fault->flags;
	bpf_probe_read_kernel_str(last_dev_name, sizeof(last_dev_name), fault->dev_name);
	if (route_if_no_handle && (!fault->pasid_valid || fault->has_default_handle))
		return IOPF_DEFAULT;
	if (route_last_only && !fault->last_page)
		return IOPF_DEFAULT;
	if (route_ask_kfunc) {
		kfunc_said = bpf_iopf_rid_has_handler(fault);
		if (!kfunc_said)
			return IOPF_DEFAULT;
	}
	return route_verdict;
}

SEC("struct_ops")
int BPF_PROG(test_respond, const struct iopf_ctx *fault)
{
	__sync_fetch_and_add(&calls_respond, 1);
	last_grpid = fault->grpid;
	if (respond_grpid && fault->grpid != respond_grpid)
		return IOPF_DEFAULT;
	return respond_verdict;
}

SEC("struct_ops")
void BPF_PROG(test_exit, const struct iopf_exit_info *info)
{
	__sync_fetch_and_add(&calls_exit, 1);
	exit_kind = info->kind;
	exit_callback = info->callback;
	exit_verdict = info->verdict;
}

IOPF_POLICY(test_ops) = {
	.group = (void *)test_group,
	.route = (void *)test_route,
	.respond = (void *)test_respond,
	.exit = (void *)test_exit,
	.name = "test",
};
