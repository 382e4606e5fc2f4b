// SPDX-License-Identifier: GPL-2.0
/*
 * iopfctl events: a policy's attach, replace, ejection and detach, from
 * the iopf:iopf_policy_* tracepoints, into a ring buffer.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "events.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

/* Events the buffer had no room for */
__u64 lost;

static __always_inline struct iopfctl_event *new_event(__u32 type, const char *name)
{
	struct iopfctl_event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost, 1);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ktime_ns = bpf_ktime_get_ns();
	e->type = type;
	bpf_probe_read_kernel_str(e->name, sizeof(e->name), name);
	return e;
}

SEC("tp_btf/iopf_policy_attach")
int BPF_PROG(on_attach, const char *name, const char *scope, u64 order)
{
	struct iopfctl_event *e = new_event(IOPFCTL_EV_ATTACH, name);

	if (!e)
		return 0;
	bpf_probe_read_kernel_str(e->dev, sizeof(e->dev), scope);
	e->order = order;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp_btf/iopf_policy_replace")
int BPF_PROG(on_replace, const char *old, const char *name, const char *scope,
	     u64 order, u32 link_id)
{
	struct iopfctl_event *e = new_event(IOPFCTL_EV_REPLACE, name);

	if (!e)
		return 0;
	bpf_probe_read_kernel_str(e->old, sizeof(e->old), old);
	bpf_probe_read_kernel_str(e->dev, sizeof(e->dev), scope);
	e->order = order;
	e->link_id = link_id;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp_btf/iopf_policy_eject")
int BPF_PROG(on_eject, const char *name, u32 kind, const char *reason,
	     const char *action, const char *dev, u32 pasid, const char *msg)
{
	struct iopfctl_event *e = new_event(IOPFCTL_EV_EJECT, name);

	if (!e)
		return 0;
	e->kind = kind;
	bpf_probe_read_kernel_str(e->reason, sizeof(e->reason), reason);
	bpf_probe_read_kernel_str(e->action, sizeof(e->action), action);
	bpf_probe_read_kernel_str(e->dev, sizeof(e->dev), dev);
	e->pasid = pasid;
	bpf_probe_read_kernel_str(e->msg, sizeof(e->msg), msg);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp_btf/iopf_policy_detach")
int BPF_PROG(on_detach, const char *name, const char *scope, u32 link_id,
	     u32 kind, const char *reason)
{
	struct iopfctl_event *e = new_event(IOPFCTL_EV_DETACH, name);

	if (!e)
		return 0;
	bpf_probe_read_kernel_str(e->dev, sizeof(e->dev), scope);
	e->link_id = link_id;
	e->kind = kind;
	bpf_probe_read_kernel_str(e->reason, sizeof(e->reason), reason);
	bpf_ringbuf_submit(e, 0);
	return 0;
}
