// SPDX-License-Identifier: GPL-2.0
/*
 * pasid_fallback: deliver faults of PASIDs without a handle to the RID.
 *
 * On Intel, AMD and SMMUv3 a PASID request whose PASID has no attach
 * handle has no fault handler and is answered INVALID.  A VMM that owns a
 * device's RID domain (for example through iommufd with a fault queue)
 * often wants those faults itself.  This policy routes such a request to
 * the device's RID attach handle when that handle has a fault handler;
 * the kernel checks the route again and never takes a request away from
 * a PASID that has its own handle.  Scope it to the VMM's devices with
 * --dev.
 *
 * Parameters: none.  Counters: routed, not_routable.
 */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 routed, not_routable;

SEC("struct_ops")
int BPF_PROG(pasid_fallback_decide, IOPF_DECIDE_ARGS)
{
	if (!iopf_has_pasid(req) || bpf_iopf_has_handler(dn))
		return IOPF_ACT_DEFAULT;
	if (!bpf_iopf_rid_has_handler(dn)) {
		iopf_count(not_routable);
		return IOPF_ACT_DEFAULT;
	}
	iopf_count(routed);
	return IOPF_ACT_ROUTE_RID;
}

IOPF_POLICY(pasid_fallback) = {
	.decide = (void *)pasid_fallback_decide,
	.name = "pasid_fallback",
};
