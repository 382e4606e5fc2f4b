/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the kernel says about iopf-bpf (sysfs, IOPF_SYSFS_DIR): the
 * attached policies, global counters and recent ejections.  Shared by
 * iopfctl and the selftests.
 */
#ifndef IOPF_KERNEL_H
#define IOPF_KERNEL_H

#include <stdbool.h>

/*
 * The kernel's sizes of struct iopf_ops's strings (NUL included), of a
 * policy's ejection message, and its policy limit (include/linux/iopf_bpf.h
 * in the kernel: kernel types, so the loader has its own copy)
 */
#define IOPF_OPS_NAME_LEN	32
#define IOPF_EXIT_MSG_LEN	64

#define IOPF_SYSFS_DIR		"/sys/kernel/iopf"

/*
 * struct iopf_policy_info and struct iopf_ejection_info, IOPF_DEV_NAME_LEN
 * and IOPF_MAX_POLICIES: libiopf's public ones (a path, not <iopf/...>:
 * the selftests build with user/ on their include path, not include/)
 */
#include "../include/iopf/libiopf.h"

/* Directory of the kernel's files; IOPF_SYSFS overrides it (tests) */
const char *iopf_kernel_dir(void);
/* 0 if this kernel has iopf-bpf, -ENOENT if not */
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
