/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * iopf-bpf: values shared by the kernel, BPF policies and user space.
 *
 * Plain macros on purpose: BPF programs include this after vmlinux.h, which
 * already carries every kernel enum and struct, and macros cannot clash
 * with it.
 */
#ifndef _UAPI_LINUX_IOPF_BPF_H
#define _UAPI_LINUX_IOPF_BPF_H

/* Room for a policy name and a device scope, NUL included */
#define IOPF_OPS_NAME_LEN		32
#define IOPF_DEV_NAME_LEN		32
/* At most this many policies attached at once */
#define IOPF_MAX_POLICIES		64

/* Every callback: keep the kernel's own decision */
#define IOPF_DEFAULT			0

/* iopf_ops.group(): a partial request is freed, never parked or answered */
#define IOPF_GROUP_DROP			1

/* iopf_ops.route(): deliver a PASID request with no PASID handle to the RID handle */
#define IOPF_ROUTE_RID			1

/* iopf_ops.respond(): answer the whole group now, without a handler */
#define IOPF_RESPOND_INVALID		1
#define IOPF_RESPOND_SUCCESS		2
#define IOPF_RESPOND_FAILURE		3

/* Callbacks, as named in ejection records and statistics */
#define IOPF_CB_NONE			0
#define IOPF_CB_GROUP			1
#define IOPF_CB_ROUTE			2
#define IOPF_CB_RESPOND			3

/* Why a policy stopped: iopf_exit_info.kind and the ejection record */
#define IOPF_EXIT_DETACHED		0	/* its link was detached or released */
#define IOPF_EXIT_BAD_VERDICT		1	/* a value the callback may not return */
#define IOPF_EXIT_WRONG_KIND		2	/* a decision on the wrong kind of request */
#define IOPF_EXIT_BAD_ROUTE		3	/* the route target failed validation */
#define IOPF_EXIT_FORBIDDEN_CODE	4	/* a response code refused for the device */
#define IOPF_EXIT_DEV_REMOVED		5	/* its scoped device went away */
#define IOPF_EXIT_REPLACED		6	/* a link update put another in its place */

/* Who sent a page response (tracepoint iopf:iopf_response, field source) */
#define IOPF_RESPONSE_HANDLER		0	/* the domain's handler (iommufd, SVA) */
#define IOPF_RESPONSE_POLICY		1	/* a policy's auto-response */
#define IOPF_RESPONSE_BAD_SETUP		2	/* no fault handler: INVALID */
#define IOPF_RESPONSE_ABORT		3	/* handler failed or no memory: FAILURE */
#define IOPF_RESPONSE_REMOVAL		4	/* device left its queue: INVALID */

/* What became of a callback's answer (tracepoint iopf:iopf_decision) */
#define IOPF_DECISION_DEFAULT		0	/* it returned IOPF_DEFAULT */
#define IOPF_DECISION_OBEYED		1
#define IOPF_DECISION_OVERRIDDEN	2	/* valid, but another policy answered first */
#define IOPF_DECISION_EJECTED		3	/* invalid: not obeyed, policy ejected */

/* Kernel state for loaders and tests (debugfs) */
#define IOPF_DEBUGFS_DIR		"/sys/kernel/debug/iopf"

#endif /* _UAPI_LINUX_IOPF_BPF_H */
