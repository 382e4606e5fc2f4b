// SPDX-License-Identifier: GPL-2.0
/*
 * quarantine: answer INVALID at once for denied devices or PASIDs.
 *
 * A device, or one PASID of a device, in the deny map gets every page
 * request group answered IOMMU_PAGE_RESP_INVALID without reaching its
 * handler, and its partial requests dropped rather than parked (they are
 * owed no response).  Use it to fence off a device or an address space
 * that faults in a loop, or one being torn down, without unbinding it.
 *
 * Parameters:
 *   deny=DEVICE[:PASID]   add an entry (repeat --set for more); without a
 *                         PASID every request of the device is denied
 * Counters: per entry, the groups answered; quarantined, dropped_partials.
 */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct iopf_match);
	__type(value, __u64);		/* groups answered for this entry */
} deny SEC(".maps");

__u64 quarantined, dropped_partials;

static __always_inline __u64 *denied(const struct iopf_ctx *fault)
{
	struct iopf_match key = { .pasid = fault->pasid };
	__u64 *hits = NULL;

	iopf_dev_name(key.dev, fault);
	if (fault->pasid_valid)
		hits = bpf_map_lookup_elem(&deny, &key);
	if (!hits) {
		key.pasid = IOPF_ANY_PASID;
		hits = bpf_map_lookup_elem(&deny, &key);
	}
	return hits;
}

SEC("struct_ops")
int BPF_PROG(quarantine_group, const struct iopf_ctx *fault)
{
	if (fault->last_page || !denied(fault))
		return IOPF_DEFAULT;
	iopf_count(dropped_partials);
	return IOPF_GROUP_DROP;
}

SEC("struct_ops")
int BPF_PROG(quarantine_respond, const struct iopf_ctx *fault)
{
	__u64 *hits = denied(fault);

	if (!hits)
		return IOPF_DEFAULT;
	__sync_fetch_and_add(hits, 1);
	iopf_count(quarantined);
	return IOPF_RESPOND_INVALID;
}

IOPF_POLICY(quarantine) = {
	.group = (void *)quarantine_group,
	.respond = (void *)quarantine_respond,
	.name = "quarantine",
};
