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

static __always_inline __u64 *denied(struct iopf_decision *dn,
				     const struct iommu_fault_page_request *req)
{
	struct iopf_match key = { .pasid = req->pasid };
	__u64 *hits = NULL;

	iopf_dev_name(key.dev, dn);
	if (iopf_has_pasid(req))
		hits = bpf_map_lookup_elem(&deny, &key);
	if (!hits) {
		key.pasid = IOPF_ANY_PASID;
		hits = bpf_map_lookup_elem(&deny, &key);
	}
	return hits;
}

SEC("struct_ops")
int BPF_PROG(quarantine_decide, IOPF_DECIDE_ARGS)
{
	__u64 *hits = denied(dn, req);

	if (!hits)
		return IOPF_ACT_DEFAULT;
	if (!iopf_last(req)) {
		iopf_count(dropped_partials);
		return IOPF_ACT_DROP;
	}
	__sync_fetch_and_add(hits, 1);
	iopf_count(quarantined);
	return IOPF_ACT_ANSWER_INVALID;
}

IOPF_POLICY(quarantine) = {
	.decide = (void *)quarantine_decide,
	.name = "quarantine",
};
