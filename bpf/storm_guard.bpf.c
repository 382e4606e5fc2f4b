// SPDX-License-Identifier: GPL-2.0
/*
 * storm_guard: a token bucket for page request groups per device and PASID.
 *
 * Each PASID of a device (and the device's requests without a PASID) may
 * have `rate` groups per second handled, with bursts of up to `burst`;
 * beyond that its groups are answered at once (INVALID, or FAILURE with
 * answer_failure=1) and counted, so a device or a PASID in a fault storm
 * (one guest's, say, where PASIDs are handed to guests) cannot starve the
 * handlers, or the other PASIDs and devices, of service.  With per_pasid=0
 * one bucket serves the whole device.  Partial requests are not limited
 * (they are capped by partial_cap).
 *
 * Parameters:
 *   rate=N    groups per second per device (default 1000)
 *   burst=N   bucket size (default 100)
 *   per_pasid=0|1  one bucket per PASID (default 1) or per device (0)
 *   answer_failure=0|1  answer FAILURE instead of INVALID (default 0); FAILURE makes
 *             a PCIe function disable PRI until reset: use it only to stop
 *             a device for good.  A VF's groups are answered INVALID all
 *             the same (the kernel refuses FAILURE for a VF).
 * Counters: per bucket, passed and shed groups; shed_total.  A bucket's key
 * is the device and the PASID, 4294967295 (0xffffffff) for requests without
 * a PASID, or for the whole device with per_pasid=0.
 */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u64 rate = 1000;
const volatile __u64 burst = 100;
const volatile bool answer_failure;
const volatile bool per_pasid = true;

/*
 * A bucket's key: not a struct iopf_match, which would make the map a
 * --set parameter (params.c)
 */
struct storm_key {
	char dev[IOPF_DEV_NAME_LEN];
	__u32 pasid;	/* IOPF_ANY_PASID: no PASID, or the whole device */
};

struct storm_bucket {
	struct bpf_spin_lock lock;
	__u64 tokens_x1e9;	/* tokens scaled by 1e9 to refill per ns */
	__u64 last_ns;
	__u64 passed;
	__u64 shed;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct storm_key);
	__type(value, struct storm_bucket);
} buckets SEC(".maps");

__u64 shed_total;

SEC("struct_ops")
int BPF_PROG(storm_guard_decide, IOPF_DECIDE_ARGS)
{
	struct storm_key key = {};
	struct storm_bucket *b, fresh = {};
	__u64 now = bpf_ktime_get_ns(), cap = burst * 1000000000ULL;
	bool allow;

	/* A group is let through or answered at its last request */
	if (!iopf_last(req))
		return IOPF_ACT_DEFAULT;

	iopf_dev_name(key.dev, dn);
	key.pasid = per_pasid && iopf_has_pasid(req) ? req->pasid : IOPF_ANY_PASID;
	b = bpf_map_lookup_elem(&buckets, &key);
	if (!b) {
		fresh.tokens_x1e9 = cap;
		fresh.last_ns = now;
		bpf_map_update_elem(&buckets, &key, &fresh, BPF_NOEXIST);
		b = bpf_map_lookup_elem(&buckets, &key);
	}
	if (!b && key.pasid != IOPF_ANY_PASID) {
		/*
		 * The map is full (a device cycling through PASIDs, say): the
		 * device's own bucket, so that new PASIDs are not let through
		 * unlimited
		 */
		key.pasid = IOPF_ANY_PASID;
		b = bpf_map_lookup_elem(&buckets, &key);
		if (!b) {
			bpf_map_update_elem(&buckets, &key, &fresh, BPF_NOEXIST);
			b = bpf_map_lookup_elem(&buckets, &key);
		}
	}
	if (!b)
		return IOPF_ACT_DEFAULT;

	bpf_spin_lock(&b->lock);
	if (now > b->last_ns) {
		__u64 refill = (now - b->last_ns) * rate;

		b->tokens_x1e9 = cap - b->tokens_x1e9 > refill ?
				 b->tokens_x1e9 + refill : cap;
		b->last_ns = now;
	}
	allow = b->tokens_x1e9 >= 1000000000ULL;
	if (allow) {
		b->tokens_x1e9 -= 1000000000ULL;
		b->passed++;
	} else {
		b->shed++;
	}
	bpf_spin_unlock(&b->lock);

	if (allow)
		return IOPF_ACT_DEFAULT;
	iopf_count(shed_total);
	if (answer_failure && !bpf_iopf_dev_is_vf(dn))
		return IOPF_ACT_ANSWER_FAILURE;
	return IOPF_ACT_ANSWER_INVALID;
}

IOPF_POLICY(storm_guard) = {
	.decide = (void *)storm_guard_decide,
	.name = "storm_guard",
};
