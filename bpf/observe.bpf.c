// SPDX-License-Identifier: GPL-2.0
/*
 * observe: count, never decide.
 *
 * Counts page requests per (device, PASID, permission) and page responses
 * by code and by the path that sent them (handler, policy, bad setup,
 * abort, device removal).  It returns IOPF_ACT_DEFAULT for everything, so
 * attaching it changes no fault's fate; it is the first thing to load on a
 * machine whose faults you want to understand.
 *
 * Parameters: none.  Counters: iopfctl stats observe.
 */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct observe_key {
	char dev[IOPF_DEV_NAME_LEN];
	__u32 pasid;
	__u32 perm;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct observe_key);
	__type(value, __u64);
} requests_by_device SEC(".maps");

__u64 requests, partial_requests, last_requests, unhandled_requests;
__u64 responses_success, responses_invalid, responses_failure;
__u64 by_handler, by_policy, by_bad_setup, by_abort, by_removal;

SEC("struct_ops")
int BPF_PROG(observe_decide, IOPF_DECIDE_ARGS)
{
	struct observe_key key = {
		.pasid = iopf_has_pasid(req) ? req->pasid : IOPF_ANY_PASID,
		.perm = req->perm,
	};
	__u64 one = 1, *count;

	iopf_dev_name(key.dev, dn);
	count = bpf_map_lookup_elem(&requests_by_device, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&requests_by_device, &key, &one, BPF_NOEXIST);

	iopf_count(requests);
	if (iopf_last(req))
		iopf_count(last_requests);
	else
		iopf_count(partial_requests);
	if (!bpf_iopf_has_handler(dn))
		iopf_count(unhandled_requests);
	return IOPF_ACT_DEFAULT;
}

SEC("tp_btf/iopf_response")
int BPF_PROG(observe_response, struct device *dev,
	     const struct iommu_page_response *resp, u32 source, u64 reported_ns)
{
	switch (resp->code) {
	case IOMMU_PAGE_RESP_SUCCESS: iopf_count(responses_success); break;
	case IOMMU_PAGE_RESP_INVALID: iopf_count(responses_invalid); break;
	case IOMMU_PAGE_RESP_FAILURE: iopf_count(responses_failure); break;
	}
	switch (source) {
	case IOPF_RESPONSE_HANDLER: iopf_count(by_handler); break;
	case IOPF_RESPONSE_POLICY: iopf_count(by_policy); break;
	case IOPF_RESPONSE_BAD_SETUP: iopf_count(by_bad_setup); break;
	case IOPF_RESPONSE_ABORT: iopf_count(by_abort); break;
	case IOPF_RESPONSE_REMOVAL: iopf_count(by_removal); break;
	}
	return 0;
}

IOPF_POLICY(observe) = {
	.decide = (void *)observe_decide,
	.name = "observe",
};
