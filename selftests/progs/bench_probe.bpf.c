// SPDX-License-Identifier: GPL-2.0
/*
 * iopf-kbench's probes.  floor: an empty fentry program on the hooked
 * function, the price of one BPF call through a trampoline, the unit the
 * performance goals are stated in.  latency: report-to-response time of
 * every page response, from the iopf_response tracepoint's arguments.
 */
#include "iopf_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define LAT_MAX 16384

__u64 lat_ns[LAT_MAX];
__u32 lat_source[LAT_MAX];
/* May exceed LAT_MAX: the excess is not kept.  Not atomic: the latency
 * runs report one fault at a time, so responses never race. */
__u32 nr_lat;
__u32 record;		/* user space turns recording on and off */

SEC("fentry/iommu_report_device_fault")
int BPF_PROG(report_floor)
{
	return 0;
}

SEC("tp_btf/iopf_response")
int BPF_PROG(latency, struct device *dev, const struct iommu_page_response *resp,
	     u32 source, u64 reported_ns)
{
	__u32 i;

	if (!record || !reported_ns)
		return 0;
	i = nr_lat++;
	if (i < LAT_MAX) {
		lat_ns[i] = bpf_ktime_get_ns() - reported_ns;
		lat_source[i] = source;
	}
	return 0;
}
