/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the kernel says about iopf-bpf (debugfs, IOPF_DEBUGFS_DIR): the
 * attached policies, global counters and recent ejections.  Shared by
 * iopfctl and the selftests.
 */
#ifndef IOPF_KERNEL_H
#define IOPF_KERNEL_H

#include <linux/iopf_bpf.h>

struct iopf_cb_info {
	char implemented;		/* 'y' or 'n' */
	unsigned long long calls, obeyed, overridden;
};

struct iopf_policy_info {
	char name[IOPF_OPS_NAME_LEN];
	char scope[IOPF_DEV_NAME_LEN];	/* "*" for all devices */
	char state[16];			/* live or ejected */
	unsigned long long order;
	unsigned int link_id;
	struct iopf_cb_info cb[IOPF_CB_RESPOND + 1];	/* by IOPF_CB_* */
};

struct iopf_ejection_info {
	unsigned int seq;
	unsigned long long time_ns;
	char name[IOPF_OPS_NAME_LEN];
	char reason[32];
	char callback[16];
	int verdict;
	char device[IOPF_DEV_NAME_LEN];
	unsigned int pasid;
};

/* Directory of the kernel's files; IOPF_DEBUGFS overrides it (tests) */
const char *iopf_kernel_dir(void);
/* 0 if this kernel has iopf-bpf, -ENOENT if not, -EACCES without privilege */
int iopf_kernel_available(void);
/* Attached policies in consultation order; returns how many, or -errno */
int iopf_kernel_policies(struct iopf_policy_info *out, int max);
/* One policy by name: 0, -ENOENT or -errno */
int iopf_kernel_policy(const char *name, struct iopf_policy_info *out);
/* A global counter ("requests", "responded_invalid", ...) */
int iopf_kernel_stat(const char *key, long long *value);
/* Recent ejections, oldest first; returns how many, or -errno */
int iopf_kernel_ejections(struct iopf_ejection_info *out, int max);

#endif
