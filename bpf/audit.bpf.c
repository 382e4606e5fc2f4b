// SPDX-License-Identifier: GPL-2.0
/*
 * audit: write every page request this policy is asked about, with what the
 * kernel knew of it then, to a ring buffer that `iopfctl events` prints.
 * It never decides (IOPF_ACT_DEFAULT), so it changes nothing; attach it
 * after the policies whose requests it should see with `--dev` or
 * globally.  Records that find the buffer full are counted, not waited
 * for: the fault path never waits on a reader.
 *
 * Parameters:
 *   last_only=0|1   only a group's last request (default 0: every request)
 * Counters: recorded, lost (the buffer was full).
 */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile bool last_only;

/* 256 KiB: about 2300 records between two reads of `iopfctl events` */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} iopf_audit SEC(".maps");

__u64 recorded;
__u64 lost;

SEC("struct_ops")
int BPF_PROG(audit_decide, IOPF_DECIDE_ARGS)
{
	struct iopf_audit_record *r;

	if (last_only && !iopf_last(req))
		return IOPF_ACT_DEFAULT;

	r = bpf_ringbuf_reserve(&iopf_audit, sizeof(*r), 0);
	if (!r) {
		iopf_count(lost);
		return IOPF_ACT_DEFAULT;
	}
	r->ktime_ns = bpf_ktime_get_ns();
	r->addr = req->addr;
	r->pasid = req->pasid;
	r->grpid = req->grpid;
	r->flags = req->flags;
	r->perm = req->perm;
	r->kernel = (bpf_iopf_has_handler(dn) ? IOPF_AUDIT_HANDLER : 0) |
		    (bpf_iopf_rid_has_handler(dn) ? IOPF_AUDIT_RID_HANDLER : 0) |
		    (bpf_iopf_dev_is_vf(dn) ? IOPF_AUDIT_VF : 0);
	r->nr_partial = bpf_iopf_nr_partial(dn);
	r->action = IOPF_ACT_DEFAULT;
	r->reserved = 0;
	/* Zeroed first: the record is copied out whole */
	__builtin_memset(r->dev, 0, sizeof(r->dev));
	bpf_iopf_dev_name(dn, r->dev, sizeof(r->dev));
	bpf_ringbuf_submit(r, 0);
	iopf_count(recorded);
	return IOPF_ACT_DEFAULT;
}

IOPF_POLICY(audit) = {
	.decide = (void *)audit_decide,
	.name = "audit",
};
