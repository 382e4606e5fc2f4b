/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers for VM tests that attach policies (selftests/progs) */
#ifndef IOPF_TEST_H
#define IOPF_TEST_H

#include <stdbool.h>
#include <bpf/libbpf.h>
#include "iopf_kernel.h"
#include "iopf_kernel_enums.h"
#include "iopf_ops_map.h"

/* Name (and scope, or NULL for all devices) of an object's iopf_ops map */
int policy_name(struct bpf_object *obj, const char *name, const char *dev);
/* Attach the object's iopf_ops map; NULL and errno set on failure */
struct bpf_link *policy_attach(struct bpf_object *obj);
/*
 * Wait until the kernel has detached @link (ejection or device removal):
 * its exit callback has run then.  False after @ms.
 */
bool policy_wait_detached(struct bpf_link *link, int ms);
/* Wait until the kernel no longer lists @name; false after @ms */
bool policy_wait_gone(const char *name, int ms);
/* The latest ejection record of @name; false if there is none */
bool policy_ejection(const char *name, struct iopf_ejection_info *out);
/* A global counter, or -1 */
long long iopf_stat(const char *key);
/* The attach static key's count (debugfs iopf/static_key), or -1 */
long long iopf_static_key(void);

#endif
