// SPDX-License-Identifier: GPL-2.0
/*
 * partial_cap: bound the partial page requests a device may park.
 *
 * The kernel parks every partial (non-last) request until the last
 * request of its group arrives; a device that never sends it grows that
 * list without bound.  This policy drops partial requests past a limit
 * per device and per group id.  A dropped partial is owed no response; its
 * group still gets one when its last request arrives, with fewer faults.
 *
 * Parameters:
 *   max_per_device=N  parked partials per device (default 256)
 *   max_per_grpid=N   parked partials per device and group id (default 32)
 * Counters: dropped per device; dropped_total.
 */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 max_per_device = 256;
const volatile __u32 max_per_grpid = 32;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, char[IOPF_DEV_NAME_LEN]);
	__type(value, __u64);
} dropped SEC(".maps");

__u64 dropped_total;

SEC("struct_ops")
int BPF_PROG(partial_cap_decide, IOPF_DECIDE_ARGS)
{
	char name[IOPF_DEV_NAME_LEN] = {};
	__u64 one = 1, *count;

	if (iopf_last(req) ||
	    (bpf_iopf_nr_partial(dn) < max_per_device &&
	     bpf_iopf_nr_partial_group(dn) < max_per_grpid))
		return IOPF_ACT_DEFAULT;

	iopf_dev_name(name, dn);
	count = bpf_map_lookup_elem(&dropped, name);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&dropped, name, &one, BPF_NOEXIST);
	iopf_count(dropped_total);
	return IOPF_ACT_DROP;
}

IOPF_POLICY(partial_cap) = {
	.decide = (void *)partial_cap_decide,
	.name = "partial_cap",
};
