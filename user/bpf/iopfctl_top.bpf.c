// SPDX-License-Identifier: GPL-2.0
/*
 * iopfctl top: page requests, policy routes, drops and answers, and page
 * responses, counted per device and PASID from the iopf:* tracepoints.
 * Attached only while top runs: nothing is counted, and the fault path
 * pays nothing, otherwise.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "events.h"

char LICENSE[] SEC("license") = "GPL";

#define PASID_VALID	(1 << 0)	/* IOMMU_FAULT_PAGE_REQUEST_PASID_VALID */
#define LAST_PAGE	(1 << 1)	/* IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE */

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct iopfctl_top_key);
	__type(value, struct iopfctl_top_counts);
} counts SEC(".maps");

/*
 * A response carries the request's PASID field but not its PASID-valid
 * flag: a group's last request leaves its key here for the response
 */
struct group_key {
	char dev[64];
	__u32 pasid;	/* the field, valid or not */
	__u32 grpid;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct group_key);
	__type(value, __u32);	/* the row's PASID */
} groups SEC(".maps");

static __always_inline void dev_key(char *dst, struct device *dev)
{
	bpf_probe_read_kernel_str(dst, 64, dev->kobj.name);
}

static __always_inline struct iopfctl_top_counts *row(struct iopfctl_top_key *k)
{
	static const struct iopfctl_top_counts zero;
	struct iopfctl_top_counts *c;

	c = bpf_map_lookup_elem(&counts, k);
	if (c)
		return c;
	bpf_map_update_elem(&counts, k, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&counts, k);
}

static __always_inline __u32 row_pasid(__u32 flags, __u32 pasid)
{
	return flags & PASID_VALID ? pasid : IOPFCTL_NO_PASID;
}

SEC("tp_btf/iopf_fault")
int BPF_PROG(top_fault, struct device *dev, const struct iommu_fault *fault)
{
	struct iopfctl_top_key k = {};
	struct iopfctl_top_counts *c;
	__u32 flags = fault->prm.flags;

	dev_key(k.dev, dev);
	k.pasid = row_pasid(flags, fault->prm.pasid);
	c = row(&k);
	if (c)
		c->requests++;	/* per CPU: no atomics needed */
	if (flags & LAST_PAGE) {
		struct group_key g = {};

		__builtin_memcpy(g.dev, k.dev, sizeof(g.dev));
		g.pasid = fault->prm.pasid;
		g.grpid = fault->prm.grpid;
		bpf_map_update_elem(&groups, &g, &k.pasid, BPF_ANY);
	}
	return 0;
}

SEC("tp_btf/iopf_decision")
int BPF_PROG(top_decision, const char *policy, struct device *dev,
	     const struct iommu_fault_page_request *req, int action,
	     enum iopf_decision_outcome outcome)
{
	struct iopfctl_top_key k = {};
	struct iopfctl_top_counts *c;

	if (outcome != IOPF_DECISION_OBEYED)
		return 0;
	dev_key(k.dev, dev);
	k.pasid = row_pasid(req->flags, req->pasid);
	c = row(&k);
	if (!c)
		return 0;
	if (action == IOPF_ACT_DROP)
		c->dropped++;
	else if (action == IOPF_ACT_ROUTE_RID)
		c->routed++;
	else if (action >= IOPF_ACT_ANSWER_SUCCESS && action <= IOPF_ACT_ANSWER_FAILURE)
		c->answered++;
	return 0;
}

SEC("tp_btf/iopf_response")
int BPF_PROG(top_response, struct device *dev, const struct iommu_page_response *resp)
{
	struct iopfctl_top_key k = {};
	struct iopfctl_top_counts *c;
	struct group_key g = {};
	__u32 *pasid;

	dev_key(k.dev, dev);
	__builtin_memcpy(g.dev, k.dev, sizeof(g.dev));
	g.pasid = resp->pasid;
	g.grpid = resp->grpid;
	pasid = bpf_map_lookup_elem(&groups, &g);
	if (pasid) {
		k.pasid = *pasid;
		bpf_map_delete_elem(&groups, &g);
	} else {
		/* Its last request came before top started */
		k.pasid = resp->pasid ? resp->pasid : IOPFCTL_NO_PASID;
	}
	c = row(&k);
	if (c)
		c->responses++;
	return 0;
}
