/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What iopfctl's own BPF programs (iopfctl_events.bpf.c, iopfctl_top.bpf.c) hand to
 * iopfctl: shared by both sides, so fixed-size types only.
 */
#ifndef IOPFCTL_EVENTS_H
#define IOPFCTL_EVENTS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* A policy's life, from the iopf:iopf_policy_* tracepoints */
enum iopfctl_event_type {
	IOPFCTL_EV_ATTACH,
	IOPFCTL_EV_REPLACE,
	IOPFCTL_EV_EJECT,
	IOPFCTL_EV_DETACH,
};

/**
 * struct iopfctl_event - One tracepoint hit, as iopfctl events prints it
 * @ktime_ns: CLOCK_MONOTONIC when it fired
 * @type: enum iopfctl_event_type
 * @order: attach order (attach, replace)
 * @link_id: the policy's BPF link (replace, detach; an attach comes before
 *	the link has its ID)
 * @kind: enum iopf_exit_kind (eject, detach)
 * @reason: its name, as sysfs gives it (eject, detach)
 * @action: the refused action's name, or its number (eject)
 * @pasid: the request's PASID, 0 without one (eject)
 * @name: the policy
 * @old: the policy replaced (replace)
 * @dev: the scope, "" for all devices (attach, replace, detach), or the
 *	request's or departing device (eject)
 * @msg: the policy's own reason, or the overtime (eject)
 */
struct iopfctl_event {
	__u64 ktime_ns;
	__u64 order;
	__u32 type;
	__u32 link_id;
	__u32 kind;
	__u32 pasid;
	char reason[32];
	char action[16];
	char name[32];
	char old[32];
	char dev[64];
	char msg[64];
};

/* No PASID, in top's keys: a PASID is 20 bits */
#define IOPFCTL_NO_PASID	0xffffffffu

/* top: one row's key, a device and a PASID (or IOPFCTL_NO_PASID) */
struct iopfctl_top_key {
	char dev[64];
	__u32 pasid;
};

/* top: counts since top started, per CPU */
struct iopfctl_top_counts {
	__u64 requests;		/* page requests reported */
	__u64 routed;		/* routed to the RID's handler by a policy */
	__u64 dropped;		/* partial requests dropped by a policy */
	__u64 answered;		/* groups answered by a policy */
	__u64 responses;	/* page responses sent, whoever sent them */
};

#endif /* IOPFCTL_EVENTS_H */
