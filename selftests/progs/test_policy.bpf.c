// SPDX-License-Identifier: GPL-2.0
/*
 * A policy for tests: every decision set from user space before load, and
 * everything it saw recorded for the test to check.  decide() answers, in
 * this order: drop_cap or partial_action for a partial request, then
 * route_action (with its conditions), then last_action for a last one.
 */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile int partial_action;	/* for partial requests */
const volatile __u32 drop_cap;		/* >0: drop partials past this many per group */
const volatile int route_action;	/* for every request, if the conditions hold: */
const volatile bool route_if_no_handle;	/* ...PASID requests with no handler only */
const volatile bool route_last_only;	/* ...last requests only */
const volatile bool route_ask_kfunc;	/* ...only if bpf_iopf_rid_has_handler() */
const volatile int last_action;		/* for last requests */
const volatile __u32 last_grpid;	/* if set, last_action for this group only */
const volatile bool eject_self;		/* call bpf_iopf_eject() */
const volatile __u32 spin_loops;	/* bpf_loop() this many times first */

__u64 calls_decide, calls_exit;
__u32 last_nr_partial, last_nr_partial_group, max_nr_partial_group;
__u32 last_pasid, last_grpid_seen, last_flags, last_pci_id;
bool last_pasid_valid, last_has_handler, last_is_vf;
char last_dev_name[IOPF_DEV_NAME_LEN];
int last_dev_name_ret;
int kfunc_said = -1;
__u32 exit_kind = 0xffffffff;
__s32 exit_action;
char exit_msg[sizeof(((struct iopf_exit_info *)0)->msg)];

static long spin_once(__u64 i, void *data)
{
	return 0;
}

SEC("struct_ops")
int BPF_PROG(test_decide, IOPF_DECIDE_ARGS)
{
	/*
	 * Decide on locals only: the globals below are for the tests to
	 * read, and another CPU's call (another device) may overwrite them
	 * between a store and a load here.
	 */
	bool last = iopf_last(req), pasid_valid, has_handler;
	__u32 group;

	__sync_fetch_and_add(&calls_decide, 1);
	if (spin_loops)
		bpf_loop(spin_loops, spin_once, NULL, 0);
	last_nr_partial = bpf_iopf_nr_partial(dn);
	group = bpf_iopf_nr_partial_group(dn);
	last_nr_partial_group = group;
	if (group > max_nr_partial_group)
		max_nr_partial_group = group;
	last_pasid = req->pasid;
	last_grpid_seen = req->grpid;
	last_flags = req->flags;
	pasid_valid = iopf_has_pasid(req);
	last_pasid_valid = pasid_valid;
	has_handler = bpf_iopf_has_handler(dn);
	last_has_handler = has_handler;
	last_is_vf = bpf_iopf_dev_is_vf(dn);
	last_pci_id = bpf_iopf_pci_id(dn);
	last_dev_name_ret = bpf_iopf_dev_name(dn, last_dev_name,
					      sizeof(last_dev_name));
	if (eject_self)
		bpf_iopf_eject(dn, "test policy ejects itself");

	if (!last && drop_cap && group >= drop_cap)
		return IOPF_ACT_DROP;
	if (!last && partial_action)
		return partial_action;

	if (route_action &&
	    !(route_if_no_handle && (!pasid_valid || has_handler)) &&
	    !(route_last_only && !last)) {
		if (!route_ask_kfunc)
			return route_action;
		bool rid_handler = bpf_iopf_rid_has_handler(dn);

		kfunc_said = rid_handler;
		if (rid_handler)
			return route_action;
	}

	if (last && (!last_grpid || req->grpid == last_grpid))
		return last_action;
	return IOPF_ACT_DEFAULT;
}

SEC("struct_ops")
void BPF_PROG(test_exit, const struct iopf_exit_info *info)
{
	__sync_fetch_and_add(&calls_exit, 1);
	exit_kind = info->kind;
	exit_action = info->action;
	__builtin_memcpy(exit_msg, info->msg, sizeof(exit_msg));
}

IOPF_POLICY(test_ops) = {
	.decide = (void *)test_decide,
	.exit = (void *)test_exit,
	.name = "test",
};
