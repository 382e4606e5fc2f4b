/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every iopf-bpf policy shares: kernel types (vmlinux.h), libbpf's
 * helpers, the verdict values and the kfuncs.
 *
 * A policy is a struct iopf_ops in SEC(".struct_ops.link"): the kernel
 * refuses struct_ops maps without a link, since it must be able to eject
 * a misbehaving policy.
 */
#ifndef IOPF_COMMON_BPF_H
#define IOPF_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <linux/iopf_bpf.h>

/* Only from iopf_ops.route(): would IOPF_ROUTE_RID find a fault handler? */
extern bool bpf_iopf_rid_has_handler(const struct iopf_ctx *ctx) __ksym;

#define IOPF_POLICY(var) SEC(".struct_ops.link") struct iopf_ops var

/* Counters in a per-CPU array, summed by the loader */
#define IOPF_COUNTERS(nr)						\
	struct {							\
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);		\
		__uint(max_entries, nr);				\
		__type(key, u32);					\
		__type(value, u64);					\
	} counters SEC(".maps")

static __always_inline void iopf_count(void *map, u32 idx)
{
	u64 *c = bpf_map_lookup_elem(map, &idx);

	if (c)
		(*c)++;
}

#endif /* IOPF_COMMON_BPF_H */
